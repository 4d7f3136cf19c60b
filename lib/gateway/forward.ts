import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { Pool, type Dispatcher } from "undici";
import { BodyTap, type CaptureMode } from "./capture.ts";
import { sendError, type GatewayErrorCode } from "./errors.ts";
import { responseHeaders, upstreamHeaders, type KeySource } from "./headers.ts";
import { normalizePath } from "./upstream-path.ts";

/** How a call went, filled in as it happens and read by the call record when the response closes. */
export type ForwardOutcome = {
  /** Set when the gateway answered with its own error instead of the upstream's response. */
  errorCode: GatewayErrorCode | "upstream_aborted" | null;
  requestBytes: number;
  responseBytes: number;
  /** False only when the call was refused after all (request body over the limit). */
  billable: boolean;
  // performance.now() marks, 0 until they happen: the upstream was asked, its response
  // headers arrived, its first body byte, its last byte (or its failure, or the cut-off).
  askedAt: number;
  headersAt: number;
  firstByteAt: number;
  doneAt: number;
  /** The headers the client was sent with the upstream's answer (a reference, copied only if captured). */
  responseHeaders: Record<string, string | string[]> | null;
  /** The request body's first bytes, kept while it streams when the capture mode may want them. */
  requestBody: BodyTap | null;
  /** The response body's first bytes: only once the status says the call will be captured. */
  responseBody: BodyTap | null;
  /** The JSON error body the gateway answered with itself. */
  gatewayBody: string | null;
};

/** Answers with a gateway error and notes it, with the bytes sent, for the call record. */
export function answerError(
  res: ServerResponse,
  outcome: ForwardOutcome,
  code: GatewayErrorCode,
  requestId: string,
  headers: Record<string, string>,
): void {
  outcome.errorCode = code;
  const body = sendError(res, code, requestId, headers);
  if (body !== null) {
    outcome.gatewayBody = body;
    outcome.responseBytes = Buffer.byteLength(body);
  }
}

export type UpstreamOptions = {
  url: string;
  timeoutMs: number;
  bodyLimit: number;
  authHeader: { name: string; value: string } | undefined;
  trustProxy: boolean;
};

/** A keep-alive connection pool to the upstream and what the gateway needs to reach it. */
export class Upstream {
  readonly pool: Pool;
  private readonly basePath: string;

  constructor(readonly options: UpstreamOptions) {
    const url = new URL(options.url);
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.pool = new Pool(url.origin, {
      connections: 256,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
    });
  }

  /**
   * The request target upstream: UPSTREAM_URL's path, then the client's path (dot segments
   * resolved) and query; undefined when the path would leave UPSTREAM_URL's path.
   */
  target(requestUrl: string): string | undefined {
    let path: string | undefined = "/";
    if (requestUrl.startsWith("/")) path = normalizePath(requestUrl);
    else if (URL.canParse(requestUrl)) {
      // absolute-form (`GET http://host/path`): keep only the path and query
      const url = new URL(requestUrl);
      path = normalizePath(url.pathname + url.search);
    }
    return path === undefined ? undefined : this.basePath + path;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

class BodyTooLarge extends Error {}
class ClientGone extends Error {}

/** Passes a chunked request body through, counting it and failing once it passes the limit. */
class LimitedBody extends Transform {
  bytes = 0;
  tooLarge = false;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.tooLarge = true;
      done(new BodyTooLarge("request body over the limit"));
      return;
    }
    done(null, chunk);
  }
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
}

function upstreamErrorCode(error: Error): GatewayErrorCode {
  const code = (error as { code?: string }).code;
  return code === "UND_ERR_HEADERS_TIMEOUT" ? "upstream_timeout" : "upstream_unreachable";
}

type ForwardContext = {
  requestId: string;
  /** The request target upstream, from Upstream.target(). */
  target: string;
  keyHeader: KeySource["header"];
  /** The gateway's own response headers (request id, rate limit, quota). */
  headers: Record<string, string>;
  capture: CaptureMode;
  /** CAPTURE_MAX_BYTES: how much of each body a captured call keeps. */
  captureMaxBytes: number;
};

/**
 * One forwarded exchange as undici's dispatch handler. A class rather than an object of
 * closures: this runs on every call, and methods on a prototype cost nothing per call
 * (tsx's keepNames would otherwise wrap each closure in a defineProperty call).
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private expected = -1;
  private settled = false;
  private draining = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly context: ForwardContext,
    private readonly outcome: ForwardOutcome,
    private readonly limited: LimitedBody | undefined,
    private readonly done: () => void,
  ) {}

  finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.outcome.doneAt ||= performance.now();
    if (this.limited) this.outcome.requestBytes = this.limited.bytes;
    this.done();
  }

  /** A client that leaves mid-call must not leave the upstream call running. */
  clientClosed(): void {
    if (!this.res.writableFinished) this.controller?.abort(new ClientGone("client closed the connection"));
    this.finish();
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.controller = c;
    if (this.res.destroyed) c.abort(new ClientGone("client closed the connection"));
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return;
    const { res, outcome, context } = this;
    outcome.headersAt = performance.now();
    const out = Object.assign(responseHeaders(headers), context.headers);
    res.writeHead(statusCode, out);
    outcome.responseHeaders = out;
    // The status is known now: only a call that will be captured pays for keeping its body.
    if (context.capture === "all" || (context.capture === "errors" && statusCode >= 400)) {
      outcome.responseBody = new BodyTap(context.captureMaxBytes);
    }
    const length = out["content-length"];
    this.expected = typeof length === "string" ? Number(length) : -1;
    // Streamed answers (SSE) must reach the client now, not with the first body chunk.
    if (this.expected < 0) res.flushHeaders();
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    const { res, outcome } = this;
    if (outcome.responseBytes === 0) outcome.firstByteAt = performance.now();
    outcome.responseBytes += chunk.length;
    outcome.responseBody?.add(chunk);
    // The whole body in one chunk (most JSON answers): end now, in one write with the headers.
    if (outcome.responseBytes === this.expected && chunk.length === this.expected) {
      res.end(chunk);
      return;
    }
    if (!res.write(chunk)) {
      c.pause();
      // Listening for drain only once the client falls behind: most answers never do.
      if (!this.draining) {
        this.draining = true;
        res.on("drain", () => c.resume());
      }
    }
  }

  onResponseEnd(): void {
    this.outcome.doneAt = performance.now();
    if (!this.res.writableEnded) this.res.end();
    this.finish();
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    const { res, outcome, context } = this;
    outcome.doneAt ||= performance.now();
    if (this.limited?.tooLarge) {
      outcome.billable = false;
      outcome.headersAt = 0;
      answerError(res, outcome, "payload_too_large", context.requestId, {
        ...context.headers,
        connection: "close",
      });
    } else if (error instanceof ClientGone || res.destroyed) {
      // Nobody left to answer; the record shows the client went away.
    } else if (res.headersSent) {
      outcome.errorCode = "upstream_aborted";
      res.destroy();
    } else {
      answerError(res, outcome, upstreamErrorCode(error), context.requestId, context.headers);
    }
    this.finish();
  }
}

/**
 * Keeps the request body's first bytes as it streams to the upstream, whatever the status
 * will be (it is not known yet): a reference per chunk up to the cap, no copy. A second
 * 'data' listener sees the same chunks as the one that forwards them; attaching it would
 * start the flow before undici listens, so the body is paused until undici resumes it.
 */
function tapRequestBody(
  req: IncomingMessage,
  outcome: ForwardOutcome,
  context: ForwardContext,
  pause: boolean,
): void {
  const tap = new BodyTap(context.captureMaxBytes);
  outcome.requestBody = tap;
  req.on("data", (chunk: Buffer) => tap.add(chunk));
  if (pause) req.pause();
}

/**
 * Forwards one call and streams the answer back chunk by chunk (SSE included), with
 * backpressure both ways, filling in `outcome` as it goes (the call record reads it when
 * the response closes). Calls `done` once when the exchange is over; never throws.
 * A callback rather than a promise: this runs on every call, and the caller has nothing
 * to await.
 */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  context: ForwardContext,
  outcome: ForwardOutcome,
  done: () => void,
): void {
  const { bodyLimit, authHeader, trustProxy } = upstream.options;
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  const chunked = hasBody(req) && !Number.isFinite(declared);
  const limited = chunked ? new LimitedBody(bodyLimit) : undefined;
  if (limited) {
    req.pipe(limited);
    req.once("error", (error) => limited.destroy(error));
  }
  outcome.requestBytes = Number.isFinite(declared) ? declared : 0;
  if (context.capture !== "off" && (limited || hasBody(req))) tapRequestBody(req, outcome, context, !limited);
  const method = req.method ?? "GET";
  const handler = new Exchange(res, context, outcome, limited, done);
  res.on("close", () => handler.clientClosed());
  outcome.askedAt = performance.now();

  try {
    upstream.pool.dispatch(
      {
        path: context.target,
        method,
        headers: upstreamHeaders(req, {
          keyHeader: context.keyHeader,
          requestId: context.requestId,
          authHeader,
          chunked,
          trustProxy,
        }),
        body: limited ?? (hasBody(req) ? req : null),
        headersTimeout: upstream.options.timeoutMs,
      },
      handler,
    );
  } catch {
    answerError(res, outcome, "upstream_unreachable", context.requestId, context.headers);
    handler.finish();
  }
}
