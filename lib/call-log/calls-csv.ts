import type { CallRow } from "../data/calls.ts";
import { isFailure } from "../schemas/outcome.ts";

/**
 * The export's columns, in order: the call log's columns plus the detail fields. `query` is
 * stored redacted; `outcome` says how the call ended (completed, refused, upstream_error,
 * client_aborted), which `result` (failure/success) folds together.
 */
export const CSV_HEADER = [
  "timestamp",
  "request_id",
  "method",
  "endpoint",
  "query",
  "status",
  "result",
  "outcome",
  "error_code",
  "latency_ms",
  "upstream_latency_ms",
  "request_bytes",
  "response_bytes",
  "ip",
  "key_id",
  "key",
  "user_agent",
] as const;

/**
 * RFC 4180 quoting, plus a guard against spreadsheet formula injection: a recorded
 * path or user agent is attacker-controlled, so a cell that starts with = + - @ is
 * prefixed with ' before a spreadsheet can run it.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (with CRLF, as RFC 4180 asks) for a call. */
export function csvLine(call: CallRow): string {
  return (
    [
      call.createdAt.toISOString(),
      call.requestId,
      call.method,
      call.path,
      call.query,
      call.status,
      isFailure(call) ? "failure" : "success",
      call.outcome,
      call.errorCode,
      call.latencyMs,
      call.upstreamLatencyMs,
      call.requestBytes,
      call.responseBytes,
      call.ip,
      call.keyId,
      call.keyName,
      call.userAgent,
    ]
      .map(csvCell)
      .join(",") + "\r\n"
  );
}

/** The header line. */
export function csvHeaderLine(): string {
  return CSV_HEADER.join(",") + "\r\n";
}
