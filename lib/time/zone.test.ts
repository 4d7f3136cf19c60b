import { describe, expect, it } from "vitest";
import { formatInstant, formatUtcTitle, parseTimeZone, zoneLabel } from "./zone.ts";

const instant = new Date("2026-11-20T14:30:05.123Z");

describe("time zone rule", () => {
  it("accepts IANA zones and falls back to UTC for missing or unknown ones", () => {
    expect(parseTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(parseTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(parseTimeZone(undefined)).toBe("UTC");
    expect(parseTimeZone("")).toBe("UTC");
    expect(parseTimeZone("Mars/Olympus")).toBe("UTC");
    expect(parseTimeZone("x".repeat(100))).toBe("UTC");
  });

  it("formats an instant in the viewer's zone with a 24-hour clock", () => {
    expect(formatInstant(instant, "UTC")).toBe("Nov 20, 2026, 14:30:05");
    expect(formatInstant(instant, "Europe/Berlin")).toBe("Nov 20, 2026, 15:30:05");
    expect(formatInstant(instant, "America/New_York", { seconds: false })).toBe("Nov 20, 2026, 09:30");
    expect(formatInstant(new Date("2026-11-20T23:05:00Z"), "Asia/Tokyo")).toBe("Nov 21, 2026, 08:05:00");
  });

  it("names the zone with its offset, and UTC exactly on hover", () => {
    expect(zoneLabel("UTC")).toBe("UTC");
    expect(zoneLabel("Europe/Berlin", instant)).toBe("Europe/Berlin, UTC+1");
    expect(zoneLabel("America/New_York", new Date("2026-07-01T00:00:00Z"))).toBe("America/New York, UTC-4");
    expect(zoneLabel("Asia/Kolkata", instant)).toBe("Asia/Kolkata, UTC+5:30");
    expect(formatUtcTitle(instant)).toBe("2026-11-20 14:30:05 UTC");
  });
});
