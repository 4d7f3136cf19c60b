// How a recorded call ended, and the one rule for "failed". Pure, so the gateway, the
// recorder, the data layer and the dashboard share it.

/**
 * `completed`: the response was delivered in full. `refused`: the gateway answered itself
 * (401/403/413/429/503). `upstream_error`: a 502/504 the gateway made (upstream unreachable,
 * timed out, or reset mid-response). `client_aborted`: the client hung up before the
 * response was complete (the status stays the upstream's, or 499 if no answer had started).
 */
export const callOutcomes = ["completed", "refused", "upstream_error", "client_aborted"] as const;
export type CallOutcome = (typeof callOutcomes)[number];

/**
 * "Failed" everywhere (graphs, error rate, rollups, filters): an error status, or a client
 * that hung up before the answer was complete. SQL spells it
 * `status >= 400 OR outcome = 'client_aborted'`.
 */
export function isFailure(call: { status: number; outcome: CallOutcome }): boolean {
  return call.status >= 400 || call.outcome === "client_aborted";
}

const UPSTREAM_ERRORS = new Set(["upstream_unreachable", "upstream_timeout", "upstream_aborted"]);

/**
 * The outcome a recorded error code implies (migration 0008 mapped older rows the same
 * way): none → completed, the upstream's failures → upstream_error, a client that left →
 * client_aborted, any other gateway code → refused.
 */
export function outcomeOf(errorCode: string | null): CallOutcome {
  if (errorCode === null) return "completed";
  if (UPSTREAM_ERRORS.has(errorCode)) return "upstream_error";
  return errorCode === "client_closed_request" ? "client_aborted" : "refused";
}
