import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Socket } from "node:net";
import path from "node:path";
import type pg from "pg";
import { CAPTURE_DEFAULTS, type Env } from "../env.ts";
import { Recorder, type CallRecord, type RecorderOptions } from "../recorder/recorder.ts";
import { PayloadRetention } from "../recorder/retention.ts";
import { KeyCache, type KeyCacheOptions } from "./auth-cache.ts";
import { redactedHeaderNames } from "./capture.ts";
import { QueryRedaction } from "./capture-settings.ts";
import { errorBody, sendError } from "./errors.ts";
import { Upstream } from "./forward.ts";
import { handleCall, type Services } from "./handle-call.ts";
import { KeyHashes } from "./key-hashes.ts";
import { monthOf } from "./month.ts";
import { QuotaCounters } from "./quota.ts";
import { RateLimits } from "./rate-limit.ts";

export type GatewayConfig = Pick<
  Env,
  | "GATEWAY_PORT"
  | "HOSTNAME"
  | "UPSTREAM_AUTH_HEADER"
  | "UPSTREAM_TIMEOUT_MS"
  | "GATEWAY_BODY_LIMIT"
  | "TRUST_PROXY"
  | "dataDir"
> &
  // Optional so that callers (tests) that do not care get the defaults of lib/env.ts.
  Partial<Pick<Env, "CAPTURE_BODIES" | "CAPTURE_MAX_BYTES" | "PAYLOAD_RETENTION_DAYS">> & {
    upstreamUrl: string;
  };

export type GatewayOptions = {
  keyCache?: KeyCacheOptions;
  recorder?: Partial<Omit<RecorderOptions, "hooks">>;
  /** How long close() lets in-flight calls finish before cutting them off (ms). */
  drainMs?: number;
  log?: (message: string) => void;
};

export type Gateway = {
  url: string;
  /** Stops accepting, lets in-flight calls finish, writes (or spools) every record. */
  close: () => Promise<void>;
  /** Writes queued call records now (tests, benchmarks). */
  flush: () => Promise<void>;
  /** Re-reads every cached key and the redacted query parameters now (tests). */
  refresh: () => Promise<void>;
  stats: () => { inFlight: number; pendingRecords: number; committedRecords: number };
};

// Node's parser errors that deserve a more precise status than 400.
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/** Answers bytes Node cannot parse as HTTP with SPEC §5's JSON error shape, then hangs up. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const body = errorBody("bad_request", requestId);
  const status = CLIENT_ERROR_STATUS[error.code ?? ""] ?? "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function ignore(): void {}

/** A call that failed inside the gateway: answer 503 if still possible, else hang up. */
function failedCall(
  error: unknown,
  res: http.ServerResponse,
  requestId: string,
  log: (m: string) => void,
): void {
  log(`gateway: ${(error as Error).message}`);
  if (!res.headersSent) sendError(res, "unavailable", requestId, { "x-request-id": requestId });
  else res.destroy();
}

/**
 * The gateway (SPEC §5): authenticates every call by key, applies the account's rate
 * limit and monthly quota, forwards it to the upstream (streaming both ways) and records it.
 */
export async function startGateway(
  config: GatewayConfig,
  /** Only the pg pool is used: the hot path speaks SQL, and the gateway process need not load Prisma. */
  database: { pool: pg.Pool },
  options: GatewayOptions = {},
): Promise<Gateway> {
  const log = options.log ?? ((message: string) => console.error(message));
  const quota = new QuotaCounters();
  const keys = new KeyCache(database.pool, {
    ...options.keyCache,
    onUsage: (userId, month, used) => quota.observe(userId, month, used),
  });
  const byAccountMonth = (records: readonly CallRecord[]) => {
    const counts = new Map<string, { userId: string; month: string; count: number }>();
    for (const r of records) {
      if (!r.billable) continue;
      const month = monthOf(Date.parse(r.createdAt));
      const id = `${r.userId}|${month}`;
      const entry = counts.get(id) ?? { userId: r.userId, month, count: 0 };
      entry.count += 1;
      counts.set(id, entry);
    }
    return counts.values();
  };
  const recorder = new Recorder(database.pool, {
    spoolDir: path.join(config.dataDir, "spool"),
    onError: log,
    ...options.recorder,
    hooks: {
      writing: (records) => {
        for (const c of byAccountMonth(records)) quota.writing(c.userId, c.month, c.count);
      },
      written: (records, committed) => {
        for (const c of byAccountMonth(records)) quota.written(c.userId, c.month, c.count, committed);
      },
    },
  });
  const upstream = new Upstream({
    url: config.upstreamUrl,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    authHeader: config.UPSTREAM_AUTH_HEADER,
    trustProxy: config.TRUST_PROXY,
  });
  const queryRedaction = new QueryRedaction(database.pool);
  const retention = new PayloadRetention(
    database.pool,
    config.PAYLOAD_RETENTION_DAYS ?? CAPTURE_DEFAULTS.retentionDays,
    log,
  );
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const services: Services = {
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    keys,
    limits: new RateLimits(),
    quota,
    recorder,
    upstream,
    hashes: new KeyHashes(),
    capture: {
      mode: config.CAPTURE_BODIES ?? CAPTURE_DEFAULTS.mode,
      maxBytes: config.CAPTURE_MAX_BYTES ?? CAPTURE_DEFAULTS.maxBytes,
      redactedHeaders: redactedHeaderNames(config.UPSTREAM_AUTH_HEADER?.name),
      query: queryRedaction,
    },
    closing: () => closing,
  };

  const server = http.createServer((req, res) => {
    inFlight += 1;
    res.on("close", () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    // Errors on either side of a call are expected traffic (aborts, resets), never fatal.
    req.on("error", ignore);
    res.on("error", ignore);
    // Always our own id, never the client's X-Request-Id: calls.request_id is UNIQUE, so a
    // chosen (reused) id would make the recorder skip a call as already written.
    const requestId = randomUUID();
    // Usually synchronous; a promise only when the key had to be looked up. No named
    // closure per call: tsx (keepNames) wraps each one in a defineProperty call.
    try {
      handleCall(req, res, services, requestId)?.catch((error: unknown) => {
        failedCall(error, res, requestId, log);
      });
    } catch (error) {
      failedCall(error, res, requestId, log);
    }
  });
  server.on("clientError", answerClientError);
  server.keepAliveTimeout = 65_000;

  keys.start();
  recorder.start();
  await queryRedaction.refresh();
  queryRedaction.start();
  retention.start();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.GATEWAY_PORT, config.HOSTNAME, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.GATEWAY_PORT;

  let closed: Promise<void> | undefined;
  const close = async () => {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (inFlight > 0) {
      const drain = new Promise<void>((resolve) => (drained = resolve));
      const timer = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 25_000);
      await drain;
      clearTimeout(timer);
    }
    server.closeAllConnections();
    await stopped;
    queryRedaction.stop();
    await retention.stop();
    await recorder.close();
    await keys.stop();
    await upstream.close();
  };

  const host = ["0.0.0.0", "::"].includes(config.HOSTNAME) ? "localhost" : config.HOSTNAME;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () => (closed ??= close()),
    flush: () => recorder.flush(),
    refresh: async () => {
      await Promise.all([keys.refresh(), queryRedaction.refresh()]);
    },
    stats: () => ({ inFlight, pendingRecords: recorder.pending, committedRecords: recorder.committed }),
  };
}
