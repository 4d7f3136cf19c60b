import type pg from "pg";
import type { CallRecord } from "./call-record.ts";

// One statement per batch: insert the calls, and from exactly the rows that were new
// (ON CONFLICT skips replays of a batch that did commit) add to the daily rollup and move
// the keys' last_used_at forward. Retrying a batch therefore never double counts.
// Calls of accounts deleted meanwhile are dropped rather than failing the whole batch.
const WRITE_SQL = `
WITH input AS (
  SELECT * FROM unnest(
    $1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int2[], $7::int4[], $8::int4[],
    $9::int8[], $10::int8[], $11::text[], $12::text[], $13::text[], $14::bool[], $15::timestamptz[]
  ) AS t(request_id, user_id, key_id, method, path, status, latency_ms, upstream_latency_ms,
         request_bytes, response_bytes, ip, user_agent, error_code, billable, created_at)
  WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)
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

/** PostgreSQL refuses NUL characters in text; a hostile header must not poison a batch. */
function clean(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
}

/**
 * Writes a batch of call records with their rollups in ONE statement (so one implicit
 * transaction). Idempotent: records already stored are skipped. Returns how many were new.
 */
export async function writeCalls(pool: pg.Pool, records: readonly CallRecord[]): Promise<number> {
  const columns: unknown[][] = Array.from({ length: 15 }, () => new Array<unknown>(records.length));
  records.forEach((r, i) => {
    const values = [
      r.requestId,
      r.userId,
      r.keyId,
      clean(r.method),
      clean(r.path),
      r.status,
      r.latencyMs,
      r.upstreamLatencyMs,
      r.requestBytes,
      r.responseBytes,
      clean(r.ip),
      r.userAgent === null ? null : clean(r.userAgent),
      r.errorCode,
      r.billable,
      r.createdAt,
    ];
    values.forEach((value, column) => (columns[column]![i] = value));
  });
  const result = await pool.query<{ inserted: number }>(WRITE_SQL, columns);
  return result.rows[0]?.inserted ?? 0;
}
