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

function formatFor(zone: string, seconds: boolean): Intl.DateTimeFormat {
  const id = `${zone}|${seconds}`;
  let format = formats.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
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

/** An instant in a zone: "Nov 20, 2026, 15:30:05" (without seconds: "Nov 20, 2026, 15:30"). */
export function formatInstant(instant: Date, zone: string, { seconds = true } = {}): string {
  return formatFor(zone, seconds).format(instant);
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
