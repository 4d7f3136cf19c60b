import { PeriodicTask } from "./periodic.ts";
import type pg from "pg";

// Through the created_at index, a few thousand rows per statement: each statement is short,
// so retention never holds locks or a long transaction against the recorder's writes.
const DELETE_SQL = `
DELETE FROM call_payloads
 WHERE (request_id, created_at) IN (
   SELECT request_id, created_at FROM call_payloads
    WHERE created_at < now() - make_interval(days => $1)
    LIMIT $2)`;

/**
 * Deletes captured payloads older than `days`, in bulk batches (never row by row on the
 * hot path). The calls themselves stay. Returns how many payloads were deleted.
 */
export async function deleteExpiredPayloads(pool: pg.Pool, days: number, batchSize = 5_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(DELETE_SQL, [days, batchSize]);
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return deleted;
  }
}

/** Runs {@link deleteExpiredPayloads} at start and then hourly (see {@link PeriodicTask}). */
export class PayloadRetention extends PeriodicTask {
  constructor(pool: pg.Pool, days: number, onError: (message: string) => void, everyMs?: number) {
    super("payload retention", () => deleteExpiredPayloads(pool, days), onError, everyMs);
  }
}
