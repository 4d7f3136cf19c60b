// Human explanations for the call detail view: what a gateway error code means and what
// to do about it, or what an upstream status usually means. The gateway's own messages
// (lib/gateway/errors.ts) go in the response; these are for someone reading the log later.

const GATEWAY: Record<string, string> = {
  missing_api_key: "No API key was sent. Send it in Authorization: Bearer <key> or x-api-key.",
  invalid_api_key: "The key was malformed, unknown or deleted, so the gateway refused the call.",
  key_expired: "The key had passed its expiry (for example after a roll). Use its replacement.",
  key_disabled: "The key was disabled at the time. Enable it on the API keys page or use another key.",
  account_suspended: "The account was suspended by an admin at the time, so all its keys were refused.",
  rate_limited: "Over the plan's requests-per-minute limit. Back off and retry after Retry-After seconds.",
  quota_exceeded: "The monthly quota was used up. It resets at 00:00 UTC on the 1st, or upgrade the plan.",
  payload_too_large: "The request body was larger than the gateway accepts.",
  invalid_path:
    "The path used `..` (plain or encoded) to climb out of the API's base path, so it was refused.",
  upstream_unreachable: "The gateway could not connect to the upstream API (connection refused or reset).",
  upstream_timeout: "The upstream API sent no response headers within the gateway's timeout.",
  unavailable: "The gateway could not verify the key because its database was unreachable. Retry shortly.",
  bad_request: "The gateway could not parse the HTTP request.",
};

const UPSTREAM: Record<number, string> = {
  400: "The upstream API rejected the request as invalid: check parameters and body.",
  401: "The upstream API refused the request's credentials.",
  403: "The upstream API refused access to this resource.",
  404: "The upstream API has nothing at this path, or the resource does not exist.",
  405: "The upstream API does not allow this method on this path.",
  409: "The upstream API reported a conflict with the resource's current state.",
  422: "The upstream API could not process the request's content.",
  429: "The upstream API itself rate-limited the request.",
  500: "The upstream API failed with an internal error.",
  502: "The upstream API (or a proxy in front of it) returned a bad gateway error.",
  503: "The upstream API was unavailable.",
  504: "A proxy in front of the upstream API timed out.",
};

/** What a recorded call's outcome means, in a sentence; null for a plain success. */
export function explainCall(status: number, errorCode: string | null): string | null {
  if (errorCode) return GATEWAY[errorCode] ?? `The gateway refused the call (${errorCode}).`;
  if (status < 400) return null;
  return (
    UPSTREAM[status] ?? `The upstream API answered ${status} (${status >= 500 ? "server" : "client"} error).`
  );
}

/** Whether a call succeeded (status below 400), as the Result column shows it. */
export function isSuccess(status: number): boolean {
  return status < 400;
}
