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

// The UTC month is the quota's period: quotas reset at 00:00 UTC on the 1st
// (docs/gateway.md#what-counts-against-the-quota). Every month rule below goes through
// `monthBounds`. The gateway asks for the current month on every call; remembering the last
// month's bounds turns that into two comparisons.
let cachedMonth = { start: 0, end: 0, key: "", reset: "" };

/** The start of the UTC month `months` after the month of `at` (epoch ms). */
function monthStartMs(at: number, months: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
}

function monthBounds(at: number) {
  if (at < cachedMonth.start || at >= cachedMonth.end) {
    const start = monthStartMs(at, 0);
    const end = monthStartMs(at, 1);
    cachedMonth = { start, end, key: utcDay(new Date(start)), reset: new Date(end).toISOString() };
  }
  return cachedMonth;
}

const epochMs = (at: Date | number) => (typeof at === "number" ? at : at.getTime());

/** The UTC calendar month of an instant: when it started and when its quota resets. */
export function utcMonth(at: Date | number): { start: Date; resetsAt: Date } {
  const { start, end } = monthBounds(epochMs(at));
  return { start: new Date(start), resetsAt: new Date(end) };
}

/** The first day of `at`'s UTC month, as `YYYY-MM-01` (also the quota counter's key). */
export function monthOf(at: Date | number): string {
  return monthBounds(epochMs(at)).key;
}

/** When `at`'s month's quota resets, as ISO 8601 (the X-Quota-Reset header). */
export function resetOf(at: number): string {
  return monthBounds(at).reset;
}

/** The instant the month after `at`'s UTC month starts. */
export function nextMonthStart(at: Date | number): Date {
  return new Date(monthBounds(epochMs(at)).end);
}

/** The start of the UTC month `months` after the month of `at` (the call log's partitions). */
export function utcMonthStart(at: Date | number, months = 0): Date {
  return new Date(monthStartMs(epochMs(at), months));
}

/** Whole seconds from `now` until the quota resets (at least 1). */
export function secondsToReset(now: number): number {
  return Math.max(1, Math.ceil((monthBounds(now).end - now) / 1000));
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
