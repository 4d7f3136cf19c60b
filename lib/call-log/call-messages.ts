// Why a recorded call failed and what to do about it, for the call detail page. The gateway's
// own messages (lib/gateway/errors.ts) go in the response; these are for someone reading the
// log later, with the account's plan and the call's own headers and body at hand.
import { isRecordedErrorCode, type RecordedErrorCode } from "../schemas/error-codes.ts";
import { isFailure, type CallOutcome } from "../schemas/outcome.ts";
import { countOf, formatUtc } from "../format.ts";

/** What the explanation can draw on besides the call itself. */
export type ExplainContext = {
  plan: { name: string; rpm: number };
  /** When the monthly quota resets (00:00 UTC on the 1st). */
  quotaResetsAt: Date;
  /** The response's Retry-After header, when it was captured. */
  retryAfter: string | null;
  /** The upstream's own error message, read from the captured response body. */
  upstreamMessage: string | null;
};

export type Explanation = {
  /** Who failed: the gateway refused, the upstream failed, or the client left. */
  tone: "warning" | "danger" | "neutral";
  /** What happened, in a sentence. */
  what: string;
  /** What to do about it. */
  fix: string;
  /** Where to do it, when that is a page of the dashboard. */
  link?: { href: string; label: string };
};

// A record over every recorded code: a new gateway code does not compile until it is explained.
const GATEWAY: Record<RecordedErrorCode, (context: ExplainContext) => Explanation> = {
  missing_api_key: () => ({
    tone: "warning",
    what: "No API key was sent, so the gateway refused the call.",
    fix: "Send the key in Authorization: Bearer <key> or in x-api-key.",
  }),
  invalid_api_key: () => ({
    tone: "warning",
    what: "The key was malformed, unknown or deleted, so the gateway refused the call.",
    fix: "Check the key the client sends, or create a new one.",
    link: { href: "/keys", label: "API keys" },
  }),
  key_expired: () => ({
    tone: "warning",
    what: "The key had passed its expiry (for example the old key after a roll).",
    fix: "Switch the client to the key that replaced it.",
    link: { href: "/keys", label: "API keys" },
  }),
  key_disabled: () => ({
    tone: "warning",
    what: "The key was disabled at the time, so the gateway refused the call.",
    fix: "Enable the key on the API keys page, or use another key.",
    link: { href: "/keys", label: "Enable the key" },
  }),
  account_suspended: () => ({
    tone: "warning",
    what: "The account was suspended by an admin at the time, so all its keys were refused.",
    fix: "Ask the API's operator why the account was suspended.",
  }),
  rate_limited: ({ plan, retryAfter }) => ({
    tone: "warning",
    what: `Over the ${plan.name} plan's rate limit of ${countOf(plan.rpm, "request")} per minute (all keys of the account share it).`,
    fix: `Back off and retry after ${retryAfter ? `${retryAfter} s (the Retry-After header)` : "the seconds in the Retry-After header"}; spread calls out or move to a bigger plan.`,
  }),
  quota_exceeded: ({ plan, quotaResetsAt }) => ({
    tone: "warning",
    what: `The ${plan.name} plan's monthly quota was used up.`,
    fix: `It resets ${formatUtc(quotaResetsAt)}; until then move to a bigger plan to keep calling.`,
  }),
  payload_too_large: () => ({
    tone: "warning",
    what: "The request body was larger than the gateway accepts (GATEWAY_BODY_LIMIT).",
    fix: "Send a smaller body, for example in pages or chunks.",
  }),
  invalid_path: () => ({
    tone: "warning",
    what: "The path climbed out of the API's base path (a .. segment, plain or encoded).",
    fix: "Call the endpoint by its plain path, without .. segments.",
  }),
  bad_request: () => ({
    tone: "warning",
    what: "The gateway could not parse the HTTP request.",
    fix: "Check the client's HTTP library and the request line and headers it sends.",
  }),
  unavailable: () => ({
    tone: "danger",
    what: "The gateway could not verify the key because its database was unreachable.",
    fix: "Retry shortly; the call did not reach the API.",
  }),
  upstream_unreachable: () => ({
    tone: "danger",
    what: "The gateway could not connect to the upstream API (connection refused or reset).",
    fix: "The API is down or unreachable from the gateway; retry later, or tell the API's operator.",
  }),
  upstream_timeout: () => ({
    tone: "danger",
    what: "The upstream API sent no response headers within the gateway's timeout.",
    fix: "Retry later; if this endpoint is always slow, the operator can raise UPSTREAM_TIMEOUT_MS.",
  }),
  upstream_aborted: () => ({
    tone: "danger",
    what: "The upstream API broke off its response part-way through.",
    fix: "Retry the call; if it keeps happening, tell the API's operator.",
  }),
  client_closed_request: () => ({
    tone: "neutral",
    what: "The client hung up before the response was complete.",
    fix: "Check the client's timeout (e.g. curl -m) and that it reads the whole response, streams included.",
  }),
};

const UPSTREAM: Record<number, string> = {
  400: "The upstream API rejected the request as invalid.",
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

/**
 * Why a call failed and what to do; null for a success. A gateway code explains itself
 * (with the plan's numbers); an upstream error quotes the upstream's own message when its
 * body was captured.
 */
export function explainCall(
  call: { status: number; outcome: CallOutcome; errorCode: string | null },
  context: ExplainContext,
): Explanation | null {
  if (call.errorCode && isRecordedErrorCode(call.errorCode)) return GATEWAY[call.errorCode](context);
  if (call.errorCode) {
    return {
      tone: "warning",
      what: `The gateway refused the call (${call.errorCode}).`,
      fix: "See the response body.",
    };
  }
  if (!isFailure(call)) return null;
  const what =
    UPSTREAM[call.status] ??
    `The upstream API answered ${call.status} (${call.status >= 500 ? "server" : "client"} error).`;
  const fix = context.upstreamMessage
    ? `The upstream says: “${context.upstreamMessage}”`
    : call.status >= 500
      ? "Retry later; the error is on the API's side."
      : "Check the request's parameters and body against the API's documentation.";
  return { tone: call.status >= 500 ? "danger" : "warning", what, fix };
}

const MESSAGE_KEYS = ["message", "error_description", "detail", "title", "error", "msg"];

function messageIn(value: unknown, depth = 0): string | null {
  if (typeof value === "string") return value.trim() || null;
  if (!value || typeof value !== "object" || depth > 2) return null;
  const record = value as Record<string, unknown>;
  for (const key of MESSAGE_KEYS) {
    const found = messageIn(record[key], depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * The upstream's own error message from a captured response body: the usual JSON fields
 * (`error.message`, `message`, `detail`, …) or the start of a text body; null for none.
 */
export function upstreamErrorMessage(body: string | null): string | null {
  if (!body?.trim()) return null;
  let message: string | null;
  try {
    message = messageIn(JSON.parse(body) as unknown);
  } catch {
    message = body.trim().startsWith("<") ? null : body.trim();
  }
  if (!message) return null;
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
