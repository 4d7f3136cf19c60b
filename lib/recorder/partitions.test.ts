import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../db/migrate.ts";
import { testDatabase } from "../db/test-database.ts";
import type { CallRecord } from "./call-record.ts";
import { CallLogPartitions, maintainPartitions, partitionName } from "./partitions.ts";
import { writeCalls } from "./sql.ts";

// A database of its own: retention drops whole partitions, which must not race with the
// other test files' calls in the shared one.
const { pool: shared, url } = testDatabase();
let pool: pg.Pool;
const DAY = 86_400_000;

beforeAll(async () => {
  const name = `partitions_${Date.now()}`;
  await shared.query(`CREATE DATABASE ${name}`);
  const own = url.replace(/\/[^/]*$/, `/${name}`);
  await migrate(own);
  pool = new pg.Pool({ connectionString: own, max: 4 });
});
afterAll(() => pool?.end());

async function account(): Promise<{ userId: string; keyId: string }> {
  const { rows } = await pool.query<{ user_id: string; key_id: string }>(
    `WITH u AS (
       INSERT INTO users (email, password_hash, plan_id) VALUES ($1, 'x', 1) RETURNING id
     )
     INSERT INTO api_keys (user_id, name, hash, prefix, last4)
     SELECT id, 'k', $2, 'tg_abcd', 'wxyz' FROM u RETURNING user_id::text, id::text AS key_id`,
    [`${randomUUID()}@example.com`, randomUUID()],
  );
  return { userId: rows[0]!.user_id, keyId: rows[0]!.key_id };
}

function call(userId: string, keyId: string, at: number, withPayload = false): CallRecord {
  return {
    requestId: randomUUID(),
    userId,
    keyId,
    method: "GET",
    path: "/v2/price",
    query: null,
    status: 200,
    outcome: "completed",
    latencyMs: 3,
    upstreamLatencyMs: 2,
    ttfbMs: null,
    upstreamDoneMs: null,
    gatewayMs: null,
    requestBytes: 0,
    responseBytes: 10,
    ip: "127.0.0.1",
    userAgent: null,
    errorCode: null,
    billable: true,
    createdAt: new Date(at).toISOString(),
    payload: withPayload
      ? {
          request: { headers: [], body: null, bytes: 0, truncated: false, contentType: null },
          response: { headers: [], body: "{}", bytes: 2, truncated: false, contentType: "application/json" },
        }
      : undefined,
  };
}

async function partitionOf(requestId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ partition: string }>(
    "SELECT tableoid::regclass::text AS partition FROM calls WHERE request_id = $1",
    [requestId],
  );
  return rows[0]?.partition;
}

describe("call log partitions", () => {
  it("creates partitions ahead, files late rows into theirs, drops those past retention and keeps the rollups", async () => {
    const now = Date.now();
    const { userId, keyId } = await account();
    const old = call(userId, keyId, now - 200 * DAY, true);
    const recent = call(userId, keyId, now - 1000, true);
    expect(await writeCalls(pool, [old, recent])).toBe(2);
    // A replayed batch (a retry after a lost answer) is still skipped: the key includes created_at.
    expect(await writeCalls(pool, [old, recent])).toBe(0);
    // Nothing covers 200 days ago yet: that call waited in the DEFAULT partition.
    expect(await partitionOf(old.requestId)).toBe("calls_default");

    // A long retention creates that month's partition and moves the call into it.
    const kept = await maintainPartitions(pool, { callDays: 365, payloadDays: 365 }, now);
    const oldPartition = partitionName(
      "calls",
      new Date(Date.UTC(new Date(old.createdAt).getUTCFullYear(), new Date(old.createdAt).getUTCMonth(), 1)),
    );
    expect(kept.created).toContain(oldPartition);
    expect(kept.moved).toBe(2); // the call and its payload
    expect(await partitionOf(old.requestId)).toBe(oldPartition);
    const ahead = partitionName(
      "calls",
      new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 2, 1)),
    );
    const { rows: exists } = await pool.query("SELECT to_regclass($1) IS NOT NULL AS ok", [ahead]);
    expect(exists).toEqual([{ ok: true }]);

    // 90 days: that month's partition is dropped whole; this month's calls and every rollup stay.
    const dropped = await maintainPartitions(pool, { callDays: 90, payloadDays: 30 }, now);
    expect(dropped.dropped).toContain(oldPartition);
    expect(dropped.dropped).toContain(oldPartition.replace("calls_", "call_payloads_"));
    expect(await partitionOf(old.requestId)).toBeUndefined();
    expect(await partitionOf(recent.requestId)).toBeDefined();
    const { rows: payloads } = await pool.query("SELECT request_id FROM call_payloads WHERE user_id = $1", [
      userId,
    ]);
    expect(payloads).toEqual([{ request_id: recent.requestId }]);
    const { rows: rollups } = await pool.query<{ day: string; calls: number }>(
      "SELECT day::text, calls FROM usage_daily WHERE user_id = $1 ORDER BY day",
      [userId],
    );
    expect(rollups).toEqual([
      { day: old.createdAt.slice(0, 10), calls: 1 },
      { day: recent.createdAt.slice(0, 10), calls: 1 },
    ]);

    // Running again changes nothing.
    expect(await maintainPartitions(pool, { callDays: 90, payloadDays: 30 }, now)).toEqual({
      created: [],
      dropped: [],
      moved: 0,
      deleted: 0,
    });
  });

  it("deletes expired rows left in the DEFAULT partition", async () => {
    const now = Date.now();
    const { userId, keyId } = await account();
    const ancient = call(userId, keyId, now - 5000 * DAY);
    await writeCalls(pool, [ancient]);
    expect(await partitionOf(ancient.requestId)).toBe("calls_default");
    const result = await maintainPartitions(pool, { callDays: 90, payloadDays: 30 }, now);
    expect(result.deleted).toBe(1);
    expect(await partitionOf(ancient.requestId)).toBeUndefined();
  });

  it("drops a month's partition exactly when its end falls out of retention, not a millisecond before", async () => {
    const start = new Date("2024-03-01T00:00:00.000Z");
    const end = Date.parse("2024-04-01T00:00:00.000Z");
    const name = partitionName("calls", start);
    const { userId, keyId } = await account();
    const last = call(userId, keyId, end - 1); // the month's last millisecond
    await writeCalls(pool, [last]);
    // 40 days of retention, seen from a clock where the cutoff is 1 ms before the month ends.
    const before = end + 40 * DAY - 1;
    const created = (await maintainPartitions(pool, { callDays: 40, payloadDays: 40 }, before)).created;
    // From the cutoff's month through two months ahead of that clock (2024-05-10): March to July.
    expect(created.filter((n) => n.startsWith("calls_p")).sort()).toEqual(
      ["20240301", "20240401", "20240501", "20240601", "20240701"].map((day) => `calls_p${day}`),
    );
    expect(created).toContain(name);
    expect((await maintainPartitions(pool, { callDays: 40, payloadDays: 40 }, before)).dropped).not.toContain(
      name,
    );
    expect(await partitionOf(last.requestId)).toBe(name);
    // Now the cutoff is the month's end: every row in it has expired.
    const dropped = await maintainPartitions(pool, { callDays: 40, payloadDays: 40 }, end + 40 * DAY);
    expect(dropped.dropped).toContain(name);
    expect(await partitionOf(last.requestId)).toBeUndefined();
  });

  it("keeps payloads for their own retention, never longer than the calls", async () => {
    const now = Date.parse("2025-06-15T12:00:00.000Z");
    const { userId, keyId } = await account();
    const aged = call(userId, keyId, Date.parse("2025-04-10T12:00:00.000Z"), true);
    await writeCalls(pool, [aged]);
    const payloads = async () =>
      (await pool.query("SELECT 1 FROM call_payloads WHERE request_id = $1", [aged.requestId])).rowCount;
    // Payloads for 30 days, calls for 90: the 66-day-old call stays, its payload goes.
    await maintainPartitions(pool, { callDays: 90, payloadDays: 30 }, now);
    expect(await partitionOf(aged.requestId)).toBe("calls_p20250401");
    expect(await payloads()).toBe(0);
    // Payloads asked for 365 days but calls kept 30: both go with the call's retention.
    const again = call(userId, keyId, Date.parse("2025-04-11T12:00:00.000Z"), true);
    await writeCalls(pool, [again]);
    await maintainPartitions(pool, { callDays: 30, payloadDays: 365 }, now);
    expect(await partitionOf(again.requestId)).toBeUndefined();
    expect(
      (await pool.query("SELECT 1 FROM call_payloads WHERE request_id = $1", [again.requestId])).rowCount,
    ).toBe(0);
  });

  it("runs as a periodic task that names itself in its errors", async () => {
    const errors: string[] = [];
    const dead = new pg.Pool({ connectionString: "postgresql://postgres:x@127.0.0.1:1/postgres", max: 1 });
    dead.on("error", () => undefined);
    await new CallLogPartitions(dead, { callDays: 90, payloadDays: 30 }, (m) => errors.push(m)).run();
    await dead.end();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^call log partitions: .+/);
    const ok: string[] = [];
    await new CallLogPartitions(pool, { callDays: 90, payloadDays: 30 }, (m) => ok.push(m)).run();
    expect(ok).toEqual([]);
  });
});
