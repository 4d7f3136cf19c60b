/** UTC calendar-month helpers: quotas reset at 00:00 UTC on the 1st (SPEC §3). */

/** The first day of `at`'s UTC month, as `YYYY-MM-01` (also the quota counter's key). */
export function monthOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 7) + "-01";
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
