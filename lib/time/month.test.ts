import { describe, expect, it } from "vitest";
import { monthOf, nextMonthStart, resetOf, secondsToReset } from "./calendar.ts";

describe("UTC months", () => {
  it("runs where local time is not UTC (vitest.config.ts sets TZ), so the rest proves something", () => {
    // 23:59 UTC on the 31st is already April 1st in Chatham.
    expect(new Date("2026-03-31T23:59:59.999Z").getDate()).toBe(1);
  });

  it("keys a month by its first day in UTC, whatever the local offset", () => {
    expect(monthOf(new Date("2026-03-31T23:59:59.999Z"))).toBe("2026-03-01");
    expect(monthOf(new Date("2026-04-01T00:00:00.000Z"))).toBe("2026-04-01");
  });

  it("finds the next reset, across a year end", () => {
    expect(nextMonthStart(new Date("2026-12-15T10:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(nextMonthStart(new Date("2026-02-28T23:00:00Z")).toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });

  it("rounds the time to reset up to whole seconds", () => {
    expect(secondsToReset(Date.parse("2026-03-31T23:59:58.500Z"))).toBe(2);
    expect(secondsToReset(Date.parse("2026-03-31T23:59:59.999Z"))).toBe(1);
  });
});

describe("resetOf", () => {
  it("gives the next month's start as ISO 8601, also right after a month change", () => {
    expect(resetOf(Date.parse("2026-01-31T23:59:59.999Z"))).toBe("2026-02-01T00:00:00.000Z");
    expect(resetOf(Date.parse("2026-02-01T00:00:00.000Z"))).toBe("2026-03-01T00:00:00.000Z");
    expect(monthOf(Date.parse("2026-01-31T23:59:59.999Z"))).toBe("2026-01-01");
  });
});
