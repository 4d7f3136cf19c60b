import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { db } from "../db/client.ts";
import { addHistograms, percentiles, type Percentiles } from "../analytics/histogram.ts";
import type { AnalyticsRange, AnalyticsView } from "../schemas/analytics.ts";
import { lastUtcDays } from "../time/calendar.ts";
import { callOutcomes } from "../schemas/outcome.ts";

// Latency and failure analytics. Everything here reads the rollups of migration 0010_2
// (usage_hourly and failures_hourly for 24 h, usage_endpoint_daily and failures_daily for
// longer ranges), never raw
// calls, so a view costs the same at ten calls or ten million. Raw SQL because each query
// adds histograms with the histogram_sum aggregate, which Prisma cannot express; rows are
// parsed with the zod schemas beside them.

const HOUR_MS = 3_600_000;

/** The window of a range: where it starts and its buckets (hours or UTC days), oldest first. */
export type Window = { range: AnalyticsRange; from: Date; unit: "hour" | "day"; buckets: string[] };

/** The window a range covers up to `now`: the last 24 whole hours (this one included) or N UTC days. */
export function windowOf(range: AnalyticsRange, now = new Date()): Window {
  if (range === "24h") {
    const thisHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const buckets = Array.from({ length: 24 }, (_, i) =>
      new Date(thisHour - (23 - i) * HOUR_MS).toISOString(),
    );
    return { range, from: new Date(buckets[0] ?? thisHour), unit: "hour", buckets };
  }
  const days = lastUtcDays(now, Number(range.replace("d", "")));
  return { range, from: new Date(`${days[0]}T00:00:00.000Z`), unit: "day", buckets: days };
}

export type EndpointStats = Percentiles & {
  endpoint: string;
  calls: number;
  /** Refused by the gateway (401, 403, 413, 429, 503). */
  refused: number;
  /** Forwarded and answered with status >= 400 (the upstream's errors, 502/504 for it). */
  upstreamErrors: number;
  /** The client hung up before the answer was complete. */
  aborted: number;
};

export type LatencyPoint = Percentiles & { at: string; calls: number };

export type FailureGroup = {
  endpoint: string;
  status: number;
  errorCode: string | null;
  outcome: (typeof callOutcomes)[number];
  calls: number;
  firstSeen: Date;
  lastSeen: Date;
  exampleRequestId: string;
  /** The example's row id for its detail page; null once the call itself is gone. */
  exampleCallId: string | null;
};

export type Analytics = {
  window: Window;
  endpoint: string | undefined;
  totals: EndpointStats;
  endpoints: EndpointStats[];
  series: LatencyPoint[];
  failures: FailureGroup[];
};

const histogram = z.array(z.number().int());
const count = z.coerce.number();
const statsRow = z.object({
  endpoint: z.string(),
  calls: count,
  refused: count,
  upstream_errors: count,
  aborted: count,
  hist: histogram,
});
const seriesRow = z.object({ at: z.date(), calls: count, hist: histogram });
const failureRow = z.object({
  endpoint: z.string(),
  status: z.number().int(),
  error_code: z.string(),
  outcome: z.enum(callOutcomes),
  calls: count,
  first_seen: z.date(),
  last_seen: z.date(),
  example_request_id: z.string(),
});

/** How many failure groups the table shows: the busiest ones. */
export const FAILURE_GROUPS = 20;

function statsOf(
  endpoint: string,
  rows: { calls: number; refused: number; upstream_errors: number; aborted: number; hist: number[] }[],
): EndpointStats {
  const hist = addHistograms(rows.map((row) => row.hist));
  return {
    endpoint,
    calls: rows.reduce((sum, row) => sum + row.calls, 0),
    refused: rows.reduce((sum, row) => sum + row.refused, 0),
    upstreamErrors: rows.reduce((sum, row) => sum + row.upstream_errors, 0),
    aborted: rows.reduce((sum, row) => sum + row.aborted, 0),
    ...percentiles(hist),
  };
}

/**
 * The overview's analytics for a range, optionally one endpoint pattern: p50/p95/p99 and
 * failures by kind per endpoint, latency percentiles per hour or day, and failed calls
 * grouped by endpoint × status × error code (count, first and last seen, an example).
 */
export async function getAnalytics(
  user: SessionUser,
  view: AnalyticsView,
  now = new Date(),
): Promise<Analytics> {
  const window = windowOf(view.range, now);
  const hourly = window.unit === "hour";
  const table = hourly ? "usage_hourly" : "usage_endpoint_daily";
  const at = hourly ? "hour" : "day";
  const from = hourly ? window.from : window.buckets[0];
  const params: unknown[] = [user.id, from];
  const onEndpoint = view.endpoint ? ` AND endpoint = $${params.push(view.endpoint)}` : "";
  const pool = db().pool;
  const [stats, series, failures] = await Promise.all([
    pool.query(
      `SELECT endpoint, sum(calls) AS calls, sum(refused) AS refused, sum(upstream_errors) AS upstream_errors,
              sum(aborted) AS aborted, histogram_sum(latency_hist) AS hist
         FROM ${table} WHERE user_id = $1 AND ${at} >= $2 GROUP BY endpoint`,
      params.slice(0, 2),
    ),
    pool.query(
      `SELECT ${hourly ? "hour" : "day::timestamp AT TIME ZONE 'UTC'"} AS at, sum(calls) AS calls,
              histogram_sum(latency_hist) AS hist
         FROM ${table} WHERE user_id = $1 AND ${at} >= $2${onEndpoint} GROUP BY ${at}`,
      params,
    ),
    pool.query(
      `SELECT endpoint, status, error_code, (array_agg(outcome ORDER BY last_seen DESC))[1]::text AS outcome,
              sum(calls) AS calls, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
              (array_agg(example_request_id ORDER BY last_seen DESC))[1] AS example_request_id
         FROM ${hourly ? "failures_hourly" : "failures_daily"} WHERE user_id = $1 AND ${at} >= $2${onEndpoint}
        GROUP BY endpoint, status, error_code ORDER BY 5 DESC, 7 DESC LIMIT ${FAILURE_GROUPS}`,
      params,
    ),
  ]);

  const rows = z.array(statsRow).parse(stats.rows);
  const groups = z.array(failureRow).parse(failures.rows);
  // The examples' row ids, so each links straight to its call (one lookup on the unique request_id).
  const examples = await pool.query(
    "SELECT id::text AS id, request_id FROM calls WHERE user_id = $1 AND request_id = ANY($2)",
    [user.id, groups.map((row) => row.example_request_id)],
  );
  const callIds = new Map(
    z
      .array(z.object({ id: z.string(), request_id: z.string() }))
      .parse(examples.rows)
      .map((row) => [row.request_id, row.id]),
  );
  const endpoints = rows
    .map((row) => statsOf(row.endpoint, [row]))
    .sort((a, b) => b.calls - a.calls || a.endpoint.localeCompare(b.endpoint));
  const scoped = view.endpoint ? rows.filter((row) => row.endpoint === view.endpoint) : rows;
  const byBucket = new Map(
    z
      .array(seriesRow)
      .parse(series.rows)
      .map((row) => [hourly ? row.at.toISOString() : row.at.toISOString().slice(0, 10), row]),
  );
  return {
    window,
    endpoint: view.endpoint,
    totals: statsOf(view.endpoint ?? "All endpoints", scoped),
    endpoints,
    series: window.buckets.map((bucket): LatencyPoint => {
      const row = byBucket.get(bucket);
      const hist = row?.hist ?? [];
      return {
        at: bucket,
        calls: row?.calls ?? 0,
        ...percentiles(hist),
      };
    }),
    failures: groups.map((row) => ({
      endpoint: row.endpoint,
      status: row.status,
      errorCode: row.error_code || null,
      outcome: row.outcome,
      calls: row.calls,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      exampleRequestId: row.example_request_id,
      exampleCallId: callIds.get(row.example_request_id) ?? null,
    })),
  };
}
