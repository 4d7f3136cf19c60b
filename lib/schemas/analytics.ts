import { z } from "zod";

/**
 * The overview's analytics view in the URL (`/?range=7d&endpoint=/v2/price`): the range (24 h
 * in hourly buckets, or 7, 30, 90 days in daily ones) and optionally one endpoint pattern.
 */
export const ANALYTICS_RANGES = ["24h", "7d", "30d", "90d"] as const;
export type AnalyticsRange = (typeof ANALYTICS_RANGES)[number];

/** The range the overview opens with: the same 30 days as the daily calls graph. */
export const DEFAULT_RANGE: AnalyticsRange = "30d";

const analyticsSchema = z.object({
  range: z.enum(ANALYTICS_RANGES).catch(DEFAULT_RANGE),
  endpoint: z
    .string()
    .trim()
    .max(512)
    .regex(/^\/[^\s\p{Cc}]*$/u)
    .optional()
    .catch(undefined),
});

export type AnalyticsView = z.infer<typeof analyticsSchema>;

/**
 * Reads the view from `searchParams`. Never fails: an unknown range or a malformed endpoint
 * falls back to the default view (the page says which range it shows).
 */
export function parseAnalyticsView(params: Record<string, string | string[] | undefined>): AnalyticsView {
  const first = (name: string) => {
    const value = params[name];
    return (Array.isArray(value) ? value[0] : value) || undefined;
  };
  return analyticsSchema.parse({ range: first("range"), endpoint: first("endpoint") });
}
