import type pg from "pg";
import type { CallRecord } from "./call-record.ts";

// The analytics rollups (migration 0010_2) come in pairs of one shape, per hour and per UTC
// day: the latency and failure-kind counts per endpoint pattern, and the failure groups. Each
// pair is written from the same grouped rows by one template, so the two cannot drift apart.
const USAGE_COUNTS = ["calls", "refused", "upstream_errors", "aborted"];

function endpointRollup(table: string, time: "hour" | "day"): string {
  return `INSERT INTO ${table} AS r (user_id, ${time}, endpoint, ${USAGE_COUNTS.join(", ")}, latency_hist)
  SELECT user_id, ${time}, endpoint, ${USAGE_COUNTS.map((c) => `sum(${c})`).join(", ")},
         latency_histogram(array_agg(bucket) FILTER (WHERE bucket IS NOT NULL),
                           array_agg(calls) FILTER (WHERE bucket IS NOT NULL))
  FROM analysed GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (user_id, ${time}, endpoint) DO UPDATE
    SET ${USAGE_COUNTS.map((c) => `${c} = r.${c} + EXCLUDED.${c}`).join(", ")},
        latency_hist = histogram_add(r.latency_hist, EXCLUDED.latency_hist)
  RETURNING 1`;
}

function failureRollup(table: string, time: "hour" | "day"): string {
  return `INSERT INTO ${table} AS f (user_id, ${time}, endpoint, status, error_code, outcome, calls, first_seen,
                             last_seen, example_request_id)
  SELECT user_id, ${time}, endpoint, status, error_code, (array_agg(outcome ORDER BY last_seen DESC))[1],
         sum(calls), min(first_seen), max(last_seen), (array_agg(example ORDER BY last_seen DESC))[1]
  FROM analysed WHERE example IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (user_id, ${time}, endpoint, status, error_code) DO UPDATE
    SET calls = f.calls + EXCLUDED.calls, first_seen = LEAST(f.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(f.last_seen, EXCLUDED.last_seen),
        outcome = CASE WHEN EXCLUDED.last_seen >= f.last_seen THEN EXCLUDED.outcome ELSE f.outcome END,
        example_request_id = CASE WHEN EXCLUDED.last_seen >= f.last_seen
                                  THEN EXCLUDED.example_request_id ELSE f.example_request_id END
  RETURNING 1`;
}

// One statement per batch: insert the calls, and from exactly the rows that were new
// (ON CONFLICT skips replays of a batch that did commit; the key includes created_at, the
// partition key since 0009, which a record carries unchanged from the call's arrival) store
// their captured payloads, add to the rollups and move the keys' last_used_at forward.
// Retrying a batch therefore never double counts.
// `owners` takes the lock the calls → users foreign key used to take for every row, once
// per account per batch (migration 0006): calls of accounts deleted meanwhile are dropped
// rather than failing the whole batch, and a deletion waits for this batch to commit, then
// its trigger removes these calls too, so no call outlives its account.
// The new rows are grouped ONCE, by everything a rollup keys or counts on (a batch of 1,000
// calls to a few endpoints is a handful of groups); every rollup is then summed from those
// groups, and the endpoint pattern (three regular expressions) is computed per group, not per call.
const WRITE_SQL = `
WITH batch AS (
  SELECT * FROM json_to_recordset($1::json) AS t(
    "requestId" text, "userId" uuid, "keyId" uuid, method text, path text, query text, status int2,
    outcome call_outcome, "latencyMs" int4, "upstreamLatencyMs" int4, "ttfbMs" real, "upstreamDoneMs" real,
    "gatewayMs" real, "requestBytes" int8, "responseBytes" int8, ip text, "userAgent" text,
    "errorCode" text, billable bool, "createdAt" timestamptz)
), owners AS (
  SELECT u.id FROM users u WHERE u.id IN (SELECT DISTINCT "userId" FROM batch) FOR KEY SHARE
), inserted AS (
  INSERT INTO calls (request_id, user_id, key_id, method, path, query, status, outcome, latency_ms,
                     upstream_latency_ms, ttfb_ms, upstream_done_ms, gateway_ms, request_bytes,
                     response_bytes, ip, user_agent, error_code, billable, created_at)
  SELECT "requestId", "userId", "keyId", method, path, query, status, COALESCE(outcome, 'completed'),
         "latencyMs", "upstreamLatencyMs", "ttfbMs", "upstreamDoneMs", "gatewayMs", "requestBytes",
         "responseBytes", ip, "userAgent", "errorCode", billable, "createdAt"
  FROM batch WHERE "userId" IN (SELECT id FROM owners)
  ON CONFLICT (request_id, created_at) DO NOTHING
  RETURNING request_id, user_id, key_id, path, status, outcome, latency_ms, error_code, billable, created_at
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
), grouped AS (
  -- Latencies are grouped as whole milliseconds (a few dozen values per batch) and bucketed
  -- per group below: latency_bucket() is not inlined (it is STRICT, its body is not), so per
  -- call it would cost as much as a regular expression.
  SELECT user_id, key_id, path, date_trunc('hour', created_at, 'UTC') AS hour, status, outcome,
         COALESCE(error_code, '') AS error_code, latency_ms,
         count(*)::int AS calls, count(*) FILTER (WHERE billable)::int AS billable,
         min(created_at) AS first_seen, max(created_at) AS last_seen,
         (array_agg(request_id ORDER BY created_at DESC)
            FILTER (WHERE status >= 400 OR outcome = 'client_aborted'))[1] AS example
  FROM inserted GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
), analysed AS (
  -- failed = status >= 400 or client_aborted (then example is set); refused calls have no
  -- latency bucket.
  SELECT g.*, (hour AT TIME ZONE 'UTC')::date AS day, endpoint_pattern(path) AS endpoint,
         example IS NOT NULL AS failed,
         CASE WHEN outcome <> 'refused' THEN latency_bucket(latency_ms) END AS bucket,
         CASE WHEN outcome = 'refused' THEN calls ELSE 0 END AS refused,
         CASE WHEN status >= 400 AND outcome IN ('completed', 'upstream_error') THEN calls ELSE 0 END
           AS upstream_errors,
         CASE WHEN outcome = 'client_aborted' THEN calls ELSE 0 END AS aborted
  FROM grouped g
), rollup AS (
  INSERT INTO usage_daily AS d (user_id, day, key_id, path, calls, failures, billable)
  SELECT user_id, day, key_id, path, sum(calls), sum(CASE WHEN failed THEN calls ELSE 0 END), sum(billable)
  FROM analysed GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (user_id, day, key_id, path) DO UPDATE
    SET calls = d.calls + EXCLUDED.calls,
        failures = d.failures + EXCLUDED.failures,
        billable = d.billable + EXCLUDED.billable
  RETURNING 1
), hourly AS (
  ${endpointRollup("usage_hourly", "hour")}
), daily AS (
  ${endpointRollup("usage_endpoint_daily", "day")}
), failures_by_hour AS (
  ${failureRollup("failures_hourly", "hour")}
), failures_by_day AS (
  ${failureRollup("failures_daily", "day")}
), touched AS (
  UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, m.last_used)
  FROM (SELECT key_id, max(last_seen) AS last_used FROM grouped GROUP BY key_id) m
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
  // Named, so each connection parses and plans the statement once, not per batch (planning
  // these thirteen CTEs costs about as much as writing 100 calls).
  const result = await pool.query<{ inserted: number }>({
    name: "tollgate_write_calls",
    text: WRITE_SQL,
    values: [jsonOf(records, payloads !== undefined), payloads ? jsonOf(payloads, false) : "[]"],
  });
  return result.rows[0]?.inserted ?? 0;
}
