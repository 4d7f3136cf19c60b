// Latency histograms as the rollups store them (migration 0010_2): 64 buckets, bucket i
// holding latencies in [1.25^i - 1, 1.25^(i+1) - 1) ms. Adding histograms is exact, so a
// percentile over any range costs one small array per row instead of a scan of raw calls.

/** Number of buckets in a stored histogram. */
export const BUCKETS = 64;
const GROWTH = 1.25;

/** The bucket a latency falls in: the same rule as the SQL function latency_bucket(). */
export function bucketOf(ms: number): number {
  return Math.min(BUCKETS - 1, Math.floor(Math.log(Math.max(ms, 0) + 1) / Math.log(GROWTH)));
}

/** A latency that stands for a bucket: the geometric middle of its range, in whole ms. */
export function bucketValue(bucket: number): number {
  return Math.max(0, Math.round(GROWTH ** (bucket + 0.5) - 1));
}

/** The sum of histograms, bucket by bucket. */
export function addHistograms(histograms: readonly (readonly number[])[]): number[] {
  const total = new Array<number>(BUCKETS).fill(0);
  for (const histogram of histograms) {
    for (let i = 0; i < BUCKETS; i++) total[i] = (total[i] ?? 0) + (histogram[i] ?? 0);
  }
  return total;
}

/** How many latencies a histogram holds. */
export function histogramCount(histogram: readonly number[]): number {
  return histogram.reduce((sum, n) => sum + n, 0);
}

/**
 * The p-th percentile (0 < p ≤ 100) read from a histogram, within ±12 % of the true value;
 * null for an empty one. Nearest rank: the bucket holding the ⌈p/100 × n⌉-th latency.
 */
export function percentile(histogram: readonly number[], p: number): number | null {
  const count = histogramCount(histogram);
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * count));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(BUCKETS - 1);
}

export type Percentiles = { p50: number | null; p95: number | null; p99: number | null };

/** p50, p95 and p99 of a histogram. */
export function percentiles(histogram: readonly number[]): Percentiles {
  return { p50: percentile(histogram, 50), p95: percentile(histogram, 95), p99: percentile(histogram, 99) };
}
