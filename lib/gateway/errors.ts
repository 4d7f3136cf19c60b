import type { ServerResponse } from "node:http";

/** The codes of docs/gateway.md#errors, plus `bad_request` for requests Node cannot parse. */
export type GatewayErrorCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "key_expired"
  | "key_disabled"
  | "account_suspended"
  | "rate_limited"
  | "quota_exceeded"
  | "payload_too_large"
  | "invalid_path"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "unavailable"
  | "bad_request";

const STATUS: Record<GatewayErrorCode, number> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  key_expired: 401,
  key_disabled: 403,
  account_suspended: 403,
  rate_limited: 429,
  quota_exceeded: 429,
  payload_too_large: 413,
  invalid_path: 400,
  upstream_unreachable: 502,
  upstream_timeout: 504,
  unavailable: 503,
  bad_request: 400,
};

const MESSAGE: Record<GatewayErrorCode, string> = {
  missing_api_key: "Send your API key in the Authorization header (Bearer <key>) or in x-api-key.",
  invalid_api_key: "The API key is not valid. Check it, or create a new one in the dashboard.",
  key_expired: "The API key has expired. Use the key that replaced it, or create a new one.",
  key_disabled: "The API key is disabled. Enable it in the dashboard or use another key.",
  account_suspended: "The account this API key belongs to is suspended. Contact the API provider.",
  rate_limited:
    "Too many requests for your plan's rate limit. Retry after the number of seconds in Retry-After.",
  quota_exceeded: "Your monthly quota is used up. It resets at the time in X-Quota-Reset.",
  payload_too_large: "The request body is larger than the gateway accepts.",
  invalid_path: "The request path climbs out of the API's base path (a `..` segment, plain or encoded).",
  upstream_unreachable: "The upstream API could not be reached.",
  upstream_timeout: "The upstream API did not answer in time.",
  unavailable: "The gateway cannot verify this API key right now. Retry shortly.",
  bad_request: "The request could not be parsed.",
};

/** Every code the gateway answers with (the README lists all but `bad_request`). */
export const gatewayErrorCodes = Object.keys(STATUS) as GatewayErrorCode[];

/** The exact JSON body docs/gateway.md#errors prescribes for errors the gateway makes. */
export function errorBody(code: GatewayErrorCode, requestId: string, message = MESSAGE[code]): string {
  return JSON.stringify({ error: { code, message, request_id: requestId } });
}

/**
 * Answers with a gateway error. Headers already set on `res` (X-Request-Id, rate-limit
 * headers) are kept; `extra` adds more (Retry-After, Connection: close). Returns the body
 * sent (for the call record), or null when it was too late to send one.
 */
export function sendError(
  res: ServerResponse,
  code: GatewayErrorCode,
  requestId: string,
  extra: Record<string, string> = {},
): string | null {
  if (res.headersSent) {
    // Too late for a clean error: the client sees a cut-off response instead.
    res.destroy();
    return null;
  }
  const body = errorBody(code, requestId);
  for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.statusCode = STATUS[code];
  res.end(body);
  return body;
}
