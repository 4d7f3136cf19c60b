import { z } from "zod";

/** One gateway call as stored in `calls` (SPEC §5). Never holds headers or the key itself. */
export const callRecord = z.object({
  requestId: z.string().min(1),
  userId: z.uuid(),
  keyId: z.uuid(),
  method: z.string(),
  /** Without the query string. */
  path: z.string(),
  status: z.number().int(),
  latencyMs: z.number().int().nonnegative(),
  upstreamLatencyMs: z.number().int().nonnegative().nullable(),
  requestBytes: z.number().int().nonnegative(),
  responseBytes: z.number().int().nonnegative(),
  ip: z.string(),
  userAgent: z.string().nullable(),
  errorCode: z.string().nullable(),
  /** Reached the upstream, so it counts against the monthly quota. */
  billable: z.boolean(),
  /** ISO 8601, when the call arrived. */
  createdAt: z.string(),
});

export type CallRecord = z.infer<typeof callRecord>;
