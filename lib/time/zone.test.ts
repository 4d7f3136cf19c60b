import { describe, expect, it } from "vitest";
import {
  formatInstant,
  formatUtcTitle,
  fromZonedInput,
  parseTimeZone,
  toZonedInput,
  zoneLabel,
} from "./zone.ts";

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

  it("shows and reads the time pickers on the viewer's clock, DST included", () => {
    expect(toZonedInput(instant, "UTC")).toBe("2026-11-20T14:30");
    expect(toZonedInput(instant, "Europe/Berlin")).toBe("2026-11-20T15:30");
    expect(toZonedInput(instant, "Asia/Kolkata")).toBe("2026-11-20T20:00");
    expect(toZonedInput(new Date("2026-11-20T23:05:00Z"), "Asia/Tokyo")).toBe("2026-11-21T08:05");
    expect(fromZonedInput("2026-11-20T15:30", "Europe/Berlin")?.toISOString()).toBe(
      "2026-11-20T14:30:00.000Z",
    );
    expect(fromZonedInput("2026-07-01T12:00", "America/New_York")?.toISOString()).toBe(
      "2026-07-01T16:00:00.000Z",
    );
    expect(fromZonedInput("2026-11-20T20:00", "Asia/Kolkata")?.toISOString()).toBe(
      "2026-11-20T14:30:00.000Z",
    );
    // Berlin's clocks jump from 02:00 to 03:00 on 2026-03-29, and back from 03:00 to 02:00 on 2026-10-25.
    expect(fromZonedInput("2026-03-29T01:59", "Europe/Berlin")?.toISOString()).toBe(
      "2026-03-29T00:59:00.000Z",
    );
    expect(fromZonedInput("2026-03-29T03:00", "Europe/Berlin")?.toISOString()).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(fromZonedInput("2026-10-25T04:00", "Europe/Berlin")?.toISOString()).toBe(
      "2026-10-25T03:00:00.000Z",
    );
    // Every hour of a DST week reads back as the clock time shown (02:15 on 2026-10-25 exists
    // twice; either instant shows as 02:15).
    for (let hour = 0; hour < 24 * 7; hour++) {
      const shown = toZonedInput(new Date(Date.UTC(2026, 9, 22, hour, 15)), "Europe/Berlin");
      const read = fromZonedInput(shown, "Europe/Berlin");
      expect(read && toZonedInput(read, "Europe/Berlin")).toBe(shown);
    }
    expect(fromZonedInput("yesterday", "UTC")).toBeNull();
    expect(fromZonedInput("2026-13-45T99:00", "UTC")).toBeNull();
  });
});
