import { utcMonthStart } from "../time/calendar.ts";
import { PeriodicTask } from "./periodic.ts";
import type pg from "pg";
import { z } from "zod";

/** The time-partitioned tables of the call log (migration 0009), each with a DEFAULT partition. */
export const PARTITIONED_TABLES = ["calls", "call_payloads"] as const;
type Table = (typeof PARTITIONED_TABLES)[number];

/** Months of partitions kept ready ahead of now, so a write never waits for one. */
const AHEAD_MONTHS = 2;
// Any constant works; it only has to be the same in every Tollgate process.
const LOCK_ID = 7_461_209;
const DAY_MS = 86_400_000;

/** `calls_p20261101`: the partition of `table` from that UTC day (a month's first). */
export function partitionName(table: Table, start: Date): string {
  return `${table}_p${start.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** When a partition named by {@link partitionName} starts, or undefined for another name. */
function startOf(table: Table, name: string): Date | undefined {
  const match = new RegExp(`^${table}_p(\\d{4})(\\d{2})01$`).exec(name);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) : undefined;
}

const partitionRow = z.object({ parent: z.enum(PARTITIONED_TABLES), name: z.string() });

export type PartitionRetention = {
  /** Raw calls older than this many days go (CALL_LOG_RETENTION_DAYS). */
  callDays: number;
  /** Captured payloads older than this go (PAYLOAD_RETENTION_DAYS; never longer than the calls). */
  payloadDays: number;
};

export type MaintenanceResult = { created: string[]; dropped: string[]; moved: number; deleted: number };

/**
 * Keeps the call log's monthly partitions: creates the ones from the retention window's
 * start through AHEAD_MONTHS ahead, moving into each new one any rows its range had in the
 * DEFAULT partition; drops every partition that ended before its table's retention
 * cutoff (a whole month at once: no DELETE, no dead rows); and deletes expired rows that
 * ended up in the DEFAULT partitions. The daily rollups are untouched, so graphs, quota
 * and totals outlive the raw log. Safe to run from several processes at once.
 */
export async function maintainPartitions(
  pool: pg.Pool,
  retention: PartitionRetention,
  now = Date.now(),
): Promise<MaintenanceResult> {
  const result: MaintenanceResult = { created: [], dropped: [], moved: 0, deleted: 0 };
  const { rows } = await pool.query(
    `SELECT p.relname AS parent, c.relname AS name
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = ANY($1)`,
    [PARTITIONED_TABLES],
  );
  const existing = new Set(rows.map((row) => partitionRow.parse(row).name));
  for (const table of PARTITIONED_TABLES) {
    const days = table === "calls" ? retention.callDays : Math.min(retention.payloadDays, retention.callDays);
    const cutoff = new Date(now - days * DAY_MS);
    for (let start = utcMonthStart(cutoff.getTime()); start <= utcMonthStart(now, AHEAD_MONTHS);) {
      const end = utcMonthStart(start.getTime(), 1);
      const name = partitionName(table, start);
      // Every month from the cutoff's on ends after the cutoff: each one is still needed.
      if (!existing.has(name)) {
        result.moved += await createPartition(pool, table, name, start, end);
        result.created.push(name);
      }
      start = end;
    }
    for (const name of existing) {
      const start = startOf(table, name);
      if (!start || utcMonthStart(start.getTime(), 1) > cutoff) continue;
      await locked(pool, (client) => client.query(`DROP TABLE IF EXISTS ${name}`));
      result.dropped.push(name);
    }
    const expired = await pool.query(`DELETE FROM ${table}_default WHERE created_at < $1`, [cutoff]);
    result.deleted += expired.rowCount ?? 0;
  }
  return result;
}

/** Runs `work` in a transaction holding the partition maintenance lock. */
async function locked<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection lost between statements (database restart) must fail this pass, not the process.
  const lost = () => undefined;
  client.on("error", lost);
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_ID]);
    const value = await work(client);
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.off("error", lost);
    client.release();
  }
}

/**
 * Creates one partition. Rows of its range already in the DEFAULT partition would make
 * CREATE fail, so they move over in the same transaction. Returns how many moved.
 */
function createPartition(pool: pg.Pool, table: Table, name: string, start: Date, end: Date): Promise<number> {
  return locked(pool, async (client) => {
    await client.query(`CREATE TEMP TABLE moving (LIKE ${table}) ON COMMIT DROP`);
    const moved = await client.query(
      `WITH gone AS (DELETE FROM ${table}_default WHERE created_at >= $1 AND created_at < $2 RETURNING *)
       INSERT INTO moving SELECT * FROM gone`,
      [start, end],
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table}
         FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
    );
    await client.query(`INSERT INTO ${table} SELECT * FROM moving`);
    return moved.rowCount ?? 0;
  });
}

/** Runs {@link maintainPartitions} at start and then hourly (see {@link PeriodicTask}). */
export class CallLogPartitions extends PeriodicTask {
  constructor(
    pool: pg.Pool,
    retention: PartitionRetention,
    onError: (message: string) => void,
    everyMs?: number,
  ) {
    super("call log partitions", () => maintainPartitions(pool, retention), onError, everyMs);
  }
}
