"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { formatInstant, formatUtcTitle, TIME_ZONE_COOKIE, zoneLabel } from "@/lib/time/zone.ts";

const TimeZoneContext = createContext("UTC");

/**
 * Gives every LocalTime the viewer's zone, read by the server from the `tz` cookie, so the
 * server and the browser render the same text (no hydration flash). When the cookie is
 * missing or stale (first visit, travel), it is set from the browser and the page is
 * re-rendered once: until then times show in UTC, and say so.
 */
export function TimeZoneProvider({ zone, children }: { zone: string; children: ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!browser || browser === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(browser)}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [zone, router]);
  return <TimeZoneContext value={zone}>{children}</TimeZoneContext>;
}

/** The viewer's IANA time zone ("UTC" until the browser has told the server). */
export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}

/**
 * An instant in the viewer's time zone, "Nov 20, 2026, 15:30:05" (24-hour clock), with
 * the exact UTC time on hover. Name the zone in the column header with TimeZoneHeader.
 */
export function LocalTime({
  value,
  seconds = true,
  fallback = "—",
  withZone = false,
}: {
  value: Date | string | null;
  seconds?: boolean;
  /** Shown (muted) when there is no instant, e.g. "Never". */
  fallback?: string;
  /** Name the zone after the time, where no column header does ("… 15:30 (Europe/Berlin, UTC+1)"). */
  withZone?: boolean;
}) {
  const zone = useTimeZone();
  if (value === null) return <span className="text-fg-muted">{fallback}</span>;
  const instant = typeof value === "string" ? new Date(value) : value;
  return (
    <time dateTime={instant.toISOString()} title={formatUtcTitle(instant)} className="tabular-nums">
      {formatInstant(instant, zone, { seconds })}
      {withZone ? ` (${zoneLabel(zone)})` : null}
    </time>
  );
}

/** A time column's header: "Created (Europe/Berlin, UTC+1)", the zone kept in its own case. */
export function TimeZoneHeader({ label }: { label: string }) {
  const zone = useTimeZone();
  return (
    <>
      {label} <span className="font-normal normal-case">({zoneLabel(zone)})</span>
    </>
  );
}

/**
 * "Dec 1, 00:00 UTC (Dec 1, 01:00 your time)": the UTC boundary first, because that is
 * when the quota resets everywhere, and the viewer's own clock after it when it differs.
 */
export function ResetTime({ value, utcLabel }: { value: Date | string; utcLabel: string }) {
  const zone = useTimeZone();
  const instant = typeof value === "string" ? new Date(value) : value;
  const short = { seconds: false, year: false };
  const local = formatInstant(instant, zone, short);
  return (
    <time dateTime={instant.toISOString()} title={formatUtcTitle(instant)}>
      {utcLabel}
      {local === formatInstant(instant, "UTC", short) ? null : ` (${local} your time)`}
    </time>
  );
}
