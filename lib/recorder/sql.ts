import type pg from "pg";
import type { CallRecord } from "./call-record.ts";

// One statement per batch: insert the calls, and from exactly the rows that were new
// (ON CONFLICT skips replays of a batch that did commit) add to the daily rollup and move
// the keys' last_used_at forward. Retrying a batch therefore never double counts.
// `owners` takes the lock the calls → users foreign key used to take for every row, once
// per account per batch (migration 0006): calls of accounts deleted meanwhile are dropped
// rather than failing the whole batch, and a deletion waits for this batch to commit, then
// its trigger removes these calls too, so no call outlives its account.
const WRITE_SQL = `
WITH batch AS (
  SELECT t."requestId" AS request_id, t."userId" AS user_id, t."keyId" AS key_id, t.method, t.path,
         t.status, t."latencyMs" AS latency_ms, t."upstreamLatencyMs" AS upstream_latency_ms,
         t."requestBytes" AS request_bytes, t."responseBytes" AS response_bytes, t.ip,
         t."userAgent" AS user_agent, t."errorCode" AS error_code, t.billable, t."createdAt" AS created_at
  FROM json_to_recordset($1::json) AS t(
    "requestId" text, "userId" uuid, "keyId" uuid, method text, path text, status int2, "latencyMs" int4,
    "upstreamLatencyMs" int4, "requestBytes" int8, "responseBytes" int8, ip text, "userAgent" text,
    "errorCode" text, billable bool, "createdAt" timestamptz)
), owners AS (
  SELECT u.id FROM users u WHERE u.id IN (SELECT DISTINCT user_id FROM batch) FOR KEY SHARE
), input AS (
  SELECT b.* FROM batch b WHERE b.user_id IN (SELECT id FROM owners)
), inserted AS (
  INSERT INTO calls (request_id, user_id, key_id, method, path, status, latency_ms, upstream_latency_ms,
                     request_bytes, response_bytes, ip, user_agent, error_code, billable, created_at)
  SELECT * FROM input
  ON CONFLICT (request_id) DO NOTHING
  RETURNING user_id, key_id, path, status, billable, created_at
), rollup AS (
  INSERT INTO usage_daily AS d (user_id, day, key_id, path, calls, failures, billable)
  SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, key_id, path,
         count(*), count(*) FILTER (WHERE status >= 400), count(*) FILTER (WHERE billable)
  FROM inserted
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (user_id, day, key_id, path) DO UPDATE
    SET calls = d.calls + EXCLUDED.calls,
        failures = d.failures + EXCLUDED.failures,
        billable = d.billable + EXCLUDED.billable
  RETURNING 1
), touched AS (
  UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, m.last_used)
  FROM (SELECT key_id, max(created_at) AS last_used FROM inserted GROUP BY key_id) m
  WHERE k.id = m.key_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted,
       (SELECT count(*) FROM rollup)::int AS rollups,
       (SELECT count(*) FROM touched)::int AS keys`;

/**
 * Writes a batch of call records with their rollups in ONE statement (so one implicit
 * transaction). Idempotent: records already stored are skipped. Returns how many were new.
 * The batch travels as one JSON parameter: JSON.stringify is far cheaper than 15 array
 * parameters, and PostgreSQL refuses NUL characters in text, so they are dropped here.
 */
export async function writeCalls(pool: pg.Pool, records: readonly CallRecord[]): Promise<number> {
  let json = JSON.stringify(records);
  if (json.includes("\\u0000"))
    json = JSON.stringify(records, (_key, value: unknown) =>
      typeof value === "string" ? value.replaceAll("\u0000", "") : value,
    );
  const result = await pool.query<{ inserted: number }>(WRITE_SQL, [json]);
  return result.rows[0]?.inserted ?? 0;
}
