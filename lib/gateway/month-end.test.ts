import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { callsOf, createAccount, createKey, startTestGateway, type TestGateway } from "./test-helpers.ts";

const database = testDatabase();
// The gateway's clock, moved by the test: 23:59 UTC on the last day of a month.
let clock = Date.parse("2031-01-31T23:59:00.000Z");
let t: TestGateway;
let userId: string;
let key: string;

beforeAll(async () => {
  // Records are written only when the test flushes, so it decides when that happens.
  t = await startTestGateway(database, {}, { now: () => clock, recorder: { flushMs: 3_600_000 } });
  const slug = `month-end-${randomUUID()}`;
  await database.pool.query(
    "INSERT INTO plans (slug, name, rpm, monthly_quota) VALUES ($1, 'Month end', 1000, 3)",
    [slug],
  );
  userId = await createAccount(database.pool);
  await database.pool.query(
    "UPDATE users SET plan_id = (SELECT id FROM plans WHERE slug = $1) WHERE id = $2",
    [slug, userId],
  );
  key = (await createKey(database.pool, userId)).key;
});
afterAll(() => t.close());

async function call(gateway: TestGateway = t) {
  const res = await fetch(`${gateway.url}/v2/tokens`, { headers: { "x-api-key": key } });
  await res.arrayBuffer();
  return {
    status: res.status,
    remaining: res.headers.get("x-quota-remaining"),
    reset: res.headers.get("x-quota-reset"),
    retryAfter: res.headers.get("retry-after"),
  };
}

/** Billable calls per UTC day in the rollup, for this account. */
async function billableByDay(): Promise<Record<string, number>> {
  const { rows } = await database.pool.query<{ day: string; billable: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, SUM(billable)::int AS billable
     FROM usage_daily WHERE user_id = $1 GROUP BY day ORDER BY day`,
    [userId],
  );
  return Object.fromEntries(rows.map((r) => [r.day, r.billable]));
}

describe("the monthly quota across 00:00 UTC on the 1st", () => {
  it("resets the counters, and calls answered at 23:59 but written after midnight count for their own month", async () => {
    const january = [await call(), await call(), await call()];
    expect(january.map((c) => [c.status, c.remaining])).toEqual([
      [200, "2"],
      [200, "1"],
      [200, "0"],
    ]);
    expect(january[0]!.reset).toBe("2031-02-01T00:00:00.000Z");
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("60");

    clock = Date.parse("2031-02-01T00:00:05.000Z");
    const february = await call();
    expect([february.status, february.remaining, february.reset]).toEqual([
      200,
      "2",
      "2031-03-01T00:00:00.000Z",
    ]);

    // Written only now, after midnight: each call lands in the month it was answered in.
    await t.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    expect(rows.map((r) => [r.status, r.billable])).toEqual([
      [200, true],
      [200, true],
      [200, true],
      [429, false],
      [200, true],
    ]);
    const { rows: stamps } = await database.pool.query<{ at: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS at
       FROM calls WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    expect(stamps.map((s) => s.at)).toEqual([
      ...Array<string>(4).fill("2031-01-31T23:59:00"),
      "2031-02-01T00:00:05",
    ]);
    expect(await billableByDay()).toEqual({ "2031-01-31": 3, "2031-02-01": 1 });

    // A gateway started now counts February from the database: 1 used, so 2 more, then refused.
    const other = await startTestGateway(database, {}, { now: () => clock });
    try {
      expect([(await call(other)).remaining, (await call(other)).remaining]).toEqual(["1", "0"]);
      expect((await call(other)).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});
