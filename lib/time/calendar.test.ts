import { describe, expect, it } from "vitest";
import { lastUtcDays, nextUtcDay, startOfUtcDay, utcDay, utcMonth, zeroFillDays } from "./calendar.ts";

describe("UTC calendar", () => {
  it("names the UTC day, not the local one", () => {
    expect(utcDay(new Date("2026-11-30T23:30:00-05:00"))).toBe("2026-12-01");
    expect(startOfUtcDay("2026-03-29").toISOString()).toBe("2026-03-29T00:00:00.000Z");
    expect(nextUtcDay("2028-02-28")).toBe("2028-02-29");
    expect(nextUtcDay("2026-12-31")).toBe("2027-01-01");
  });

  it("lists the last 30 days oldest first, today included", () => {
    const days = lastUtcDays(new Date("2026-03-05T12:00:00Z"), 30);
    expect(days).toHaveLength(30);
    expect(days[0]).toBe("2026-02-04");
    expect(days.at(-1)).toBe("2026-03-05");
    expect(new Set(days).size).toBe(30);
  });

  it("resets at 00:00 UTC on the 1st of the next month, across a year end", () => {
    const month = utcMonth(new Date("2026-12-31T23:59:59.999Z"));
    expect(month.start.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(month.resetsAt.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(utcMonth(new Date("2027-01-01T00:00:00.000Z")).start.toISOString()).toBe(
      "2027-01-01T00:00:00.000Z",
    );
  });

  it("fills days without calls with zeros and ignores days outside the window", () => {
    const days = ["2026-11-01", "2026-11-02", "2026-11-03"];
    const filled = zeroFillDays(days, [
      { day: "2026-11-03", success: 5, failed: 1 },
      { day: "2026-10-31", success: 9, failed: 9 },
    ]);
    expect(filled).toEqual([
      { day: "2026-11-01", success: 0, failed: 0 },
      { day: "2026-11-02", success: 0, failed: 0 },
      { day: "2026-11-03", success: 5, failed: 1 },
    ]);
  });
});
