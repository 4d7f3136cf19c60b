"use client";

import { useHydrated } from "./use-hydrated.ts";

const UTC_FORMAT = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  month: "short",
  day: "numeric",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function localFormat(withSeconds: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: withSeconds ? "2-digit" : undefined,
    hourCycle: "h23",
  });
}

/**
 * An instant in the viewer's time zone ("Nov 20, 2026, 15:30:05"), with the exact UTC
 * time on hover. Before hydration it shows UTC, marked "UTC", so it is never wrong.
 */
export function LocalTime({ value, seconds = true }: { value: string; seconds?: boolean }) {
  const hydrated = useHydrated();
  const date = new Date(value);
  return (
    <time dateTime={value} title={`${value.replace("T", " ").replace("Z", "")} UTC`} className="tabular-nums">
      {hydrated ? localFormat(seconds).format(date) : `${UTC_FORMAT.format(date)} UTC`}
    </time>
  );
}

const SHORT_LOCAL = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * "Dec 1, 00:00 UTC (Dec 1, 01:00 your time)": the UTC boundary first, because that is
 * when the quota resets everywhere, and the viewer's own clock after it.
 */
export function ResetTime({ value, utcLabel }: { value: string; utcLabel: string }) {
  const hydrated = useHydrated();
  const date = new Date(value);
  const sameAsUtc = hydrated && date.getTimezoneOffset() === 0;
  return (
    <time dateTime={value}>
      {utcLabel}
      {hydrated && !sameAsUtc ? ` (${SHORT_LOCAL.format(date)} your time)` : null}
    </time>
  );
}
