import http from "node:http";
import type { Socket } from "node:net";
import path from "node:path";
import type pg from "pg";
import { CAPTURE_DEFAULTS, type Env } from "../env.ts";
import { Recorder, type CallRecord, type RecorderOptions } from "../recorder/recorder.ts";
import { CallLogPartitions } from "../recorder/partitions.ts";
import { PayloadRetention } from "../recorder/retention.ts";
import { KeyCache, type KeyCacheOptions } from "./auth-cache.ts";
import { redactedHeaderNames } from "./capture.ts";
import { QueryRedaction } from "./capture-settings.ts";
import { errorBody, sendError } from "./errors.ts";
import { Upstream } from "./forward.ts";
import { handleCall, type Services } from "./handle-call.ts";
import { KeyHashes } from "./key-hashes.ts";
import { LocalLimiter, type Limiter, type LimiterMode } from "./limiter.ts";
import { GatewayMetrics } from "./metrics.ts";
import { QuotaCounters } from "./quota.ts";
import { RateLimits } from "./rate-limit.ts";
import { RedisLimiter, type RedisLimiterOptions } from "./redis-limiter.ts";
import { newRequestId } from "./request-id.ts";

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
  Partial<
    Pick<
      Env,
      | "CAPTURE_BODIES"
      | "CAPTURE_MAX_BYTES"
      | "PAYLOAD_RETENTION_DAYS"
      | "REDIS_URL"
      | "REDIS_TIMEOUT_MS"
      | "METRICS_PORT"
      | "CALL_LOG_RETENTION_DAYS"
    >
  > & {
    upstreamUrl: string;
  };

export type GatewayOptions = {
  keyCache?: KeyCacheOptions;
  recorder?: Partial<Omit<RecorderOptions, "hooks">>;
  /** How long close() lets in-flight calls finish before cutting them off (ms). */
  drainMs?: number;
  /** Overrides for the Redis limiter's timings (tests). */
  redis?: Pick<RedisLimiterOptions, "retryMs" | "reconcileMs">;
  log?: (message: string) => void;
  /** The gateway's clock (tests move it across a month's end). */
  now?: () => number;
};

export type Gateway = {
  url: string;
  /** Stops accepting, lets in-flight calls finish, writes (or spools) every record. */
  close: () => Promise<void>;
  /** Writes queued call records now (tests, benchmarks). */
  flush: () => Promise<void>;
  /** Re-reads every cached key and the redacted query parameters now (tests). */
  refresh: () => Promise<void>;
  stats: () => {
    inFlight: number;
    pendingRecords: number;
    committedRecords: number;
    limiter: LimiterMode;
  };
  /** GET /metrics, when METRICS_PORT is set. */
  metricsUrl?: string;
};

// Node's parser errors that deserve a more precise status than 400.
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/** Answers bytes Node cannot parse as HTTP with the JSON error shape of docs/gateway.md#errors, then hangs up. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const requestId = newRequestId();
  const body = errorBody("bad_request", requestId);
  const status = CLIENT_ERROR_STATUS[error.code ?? ""] ?? "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function ignore(): void {}

function timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function answerJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

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
 * The gateway (docs/gateway.md): authenticates every call by key, applies the account's rate
 * limit and monthly quota, forwards it to the upstream (streaming both ways) and records it.
 */
export async function startGateway(
  config: GatewayConfig,
  /** Only the pg pool is used: the hot path speaks SQL, and the gateway process need not load Prisma. */
  database: { pool: pg.Pool },
  options: GatewayOptions = {},
): Promise<Gateway> {
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;
  const quota = new QuotaCounters();
  const local = new LocalLimiter(new RateLimits(), quota);
  const limiter: Limiter = config.REDIS_URL
    ? new RedisLimiter(local, {
        url: config.REDIS_URL,
        timeoutMs: config.REDIS_TIMEOUT_MS ?? 50,
        log,
        onFallbackCall: () => metrics?.fallbackCall(),
        ...options.redis,
      })
    : local;
  const keys = new KeyCache(database.pool, {
    ...options.keyCache,
    now,
    onUsage: (userId, month, used) => limiter.observe(userId, month, used),
  });
  let metrics: GatewayMetrics | undefined;
  let batchStarted = 0;
  const recorder = new Recorder(database.pool, {
    spoolDir: path.join(config.dataDir, "spool"),
    onError: log,
    ...options.recorder,
    hooks: {
      writing: (records) => {
        batchStarted = performance.now();
        quota.writing(records);
      },
      written: (records, committed) => {
        metrics?.batchWritten((performance.now() - batchStarted) / 1000);
        quota.written(records, committed);
      },
    },
  });
  if (config.METRICS_PORT !== undefined) {
    metrics = new GatewayMetrics({
      pendingRecords: () => recorder.pending,
      spooledRecords: () => recorder.spooled,
      limiterMode: () => limiter.mode(),
    });
  }
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
  // Partitions ahead of time and old ones dropped; every instance runs it, under a lock.
  const partitions = new CallLogPartitions(
    database.pool,
    {
      callDays: config.CALL_LOG_RETENTION_DAYS ?? 90,
      payloadDays: config.PAYLOAD_RETENTION_DAYS ?? CAPTURE_DEFAULTS.retentionDays,
    },
    log,
  );
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const services: Services = {
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    keys,
    limiter,
    // Metrics read the finished call's record, so they count exactly what the call log shows.
    recorder: metrics
      ? {
          record: (record: CallRecord) => {
            metrics.observe(record);
            recorder.record(record);
          },
        }
      : recorder,
    upstream,
    hashes: new KeyHashes(),
    capture: {
      mode: config.CAPTURE_BODIES ?? CAPTURE_DEFAULTS.mode,
      maxBytes: config.CAPTURE_MAX_BYTES ?? CAPTURE_DEFAULTS.maxBytes,
      redactedHeaders: redactedHeaderNames(config.UPSTREAM_AUTH_HEADER?.name),
      query: queryRedaction,
    },
    closing: () => closing,
    now,
  };

  /** GET /readyz: can this instance serve calls as it should? Each check is named in the answer. */
  const ready = async (res: http.ServerResponse) => {
    const reachable = await timeout(database.pool.query("SELECT 1"), 1000).then(
      () => "ok",
      (error: Error) => error.message,
    );
    const mode = limiter.mode();
    const checks = {
      database: reachable,
      redis:
        mode === "local" ? "not configured" : mode === "redis" ? "ok" : "unreachable (per-instance limits)",
      recorder: recorder.backlogged ? "backlogged" : "ok",
      accepting: closing ? "shutting down" : "ok",
    };
    const ok = reachable === "ok" && mode !== "fallback" && !recorder.backlogged && !closing;
    answerJson(res, ok ? 200 : 503, { status: ok ? "ready" : "not ready", checks });
  };

  // One listener for every call's "close", rather than a new closure per call.
  const callClosed = () => {
    inFlight -= 1;
    if (inFlight === 0) drained?.();
  };
  const server = http.createServer((req, res) => {
    // Probes for load balancers and orchestrators: no key, not recorded, not limited.
    if (req.url === "/healthz") return answerJson(res, 200, { status: "ok" });
    if (req.url === "/readyz") return void ready(res);
    inFlight += 1;
    res.on("close", callClosed);
    // Errors on either side of a call are expected traffic (aborts, resets), never fatal.
    req.on("error", ignore);
    res.on("error", ignore);
    // Always our own id, never the client's X-Request-Id: calls.request_id is UNIQUE, so a
    // chosen (reused) id would make the recorder skip a call as already written.
    const requestId = newRequestId();
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
  partitions.start();
  // Calls made before Redis answers would be limited per instance: give it a moment.
  if (limiter instanceof RedisLimiter) await limiter.ready(1000);
  const metricsServer =
    metrics && config.METRICS_PORT !== undefined
      ? await metrics.listen(config.METRICS_PORT, config.HOSTNAME)
      : undefined;
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
    await partitions.stop();
    await recorder.close();
    await keys.stop();
    await upstream.close();
    await limiter.close();
    await metricsServer?.close();
  };

  const host = ["0.0.0.0", "::"].includes(config.HOSTNAME) ? "localhost" : config.HOSTNAME;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () => (closed ??= close()),
    flush: () => recorder.flush(),
    refresh: async () => {
      await Promise.all([keys.refresh(), queryRedaction.refresh()]);
    },
    stats: () => ({
      inFlight,
      pendingRecords: recorder.pending,
      committedRecords: recorder.committed,
      limiter: limiter.mode(),
    }),
    metricsUrl: metricsServer?.url,
  };
}
