/** UTC calendar-month helpers: quotas reset at 00:00 UTC on the 1st (docs/gateway.md#what-counts-against-the-quota). */

// The hot path asks for the current month on every call; remembering the last month's
// bounds turns that into two comparisons.
let cached = { start: 0, end: 0, month: "", reset: "" };

function bounds(at: number) {
  if (at < cached.start || at >= cached.end) {
    const d = new Date(at);
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    cached = { start, end, month: d.toISOString().slice(0, 7) + "-01", reset: new Date(end).toISOString() };
  }
  return cached;
}

/** The first day of `at`'s UTC month, as `YYYY-MM-01` (also the quota counter's key). */
export function monthOf(at: Date | number): string {
  return bounds(typeof at === "number" ? at : at.getTime()).month;
}

/** When `at`'s month's quota resets, as ISO 8601 (the X-Quota-Reset header). */
export function resetOf(at: number): string {
  return bounds(at).reset;
}

/** The instant the month after `at`'s UTC month starts. */
export function nextMonthStart(at: Date | number): Date {
  const d = new Date(at);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** Whole seconds from `now` until the quota resets (at least 1). */
export function secondsToReset(now: number): number {
  return Math.max(1, Math.ceil((nextMonthStart(now).getTime() - now) / 1000));
}
