import type { GatewayErrorCode } from "../gateway/errors.ts";

/**
 * Every error code a recorded call can carry: the gateway's own refusals and failures, plus
 * the two the forwarder records when one side hangs up mid-call.
 */
export type RecordedErrorCode = GatewayErrorCode | "upstream_aborted" | "client_closed_request";

// A record, not a list, so that a code added to GatewayErrorCode fails to compile until it is
// listed here (and so offered by the call log's error filter).
const CODES: Record<RecordedErrorCode, true> = {
  missing_api_key: true,
  invalid_api_key: true,
  key_expired: true,
  key_disabled: true,
  account_suspended: true,
  rate_limited: true,
  quota_exceeded: true,
  payload_too_large: true,
  upstream_unreachable: true,
  upstream_timeout: true,
  unavailable: true,
  bad_request: true,
  invalid_path: true,
  upstream_aborted: true,
  client_closed_request: true,
};

/** The recorded error codes, in a stable order for pickers and messages. */
export const RECORDED_ERROR_CODES = Object.keys(CODES) as RecordedErrorCode[];

/** Whether a string is one of the recorded error codes. */
export function isRecordedErrorCode(value: string): value is RecordedErrorCode {
  return Object.hasOwn(CODES, value);
}
