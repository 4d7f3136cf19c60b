import { describe, expect, it } from "vitest";
import {
  countOf,
  formatBytes,
  formatCount,
  formatDay,
  formatLatency,
  formatPercent,
  formatUtc,
} from "./format.ts";

describe("display formatting", () => {
  it("formats counts, percents, latencies and sizes", () => {
    expect(`${formatCount(8_750)} / ${formatCount(20_000)} calls`).toBe("8,750 / 20,000 calls");
    expect(formatPercent(43.75)).toBe("43.8%");
    expect(formatPercent(100)).toBe("100%");
    expect(formatLatency(12)).toBe("12 ms");
    expect(formatLatency(30_012)).toBe("30.01 s");
    expect(formatLatency(null)).toBe("—");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1_250)).toBe("1.3 KB");
    expect(formatBytes(3_400_000)).toBe("3.4 MB");
  });

  it("puts nouns in the right number", () => {
    expect(countOf(1, "call")).toBe("1 call");
    expect(countOf(0, "call")).toBe("0 calls");
    expect(countOf(8_750, "call")).toBe("8,750 calls");
    expect(countOf(2, "account is", "accounts are")).toBe("2 accounts are");
    expect(countOf(1, "account is", "accounts are")).toBe("1 account is");
  });

  it("formats UTC days and instants without the server's time zone", () => {
    // Local time here is Chatham (vitest.config.ts): 00:00 UTC on Dec 1st is 13:45 local.
    expect(new Date("2026-12-01T00:00:00Z").getHours()).toBe(13);
    expect(formatDay("2026-11-05")).toBe("Nov 5");
    expect(formatUtc(new Date("2026-12-01T00:00:00Z"))).toBe("Dec 1, 00:00 UTC");
  });
});
