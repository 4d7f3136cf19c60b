import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { clientAddress, normalizeIp } from "../client-ip.ts";

/** RFC 9110 §7.6.1 hop-by-hop headers, plus ones the gateway sets itself or must not pass on. */
const REQUEST_DROP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  // undici refuses `expect`; Node already answered 100-continue to the client.
  "expect",
  "x-api-key",
  "x-forwarded-for",
  "x-request-id",
]);

const RESPONSE_DROP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "x-request-id",
]);

/** Where the key came from, so only that header is stripped (docs/gateway.md#sending-a-call). */
export type KeySource = { key: string; header: "authorization" | "x-api-key" };

/**
 * The API key of a request: `x-api-key` first, else `Authorization: Bearer <key>`.
 * x-api-key wins so that a client can send the gateway key there and keep Authorization
 * for the upstream's own scheme, which is then forwarded untouched.
 */
export function findKey(headers: IncomingHttpHeaders): KeySource | undefined {
  const apiKey = headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.trim()) return { key: apiKey.trim(), header: "x-api-key" };
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return { key: match[1], header: "authorization" };
  }
  return undefined;
}

/** The caller's IP (see clientAddress: the socket's peer, or with TRUST_PROXY the proxy's hop). */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  return clientAddress(req.socket?.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
}

export type UpstreamHeaderContext = {
  keyHeader: KeySource["header"];
  requestId: string;
  authHeader: { name: string; value: string } | undefined;
  /** Whether the body is re-chunked by undici (so content-length must not be passed on). */
  chunked: boolean;
  /** TRUST_PROXY: the proxy in front sets X-Forwarded-Host/-Proto; else the client could forge them. */
  trustProxy: boolean;
};

// Without a trusted proxy in front, these describe this gateway's own listener, so the
// gateway writes them itself rather than passing on what any client can send.
const FORWARDED_BY_GATEWAY = new Set(["x-forwarded-host", "x-forwarded-proto"]);

/** The headers sent upstream, as a flat name/value list (duplicates kept, as received). */
export function upstreamHeaders(req: IncomingMessage, context: UpstreamHeaderContext): string[] {
  const raw = req.rawHeaders;
  // Most requests carry no Connection header or just keep-alive: skip the split then.
  const connection = req.headers.connection;
  const connectionTokens =
    connection === undefined || connection === "keep-alive" || connection === "close"
      ? []
      : connection
          .split(",")
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (REQUEST_DROP.has(lower) || (connectionTokens.length > 0 && connectionTokens.includes(lower)))
      continue;
    if (!context.trustProxy && FORWARDED_BY_GATEWAY.has(lower)) continue;
    if (lower === "authorization" && context.keyHeader === "authorization") continue;
    if (lower === "content-length" && context.chunked) continue;
    if (context.authHeader && lower === context.authHeader.name) continue;
    out.push(name, raw[i + 1]!);
  }
  const peer = normalizeIp(req.socket?.remoteAddress ?? "unknown");
  const received = req.headers["x-forwarded-for"];
  const forwarded = typeof received === "string" ? received : (received?.join(", ") ?? "");
  out.push("x-forwarded-for", forwarded ? `${forwarded}, ${peer}` : peer);
  const trusted = context.trustProxy;
  if (req.headers.host && !(trusted && req.headers["x-forwarded-host"]))
    out.push("x-forwarded-host", req.headers.host);
  if (!(trusted && req.headers["x-forwarded-proto"])) out.push("x-forwarded-proto", "http");
  out.push("x-request-id", context.requestId);
  if (context.authHeader) out.push(context.authHeader.name, context.authHeader.value);
  return out;
}

/** The upstream's response headers minus hop-by-hop ones, ready for writeHead. */
export function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || RESPONSE_DROP.has(name)) continue;
    out[name] = value;
  }
  return out;
}
