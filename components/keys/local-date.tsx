"use client";

import { useSyncExternalStore } from "react";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });
const utc = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

const noop = () => () => undefined;

/**
 * A date in the viewer's time zone. The server does not know that zone, so the first
 * render (server and hydration) shows UTC, labelled as such, and the browser swaps in
 * local time right after: no hydration mismatch, never an unlabelled wrong time.
 */
export function LocalDate({ value, fallback = "—" }: { value: Date | null; fallback?: string }) {
  const inBrowser = useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  if (!value) return <span className="text-fg-muted">{fallback}</span>;
  return (
    <time dateTime={value.toISOString()} title={inBrowser ? full.format(value) : undefined}>
      {inBrowser ? dateTime.format(value) : `${utc.format(value)} UTC`}
    </time>
  );
}
