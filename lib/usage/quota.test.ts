import { describe, expect, it } from "vitest";
import { errorRate, quotaSummary } from "./quota.ts";

describe("quota maths", () => {
  it("reports used, remaining and percent", () => {
    expect(quotaSummary(8_750, 20_000)).toEqual({
      used: 8_750,
      limit: 20_000,
      remaining: 11_250,
      percent: 43.8,
    });
  });

  it("never goes below zero remaining or above 100 percent", () => {
    expect(quotaSummary(25_000, 20_000)).toEqual({ used: 25_000, limit: 20_000, remaining: 0, percent: 100 });
    expect(quotaSummary(0, 0).percent).toBe(100);
  });

  it("computes the error rate with one decimal", () => {
    expect(errorRate(0, 0)).toBe(0);
    expect(errorRate(3, 1)).toBe(33.3);
  });
});
