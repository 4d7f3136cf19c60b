import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import path from "node:path";
import type { Database } from "../db/client.ts";
import type { Env } from "../env.ts";
import { Recorder, type CallRecord, type RecorderOptions } from "../recorder/recorder.ts";
import { KeyCache, KeyHashes, type KeyCacheOptions, type KeyEntry } from "./auth-cache.ts";
import { errorBody, sendError, type GatewayErrorCode } from "./errors.ts";
import { forward, Upstream, type ForwardOutcome } from "./forward.ts";
import { clientIp, findKey } from "./headers.ts";
import { monthOf, resetOf, secondsToReset } from "./month.ts";
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
> & { upstreamUrl: string };

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
  /** Re-reads every cached key now (tests). */
  refresh: () => Promise<void>;
  stats: () => { inFlight: number; pendingRecords: number; committedRecords: number };
};

const MAX_USER_AGENT = 512;
const MAX_PATH = 2048;

type Services = {
  config: GatewayConfig;
  keys: KeyCache;
  limits: RateLimits;
  quota: QuotaCounters;
  recorder: Recorder;
  upstream: Upstream;
  hashes: KeyHashes;
  closing: () => boolean;
};

function recordPath(url: string): string {
  const at = url.indexOf("?");
  return (at === -1 ? url : url.slice(0, at)).slice(0, MAX_PATH);
}

/** What the call record needs from the request, read while the socket is still there. */
type CallInfo = {
  requestId: string;
  entry: KeyEntry;
  arrivedAt: number;
  started: number;
  method: string;
  path: string;
  ip: string;
  userAgent: string | null;
};

/** Records the call when its response is over, however it ended. */
function recordOnClose(
  res: ServerResponse,
  recorder: Recorder,
  call: CallInfo,
  outcome: ForwardOutcome,
): void {
  res.once("close", () => {
    const answered = res.writableFinished;
    recorder.record({
      requestId: call.requestId,
      userId: call.entry.userId,
      keyId: call.entry.keyId,
      method: call.method,
      path: call.path,
      // 499: the client closed the connection before any answer was sent.
      status: answered || res.headersSent ? res.statusCode : 499,
      latencyMs: Math.round(performance.now() - call.started),
      upstreamLatencyMs: outcome.upstreamLatencyMs,
      requestBytes: outcome.requestBytes,
      responseBytes: outcome.responseBytes,
      ip: call.ip,
      userAgent: call.userAgent,
      errorCode: outcome.errorCode ?? (answered ? null : "client_closed_request"),
      billable: outcome.billable,
      createdAt: new Date(call.arrivedAt).toISOString(),
    });
  });
}

function setQuotaHeaders(headers: Record<string, string>, limit: number, used: number, now: number): void {
  headers["x-quota-limit"] = String(limit);
  headers["x-quota-remaining"] = String(Math.max(0, limit - used));
  headers["x-quota-reset"] = resetOf(now);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  requestId: string,
): Promise<void> {
  const started = performance.now();
  const arrivedAt = Date.now();
  // Collected here and written once with the response: cheaper than setHeader per header.
  const headers: Record<string, string> = { "x-request-id": requestId };
  if (services.closing()) headers.connection = "close";

  const source = findKey(req.headers);
  if (!source) return sendError(res, "missing_api_key", requestId, headers);
  // The checksum turns away typos and random guesses without touching the database.
  const hash = services.hashes.of(source.key);
  if (hash === undefined) return sendError(res, "invalid_api_key", requestId, headers);
  const found = await services.keys.lookup(hash);
  if (found.kind === "unavailable") {
    return sendError(res, "unavailable", requestId, { ...headers, "retry-after": "1" });
  }
  if (found.kind === "unknown") return sendError(res, "invalid_api_key", requestId, headers);

  const entry = found.entry;
  const outcome: ForwardOutcome = {
    errorCode: null,
    upstreamLatencyMs: null,
    requestBytes: 0,
    responseBytes: 0,
    billable: false,
  };
  recordOnClose(
    res,
    services.recorder,
    {
      requestId,
      entry,
      arrivedAt,
      started,
      method: (req.method ?? "GET").slice(0, 16),
      path: recordPath(req.url ?? "/"),
      ip: clientIp(req, services.config.TRUST_PROXY),
      userAgent: req.headers["user-agent"]?.slice(0, MAX_USER_AGENT) ?? null,
    },
    outcome,
  );
  const refuse = (code: GatewayErrorCode, extra?: Record<string, string>) => {
    outcome.errorCode = code;
    sendError(res, code, requestId, extra ? { ...headers, ...extra } : headers);
  };

  // A deleted key still belongs to an account, so its calls are recorded for that account.
  if (entry.deleted) return refuse("invalid_api_key");
  if (entry.expiresAt !== null && entry.expiresAt <= arrivedAt) return refuse("key_expired");
  if (entry.status !== "active") return refuse("key_disabled");

  const { plan } = entry;
  const rate = await services.limits.take(entry.userId, plan.rpm);
  headers["ratelimit-policy"] = `"${plan.slug}";q=${plan.rpm};w=60`;
  headers.ratelimit = `"${plan.slug}";r=${rate.remaining};t=${rate.resetSeconds}`;
  if (!rate.allowed) {
    setQuotaHeaders(headers, plan.monthlyQuota, services.quota.used(entry.userId, arrivedAt), arrivedAt);
    return refuse("rate_limited", { "retry-after": String(rate.resetSeconds) });
  }
  const quota = services.quota.reserve(entry.userId, plan.monthlyQuota, arrivedAt);
  setQuotaHeaders(headers, plan.monthlyQuota, quota.used, arrivedAt);
  if (!quota.allowed) return refuse("quota_exceeded", { "retry-after": String(secondsToReset(arrivedAt)) });

  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > services.config.GATEWAY_BODY_LIMIT) {
    services.quota.release(entry.userId, arrivedAt);
    setQuotaHeaders(headers, plan.monthlyQuota, services.quota.used(entry.userId, arrivedAt), arrivedAt);
    return refuse("payload_too_large", { connection: "close" });
  }

  outcome.billable = true;
  await forward(req, res, services.upstream, { requestId, keyHeader: source.header, headers }, outcome);
  if (!outcome.billable) services.quota.release(entry.userId, arrivedAt);
}

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

/**
 * The gateway (SPEC §5): authenticates every call by key, applies the account's rate
 * limit and monthly quota, forwards it to the upstream (streaming both ways) and records it.
 */
export async function startGateway(
  config: GatewayConfig,
  database: Database,
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
  });
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const services: Services = {
    config,
    keys,
    limits: new RateLimits(),
    quota,
    recorder,
    upstream,
    hashes: new KeyHashes(),
    closing: () => closing,
  };

  const server = http.createServer((req, res) => {
    inFlight += 1;
    res.once("close", () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    // Errors on either side of a call are expected traffic (aborts, resets), never fatal.
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    // Always our own id, never the client's X-Request-Id: calls.request_id is UNIQUE, so a
    // chosen (reused) id would make the recorder skip a call as already written.
    const requestId = randomUUID();
    handle(req, res, services, requestId).catch((error: unknown) => {
      log(`gateway: ${(error as Error).message}`);
      if (!res.headersSent) sendError(res, "unavailable", requestId, { "x-request-id": requestId });
      else res.destroy();
    });
  });
  server.on("clientError", answerClientError);
  server.keepAliveTimeout = 65_000;

  keys.start();
  recorder.start();
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
      const timer = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 10_000);
      await drain;
      clearTimeout(timer);
    }
    server.closeAllConnections();
    await stopped;
    await recorder.close();
    await keys.stop();
    await upstream.close();
  };

  const host = ["0.0.0.0", "::"].includes(config.HOSTNAME) ? "localhost" : config.HOSTNAME;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () => (closed ??= close()),
    flush: () => recorder.flush(),
    refresh: () => keys.refresh(),
    stats: () => ({ inFlight, pendingRecords: recorder.pending, committedRecords: recorder.committed }),
  };
}
