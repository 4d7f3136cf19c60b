// The one rule for showing an instant: en-US words, 24-hour clock, in the viewer's time
// zone, the zone named in the column header and the exact UTC time on hover. The zone
// comes from a cookie the browser sets (see components/ui/local-time.tsx), so the server
// and the browser format the same text and nothing changes after hydration.

/** Cookie holding the browser's IANA time zone, e.g. "Europe/Berlin". */
export const TIME_ZONE_COOKIE = "tz";

/** The IANA zone in the cookie if the runtime knows it, else "UTC" (first visit, bad value). */
export function parseTimeZone(raw: string | undefined): string {
  if (!raw || raw.length > 64) return "UTC";
  try {
    // Validated, but kept as the browser spelled it: ICU's canonical names can be old ones
    // (Asia/Kolkata resolves to Asia/Calcutta).
    new Intl.DateTimeFormat("en-US", { timeZone: raw });
    return raw;
  } catch {
    return "UTC";
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string, seconds: boolean, year: boolean): Intl.DateTimeFormat {
  const id = `${zone}|${seconds}|${year}`;
  let format = formats.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: year ? "numeric" : undefined,
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: seconds ? "2-digit" : undefined,
      hourCycle: "h23",
    });
    formats.set(id, format);
  }
  return format;
}

/**
 * An instant in a zone: "Nov 20, 2026, 15:30:05" (without seconds: "Nov 20, 2026, 15:30";
 * without seconds and year: "Nov 20, 15:30").
 */
export function formatInstant(instant: Date, zone: string, { seconds = true, year = true } = {}): string {
  return formatFor(zone, seconds, year).format(instant);
}

/** The exact instant in UTC for a hover title: "2026-11-20 14:30:05 UTC". */
export function formatUtcTitle(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** How a column header names the zone: "UTC" or "Europe/Berlin, UTC+1" (offset at `at`). */
export function zoneLabel(zone: string, at: Date = new Date()): string {
  if (zone === "UTC") return "UTC";
  const offset = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  const shown = offset && offset !== "GMT" ? offset.replace("GMT", "UTC") : "UTC";
  return `${zone.replaceAll("_", " ")}, ${shown}`;
}

const inputFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `instant` in `zone`, as numbers (hour 0–23). */
function wallClock(
  instant: Date,
  zone: string,
): Record<"year" | "month" | "day" | "hour" | "minute" | "second", number> {
  let format = inputFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    inputFormats.set(zone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(instant).map((part) => [part.type, Number(part.value)]),
  );
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** How far `zone`'s clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: Date, zone: string): number {
  const c = wallClock(instant, zone);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - wholeSeconds;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An instant as a `datetime-local` value on `zone`'s clock: "2026-11-20T15:30". */
export function toZonedInput(instant: Date, zone: string): string {
  const c = wallClock(instant, zone);
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}`;
}

/**
 * A `datetime-local` value read on `zone`'s clock, as an instant; null when it is not one.
 * The same zone formats the pickers (toZonedInput), so what the viewer reads is what filters,
 * whichever zone the browser itself is in. A wall time skipped by a DST change moves forward.
 */
export function fromZonedInput(value: string, zone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const asUtc = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  // Date.UTC rolls month 13 or hour 99 over; a real wall time reads back the same.
  if (Number.isNaN(asUtc) || new Date(asUtc).toISOString().slice(0, 16) !== value.slice(0, 16)) return null;
  // The offset at the guess is right unless a DST change lies between the two: then once more.
  const guess = asUtc - offsetAt(new Date(asUtc), zone);
  return new Date(asUtc - offsetAt(new Date(guess), zone));
}
