/** Milliseconds in a day; UTC days have no daylight-saving jumps. */
const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant as `YYYY-MM-DD`. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** 00:00 UTC of a `YYYY-MM-DD` day. */
export function startOfUtcDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** The day after a `YYYY-MM-DD` day. */
export function nextUtcDay(day: string): string {
  return utcDay(new Date(startOfUtcDay(day).getTime() + DAY_MS));
}

/** The last `count` UTC days up to and including today, oldest first. */
export function lastUtcDays(now: Date, count: number): string[] {
  const today = startOfUtcDay(utcDay(now)).getTime();
  return Array.from({ length: count }, (_, i) => utcDay(new Date(today - (count - 1 - i) * DAY_MS)));
}

/** The UTC calendar month of an instant: quotas reset at 00:00 UTC on the 1st (docs/gateway.md#what-counts-against-the-quota). */
export function utcMonth(now: Date): { start: Date; resetsAt: Date } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return { start: new Date(Date.UTC(year, month, 1)), resetsAt: new Date(Date.UTC(year, month + 1, 1)) };
}

export type DailyCount = { day: string; success: number; failed: number };

/**
 * One entry per day in `days`, in that order, with the counts found in `rows`
 * and zeros for days without calls, so the graph shows quiet days as gaps at zero.
 */
export function zeroFillDays(days: readonly string[], rows: readonly DailyCount[]): DailyCount[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return days.map((day) => {
    const row = byDay.get(day);
    return { day, success: row?.success ?? 0, failed: row?.failed ?? 0 };
  });
}
