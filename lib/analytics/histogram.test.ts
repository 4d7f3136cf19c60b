import { describe, expect, it } from "vitest";
import { addHistograms, bucketOf, BUCKETS, percentile, percentiles } from "./histogram.ts";

function histogramOf(latencies: number[]): number[] {
  const histogram = new Array<number>(BUCKETS).fill(0);
  for (const ms of latencies) histogram[bucketOf(ms)] = (histogram[bucketOf(ms)] ?? 0) + 1;
  return histogram;
}

function exact(latencies: number[], p: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

describe("latency histograms", () => {
  it("read percentiles within 12 % of the exact value", () => {
    // A skewed, realistic spread: mostly fast, a slow tail.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const latencies = Array.from({ length: 5_000 }, () =>
      Math.round(5 + 80 * random() ** 3 + (random() < 0.03 ? 2_000 * random() : 0)),
    );
    const histogram = histogramOf(latencies);
    for (const p of [50, 95, 99]) {
      const estimate = percentile(histogram, p) ?? -1;
      const truth = exact(latencies, p);
      expect(Math.abs(estimate - truth), `p${p}: ${estimate} vs ${truth}`).toBeLessThanOrEqual(
        Math.max(1, truth * 0.12),
      );
    }
  });

  it("add exactly, and say nothing about an empty histogram", () => {
    const a = histogramOf([10, 10, 200]);
    const b = histogramOf([10, 3_000]);
    expect(addHistograms([a, b])).toEqual(histogramOf([10, 10, 200, 10, 3_000]));
    expect(percentiles(new Array<number>(BUCKETS).fill(0))).toEqual({ p50: null, p95: null, p99: null });
    expect(percentile(histogramOf([0]), 50)).toBe(0);
  });

  it("keep extreme latencies in the last bucket", () => {
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(10_000_000)).toBe(BUCKETS - 1);
    expect(percentile(histogramOf([10_000_000]), 99)).toBeGreaterThan(1_000_000);
  });
});
