import type pg from "pg";
import type { CallRecord } from "./call-record.ts";

// One statement per batch: insert the calls, and from exactly the rows that were new
// (ON CONFLICT skips replays of a batch that did commit; the key includes created_at, the
// partition key since 0009, which a record carries unchanged from the call's arrival) store their captured payloads, add
// to the daily rollup (failed = status >= 400 or client_aborted) and move the keys'
// last_used_at forward. Retrying a batch therefore never double counts.
// `owners` takes the lock the calls → users foreign key used to take for every row, once
// per account per batch (migration 0006): calls of accounts deleted meanwhile are dropped
// rather than failing the whole batch, and a deletion waits for this batch to commit, then
// its trigger removes these calls too, so no call outlives its account.
const WRITE_SQL = `
WITH batch AS (
  SELECT t."requestId" AS request_id, t."userId" AS user_id, t."keyId" AS key_id, t.method, t.path, t.query,
         t.status, COALESCE(t.outcome, 'completed') AS outcome, t."latencyMs" AS latency_ms,
         t."upstreamLatencyMs" AS upstream_latency_ms, t."ttfbMs" AS ttfb_ms,
         t."upstreamDoneMs" AS upstream_done_ms, t."gatewayMs" AS gateway_ms,
         t."requestBytes" AS request_bytes, t."responseBytes" AS response_bytes, t.ip,
         t."userAgent" AS user_agent, t."errorCode" AS error_code, t.billable, t."createdAt" AS created_at
  FROM json_to_recordset($1::json) AS t(
    "requestId" text, "userId" uuid, "keyId" uuid, method text, path text, query text, status int2,
    outcome call_outcome, "latencyMs" int4, "upstreamLatencyMs" int4, "ttfbMs" real, "upstreamDoneMs" real,
    "gatewayMs" real, "requestBytes" int8, "responseBytes" int8, ip text, "userAgent" text,
    "errorCode" text, billable bool, "createdAt" timestamptz)
), owners AS (
  SELECT u.id FROM users u WHERE u.id IN (SELECT DISTINCT user_id FROM batch) FOR KEY SHARE
), input AS (
  SELECT b.* FROM batch b WHERE b.user_id IN (SELECT id FROM owners)
), inserted AS (
  INSERT INTO calls (request_id, user_id, key_id, method, path, query, status, outcome, latency_ms,
                     upstream_latency_ms, ttfb_ms, upstream_done_ms, gateway_ms, request_bytes,
                     response_bytes, ip, user_agent, error_code, billable, created_at)
  SELECT request_id, user_id, key_id, method, path, query, status, outcome, latency_ms,
         upstream_latency_ms, ttfb_ms, upstream_done_ms, gateway_ms, request_bytes,
         response_bytes, ip, user_agent, error_code, billable, created_at
  FROM input
  ON CONFLICT (request_id, created_at) DO NOTHING
  RETURNING request_id, user_id, key_id, path, status, outcome, billable, created_at
), payloads AS (
  INSERT INTO call_payloads (request_id, user_id, created_at, request_headers, response_headers,
                             request_body, response_body, request_body_bytes, response_body_bytes,
                             request_truncated, response_truncated, request_content_type,
                             response_content_type)
  SELECT i.request_id, i.user_id, i.created_at, p.request -> 'headers', p.response -> 'headers',
         p.request ->> 'body', p.response ->> 'body', (p.request ->> 'bytes')::int8,
         (p.response ->> 'bytes')::int8, (p.request ->> 'truncated')::bool,
         (p.response ->> 'truncated')::bool, p.request ->> 'contentType', p.response ->> 'contentType'
  FROM json_to_recordset($2::json) AS p("requestId" text, request jsonb, response jsonb)
  JOIN inserted i ON i.request_id = p."requestId"
  ON CONFLICT DO NOTHING
  RETURNING 1
), rollup AS (
  INSERT INTO usage_daily AS d (user_id, day, key_id, path, calls, failures, billable)
  SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, key_id, path, count(*),
         count(*) FILTER (WHERE status >= 400 OR outcome = 'client_aborted'), count(*) FILTER (WHERE billable)
  FROM inserted
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (user_id, day, key_id, path) DO UPDATE
    SET calls = d.calls + EXCLUDED.calls,
        failures = d.failures + EXCLUDED.failures,
        billable = d.billable + EXCLUDED.billable
  RETURNING 1
), analysed AS (
  -- Analytics rollups (migration 0010_2): per endpoint pattern, hourly and daily counts by kind
  -- of failure and a latency histogram of the calls that were not refused, plus failure groups.
  SELECT i.request_id, i.user_id, i.created_at, endpoint_pattern(i.path) AS endpoint, i.status, i.outcome,
         b.error_code, CASE WHEN i.outcome <> 'refused' THEN latency_bucket(b.latency_ms) END AS bucket
  FROM inserted i JOIN input b USING (request_id)
), buckets AS (
  SELECT user_id, date_trunc('hour', created_at, 'UTC') AS hour, endpoint, bucket, count(*)::int AS calls,
         count(*) FILTER (WHERE outcome = 'refused')::int AS refused,
         count(*) FILTER (WHERE status >= 400 AND outcome IN ('completed', 'upstream_error'))::int AS upstream_errors,
         count(*) FILTER (WHERE outcome = 'client_aborted')::int AS aborted
  FROM analysed GROUP BY 1, 2, 3, 4
), hourly AS (
  INSERT INTO usage_hourly AS h (user_id, hour, endpoint, calls, refused, upstream_errors, aborted, latency_hist)
  SELECT user_id, hour, endpoint, sum(calls), sum(refused), sum(upstream_errors), sum(aborted),
         latency_histogram(array_agg(bucket) FILTER (WHERE bucket IS NOT NULL),
                           array_agg(calls) FILTER (WHERE bucket IS NOT NULL))
  FROM buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (user_id, hour, endpoint) DO UPDATE
    SET calls = h.calls + EXCLUDED.calls, refused = h.refused + EXCLUDED.refused,
        upstream_errors = h.upstream_errors + EXCLUDED.upstream_errors, aborted = h.aborted + EXCLUDED.aborted,
        latency_hist = histogram_add(h.latency_hist, EXCLUDED.latency_hist)
  RETURNING 1
), daily AS (
  INSERT INTO usage_endpoint_daily AS e (user_id, day, endpoint, calls, refused, upstream_errors, aborted,
                                         latency_hist)
  SELECT user_id, (hour AT TIME ZONE 'UTC')::date, endpoint, sum(calls), sum(refused), sum(upstream_errors),
         sum(aborted), latency_histogram(array_agg(bucket) FILTER (WHERE bucket IS NOT NULL),
                                         array_agg(calls) FILTER (WHERE bucket IS NOT NULL))
  FROM buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (user_id, day, endpoint) DO UPDATE
    SET calls = e.calls + EXCLUDED.calls, refused = e.refused + EXCLUDED.refused,
        upstream_errors = e.upstream_errors + EXCLUDED.upstream_errors, aborted = e.aborted + EXCLUDED.aborted,
        latency_hist = histogram_add(e.latency_hist, EXCLUDED.latency_hist)
  RETURNING 1
), failed_groups AS (
  SELECT user_id, date_trunc('hour', created_at, 'UTC') AS hour, endpoint, status,
         COALESCE(error_code, '') AS error_code, (array_agg(outcome ORDER BY created_at DESC))[1] AS outcome,
         count(*)::int AS calls, min(created_at) AS first_seen, max(created_at) AS last_seen,
         (array_agg(request_id ORDER BY created_at DESC))[1] AS example_request_id
  FROM analysed WHERE status >= 400 OR outcome = 'client_aborted'
  GROUP BY 1, 2, 3, 4, 5
), failures_by_day AS (
  INSERT INTO failures_daily AS f (user_id, day, endpoint, status, error_code, outcome, calls, first_seen,
                                   last_seen, example_request_id)
  SELECT user_id, (hour AT TIME ZONE 'UTC')::date, endpoint, status, error_code,
         (array_agg(outcome ORDER BY last_seen DESC))[1], sum(calls), min(first_seen), max(last_seen),
         (array_agg(example_request_id ORDER BY last_seen DESC))[1]
  FROM failed_groups GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (user_id, day, endpoint, status, error_code) DO UPDATE
    SET calls = f.calls + EXCLUDED.calls, first_seen = LEAST(f.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(f.last_seen, EXCLUDED.last_seen),
        outcome = CASE WHEN EXCLUDED.last_seen >= f.last_seen THEN EXCLUDED.outcome ELSE f.outcome END,
        example_request_id = CASE WHEN EXCLUDED.last_seen >= f.last_seen
                                  THEN EXCLUDED.example_request_id ELSE f.example_request_id END
  RETURNING 1
), failures_by_hour AS (
  INSERT INTO failures_hourly AS f (user_id, hour, endpoint, status, error_code, outcome, calls, first_seen,
                                    last_seen, example_request_id)
  SELECT * FROM failed_groups ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (user_id, hour, endpoint, status, error_code) DO UPDATE
    SET calls = f.calls + EXCLUDED.calls, first_seen = LEAST(f.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(f.last_seen, EXCLUDED.last_seen),
        outcome = CASE WHEN EXCLUDED.last_seen >= f.last_seen THEN EXCLUDED.outcome ELSE f.outcome END,
        example_request_id = CASE WHEN EXCLUDED.last_seen >= f.last_seen
                                  THEN EXCLUDED.example_request_id ELSE f.example_request_id END
  RETURNING 1
), touched AS (
  UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, m.last_used)
  FROM (SELECT key_id, max(created_at) AS last_used FROM inserted GROUP BY key_id) m
  WHERE k.id = m.key_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted,
       (SELECT count(*) FROM payloads)::int AS payloads,
       (SELECT count(*) FROM rollup)::int AS rollups,
       (SELECT count(*) FROM touched)::int AS keys`;

/** JSON for PostgreSQL, which refuses NUL characters in text: they are dropped. */
function jsonOf(value: unknown, omitPayload: boolean): string {
  const json = omitPayload
    ? JSON.stringify(value, (key, v: unknown) => (key === "payload" ? undefined : v))
    : JSON.stringify(value);
  if (!json.includes("\\u0000")) return json;
  return JSON.stringify(value, (key, v: unknown) => {
    if (omitPayload && key === "payload") return undefined;
    return typeof v === "string" ? v.replaceAll("\u0000", "") : v;
  });
}

/**
 * Writes a batch of call records with their payloads and rollups in ONE statement (so one
 * implicit transaction). Idempotent: records already stored are skipped. Returns how many
 * were new. The batch travels as one JSON parameter (JSON.stringify is far cheaper than 20
 * array parameters); captured payloads as a second one, empty for most batches in the
 * default capture mode, so uncaptured calls cost the statement nothing more.
 */
export async function writeCalls(pool: pg.Pool, records: readonly CallRecord[]): Promise<number> {
  let payloads: { requestId: string; request: unknown; response: unknown }[] | undefined;
  for (const r of records) {
    if (r.payload) (payloads ??= []).push({ requestId: r.requestId, ...r.payload });
  }
  const result = await pool.query<{ inserted: number }>(WRITE_SQL, [
    jsonOf(records, payloads !== undefined),
    payloads ? jsonOf(payloads, false) : "[]",
  ]);
  return result.rows[0]?.inserted ?? 0;
}
