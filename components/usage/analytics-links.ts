import type { Window } from "@/lib/data/analytics.ts";
import type { AnalyticsRange } from "@/lib/schemas/analytics.ts";

/** The overview URL for a range and (optionally) one endpoint pattern. */
export function analyticsHref(range: AnalyticsRange, endpoint?: string): string {
  const query = new URLSearchParams({ range });
  if (endpoint) query.set("endpoint", endpoint);
  return `/?${query.toString()}#analytics`;
}

/** The call log's `from` for a window: the exact hour for 24 h, the first UTC day otherwise. */
export function windowFrom(window: Window): string {
  return window.unit === "hour" ? window.from.toISOString() : (window.buckets[0] ?? "");
}
