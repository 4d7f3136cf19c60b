import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallRecord, Recorder } from "../recorder/recorder.ts";
import { outcomeOf } from "../schemas/outcome.ts";
import type { KeyCache, KeyEntry, KeyLookup } from "./auth-cache.ts";
import { payloadOf, redactKeys, redactQuery, type CaptureSettings } from "./capture.ts";
import { sendError, type GatewayErrorCode } from "./errors.ts";
import { answerError, forward, type ForwardOutcome, type Upstream } from "./forward.ts";
import { clientIp, findKey, type KeySource } from "./headers.ts";
import type { KeyHashes } from "./key-hashes.ts";
import { resetOf, secondsToReset } from "../time/calendar.ts";
import type { Admission, Limiter } from "./limiter.ts";

/** What one call needs from the running gateway. */
export type Services = {
  trustProxy: boolean;
  bodyLimit: number;
  keys: KeyCache;
  hashes: KeyHashes;
  limiter: Limiter;
  recorder: Pick<Recorder, "record">;
  upstream: Upstream;
  capture: CaptureSettings;
  closing: () => boolean;
  /** The clock calls are stamped, rate-limited and counted against their month by. */
  now: () => number;
};

const MAX_USER_AGENT = 512;
const MAX_PATH = 2048;
const MAX_QUERY = 4096;

/** The path and the redacted query as recorded; a `tg_` key pasted into the path is redacted too. */
function recordTarget(url: string, redacted: ReadonlySet<string>): { path: string; query: string | null } {
  const at = url.indexOf("?");
  const path = redactKeys(at === -1 ? url : url.slice(0, at)).slice(0, MAX_PATH);
  // Redacted before it is cut short, so a cut can never expose half a secret's name.
  const query =
    at === -1 || at === url.length - 1 ? null : redactQuery(url.slice(at + 1), redacted).slice(0, MAX_QUERY);
  return { path, query };
}

/** What the call record needs from the request, read while the socket is still there. */
type CallInfo = {
  req: IncomingMessage;
  requestId: string;
  entry: KeyEntry;
  arrivedAt: number;
  started: number;
  method: string;
  path: string;
  query: string | null;
  ip: string;
  userAgent: string | null;
};

// Several calls arrive in the same millisecond under load; format that instant once.
let isoAt = -1;
let iso = "";
function isoOf(at: number): string {
  if (at !== isoAt) {
    isoAt = at;
    iso = new Date(at).toISOString();
  }
  return iso;
}

/** Milliseconds from receipt to a mark, to 0.01 ms; null when the mark never happened. */
function since(started: number, mark: number): number | null {
  return mark === 0 ? null : Math.round((mark - started) * 100) / 100;
}

/** Records the call when its response is over, however it ended. */
function recordOnClose(
  res: ServerResponse,
  services: Services,
  call: CallInfo,
  outcome: ForwardOutcome,
): void {
  // "close" fires once per response; on() spares the wrapper once() allocates per call.
  res.on("close", () => {
    const now = performance.now();
    const answered = res.writableFinished;
    const errorCode = outcome.errorCode ?? (answered ? null : "client_closed_request");
    // 499: the client closed the connection before any answer was sent.
    const status = answered || res.headersSent ? res.statusCode : 499;
    const result = outcomeOf(errorCode);
    // A client that left before the upstream finished cut the upstream call off now.
    const upstreamDone = outcome.askedAt === 0 ? 0 : outcome.doneAt || now;
    // Gateway overhead: before the upstream was asked, and after it finished; never its streaming.
    const gatewayMs =
      upstreamDone === 0 ? now - call.started : outcome.askedAt - call.started + (now - upstreamDone);
    const record: CallRecord = {
      requestId: call.requestId,
      userId: call.entry.userId,
      keyId: call.entry.keyId,
      method: call.method,
      path: call.path,
      query: call.query,
      status,
      outcome: result,
      latencyMs: Math.round(now - call.started),
      upstreamLatencyMs: outcome.headersAt === 0 ? null : Math.round(outcome.headersAt - call.started),
      ttfbMs: since(call.started, outcome.firstByteAt),
      upstreamDoneMs: since(call.started, upstreamDone),
      gatewayMs: Math.round(gatewayMs * 100) / 100,
      requestBytes: outcome.requestBytes,
      responseBytes: outcome.responseBytes,
      ip: call.ip,
      userAgent: call.userAgent,
      errorCode,
      billable: outcome.billable,
      createdAt: isoOf(call.arrivedAt),
    };
    const { capture } = services;
    if (capture.mode === "all" || (capture.mode === "errors" && (status >= 400 || result !== "completed"))) {
      record.payload = payloadOf(call.req, res, outcome, capture);
    }
    services.recorder.record(record);
  });
}

function setQuotaHeaders(headers: Record<string, string>, limit: number, used: number, now: number): void {
  headers["x-quota-limit"] = String(limit);
  headers["x-quota-remaining"] = String(Math.max(0, limit - used));
  headers["x-quota-reset"] = resetOf(now);
}

/**
 * One call through the gateway (docs/architecture.md, "A gateway call"): key check → rate limit → quota → forward,
 * recorded when its response closes if the key belongs to an account. Synchronous when
 * the key is cached (nearly every call), so the hot path makes no promise of its own;
 * a promise only when the database has to be asked about the key.
 */
export function handleCall(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  requestId: string,
): void | Promise<void> {
  const started = performance.now();
  const arrivedAt = services.now();
  // Collected here and written once with the response: cheaper than setHeader per header.
  const headers: Record<string, string> = { "x-request-id": requestId };
  if (services.closing()) headers.connection = "close";

  // Calls without a key that belongs to an account are answered, never recorded.
  const source = findKey(req.headers);
  if (!source) return void sendError(res, "missing_api_key", requestId, headers);
  // The checksum turns away typos and random guesses without touching the database.
  const hash = services.hashes.of(source.key);
  if (hash === undefined) return void sendError(res, "invalid_api_key", requestId, headers);
  const found = services.keys.lookup(hash);
  const call = { req, res, services, requestId, started, arrivedAt, headers, source };
  if (found instanceof Promise) return found.then((lookup) => afterLookup(call, lookup));
  return afterLookup(call, found);
}

/** Answers with a gateway error and notes it for the call record. */
function refuse(
  res: ServerResponse,
  outcome: ForwardOutcome,
  requestId: string,
  headers: Record<string, string>,
  code: GatewayErrorCode,
  extra?: Record<string, string>,
): void {
  answerError(res, outcome, code, requestId, extra ? { ...headers, ...extra } : headers);
}

/** The rest of a call once its key is known. */
function afterLookup(
  call: {
    req: IncomingMessage;
    res: ServerResponse;
    services: Services;
    requestId: string;
    started: number;
    arrivedAt: number;
    headers: Record<string, string>;
    source: KeySource;
  },
  found: KeyLookup,
): void | Promise<void> {
  const { req, res, services, requestId, started, arrivedAt, headers, source } = call;
  if (found.kind === "unavailable") {
    return void sendError(res, "unavailable", requestId, { ...headers, "retry-after": "1" });
  }
  if (found.kind === "unknown") return void sendError(res, "invalid_api_key", requestId, headers);

  const entry = found.entry;
  // What the client declared it sends: the size recorded for a call refused before its body is read.
  const declared = Number(req.headers["content-length"] ?? 0);
  const outcome: ForwardOutcome = {
    errorCode: null,
    requestBytes: Number.isFinite(declared) ? declared : 0,
    responseBytes: 0,
    billable: false,
    askedAt: 0,
    headersAt: 0,
    firstByteAt: 0,
    doneAt: 0,
    responseHeaders: null,
    requestBody: null,
    responseBody: null,
    gatewayBody: null,
  };
  const recorded = recordTarget(req.url ?? "/", services.capture.query.names);
  recordOnClose(
    res,
    services,
    {
      req,
      requestId,
      entry,
      arrivedAt,
      started,
      method: (req.method ?? "GET").slice(0, 16),
      path: recorded.path,
      query: recorded.query,
      ip: clientIp(req, services.trustProxy),
      userAgent: req.headers["user-agent"]?.slice(0, MAX_USER_AGENT) ?? null,
    },
    outcome,
  );

  // A deleted key still belongs to an account, so its calls are recorded for that account.
  if (entry.deleted) return refuse(res, outcome, requestId, headers, "invalid_api_key");
  if (entry.suspended) return refuse(res, outcome, requestId, headers, "account_suspended");
  if (entry.expiresAt !== null && entry.expiresAt <= arrivedAt)
    return refuse(res, outcome, requestId, headers, "key_expired");
  if (entry.status !== "active") return refuse(res, outcome, requestId, headers, "key_disabled");

  const target = services.upstream.target(req.url ?? "/");
  if (target === undefined) return refuse(res, outcome, requestId, headers, "invalid_path");

  // A declared body over the limit is refused before quota is reserved, so nothing to release.
  const tooLarge = declared > services.bodyLimit;
  const admission = services.limiter.admit(entry.userId, entry.plan, arrivedAt, !tooLarge);
  const admitted = {
    req,
    res,
    services,
    requestId,
    arrivedAt,
    headers,
    source,
    entry,
    outcome,
    tooLarge,
    target,
  };
  if (admission instanceof Promise) return admission.then((a) => afterAdmission(admitted, a));
  afterAdmission(admitted, admission);
}

/** The rest of a call once the limiter has answered. */
function afterAdmission(
  call: {
    req: IncomingMessage;
    res: ServerResponse;
    services: Services;
    requestId: string;
    arrivedAt: number;
    headers: Record<string, string>;
    source: KeySource;
    entry: KeyEntry;
    outcome: ForwardOutcome;
    tooLarge: boolean;
    target: string;
  },
  { rate, quota }: Admission,
): void {
  const { req, res, services, requestId, arrivedAt, headers, source, entry, outcome, target } = call;
  const { plan } = entry;
  headers["ratelimit-policy"] = `"${plan.slug}";q=${plan.rpm};w=60`;
  headers.ratelimit = `"${plan.slug}";r=${rate.remaining};t=${rate.resetSeconds}`;
  if (!rate.allowed) {
    setQuotaHeaders(headers, plan.monthlyQuota, services.limiter.used(entry.userId, arrivedAt), arrivedAt);
    return refuse(res, outcome, requestId, headers, "rate_limited", {
      "retry-after": String(rate.resetSeconds),
    });
  }
  if (call.tooLarge || !quota) {
    setQuotaHeaders(headers, plan.monthlyQuota, services.limiter.used(entry.userId, arrivedAt), arrivedAt);
    return refuse(res, outcome, requestId, headers, "payload_too_large", { connection: "close" });
  }
  setQuotaHeaders(headers, plan.monthlyQuota, quota.used, arrivedAt);
  if (!quota.allowed)
    return refuse(res, outcome, requestId, headers, "quota_exceeded", {
      "retry-after": String(secondsToReset(arrivedAt)),
    });

  outcome.billable = true;
  const { capture } = services;
  const context = {
    requestId,
    target,
    keyHeader: source.header,
    headers,
    capture: capture.mode,
    captureMaxBytes: capture.maxBytes,
  };
  forward(req, res, services.upstream, context, outcome, () => {
    if (!outcome.billable) services.limiter.release(entry.userId, arrivedAt);
  });
}
