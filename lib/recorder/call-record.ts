import { z } from "zod";
import { callOutcomes } from "../schemas/outcome.ts";

const timing = z.number().nonnegative().nullable();

/** One side of a captured call, already redacted and capped by the gateway. */
export const capturedMessage = z.object({
  /** [name, value] pairs as sent; secrets are `[REDACTED]`. */
  headers: z.array(z.tuple([z.string(), z.string()])),
  /** The capped prefix as text; null for a binary or empty body. */
  body: z.string().nullable(),
  /** The body's true size. */
  bytes: z.number().int().nonnegative(),
  truncated: z.boolean(),
  contentType: z.string().nullable(),
});

export type CapturedMessageRecord = z.infer<typeof capturedMessage>;

/**
 * One gateway call as stored in `calls` (docs/gateway.md#what-is-recorded), plus its redacted headers and capped
 * bodies when the capture mode kept them (stored in `call_payloads`). Never holds the key.
 * Fields added later default, so spool files written by an older gateway still replay.
 */
export const callRecord = z.object({
  requestId: z.string().min(1),
  userId: z.uuid(),
  keyId: z.uuid(),
  method: z.string(),
  /** Without the query string. */
  path: z.string(),
  /** The query string without `?`, secret-looking parameters redacted; null when none. */
  query: z.string().nullable().default(null),
  status: z.number().int(),
  outcome: z.enum(callOutcomes).default("completed"),
  latencyMs: z.number().int().nonnegative(),
  upstreamLatencyMs: z.number().int().nonnegative().nullable(),
  /** Milliseconds from receipt to the upstream's first body byte. */
  ttfbMs: timing.default(null),
  /** Milliseconds from receipt to the upstream's last byte or its failure. */
  upstreamDoneMs: timing.default(null),
  /** Milliseconds before the upstream was asked plus after it finished. */
  gatewayMs: timing.default(null),
  requestBytes: z.number().int().nonnegative(),
  responseBytes: z.number().int().nonnegative(),
  ip: z.string(),
  userAgent: z.string().nullable(),
  errorCode: z.string().nullable(),
  /** Reached the upstream, so it counts against the monthly quota. */
  billable: z.boolean(),
  /** ISO 8601, when the call arrived. */
  createdAt: z.string(),
  /** Only on the calls the capture mode selects. */
  payload: z.object({ request: capturedMessage, response: capturedMessage }).optional(),
});

export type CallRecord = z.infer<typeof callRecord>;
