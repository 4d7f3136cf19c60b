import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { monthOf } from "../time/calendar.ts";
import { startTestRedis, type TestRedis } from "./redis-test-server.ts";
import {
  burst,
  callsOf,
  createAccount,
  createKey,
  eventually,
  startTestGateway,
  usageOf,
  type TestGateway,
} from "./test-helpers.ts";

// Two gateways in this process sharing one real redis-server: the limits are the
// account's, whichever instance a call reaches. The three-process version with a load
// balancer is lib/gateway/multi-instance.test.ts.

const database = testDatabase();
let redis: TestRedis;
let a: TestGateway;
let b: TestGateway;
const logs: string[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  const config = { REDIS_URL: redis.url, METRICS_PORT: 0 };
  const options = { log: (m: string) => logs.push(m), redis: { retryMs: 200, reconcileMs: 200 } };
  a = await startTestGateway(database, config, options);
  b = await startTestGateway(database, config, options);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.close();
});

function call(url: string, key: string): Promise<number> {
  return fetch(`${url}/v2/price?symbol=BTC`, { headers: { "x-api-key": key } }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
}

function count(statuses: number[], status: number): number {
  return statuses.filter((s) => s === status).length;
}

/** An account on a plan of its own: `rpm` per minute, `quota` per month. */
async function accountWithPlan(rpm: number, quota: number): Promise<string> {
  const slug = `test-${Math.random().toString(36).slice(2, 10)}`;
  await database.pool.query(`INSERT INTO plans (slug, name, rpm, monthly_quota) VALUES ($1, $1, $2, $3)`, [
    slug,
    rpm,
    quota,
  ]);
  const { rows } = await database.pool.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, plan_id)
     SELECT $1, 'not-a-real-hash', id FROM plans WHERE slug = $2 RETURNING id::text`,
    [`${slug}@example.com`, slug],
  );
  return rows[0]!.id;
}

describe("limits shared through Redis", () => {
  it("lets exactly the plan's rpm through across two instances", async () => {
    expect(a.gateway.stats().limiter).toBe("redis");
    const userId = await createAccount(database.pool, "basic"); // 60 req/min
    const key = await createKey(database.pool, userId);
    const statuses = await burst(150, 50, (i) => call(i % 2 ? a.url : b.url, key.key));
    expect(count(statuses, 200)).toBe(60);
    expect(count(statuses, 429)).toBe(90);
  });

  it("starts the month's counter from PostgreSQL and reserves the quota exactly across instances", async () => {
    const userId = await accountWithPlan(100_000, 50);
    const key = await createKey(database.pool, userId);
    // 20 billable calls already counted this month, as the recorder's rollup holds them.
    await database.pool.query(
      `INSERT INTO usage_daily (user_id, key_id, day, path, calls, failures, billable)
       VALUES ($1, $2, $3::date, '/v2/price', 20, 0, 20)`,
      [userId, key.id, monthOf(Date.now())],
    );
    const statuses = await burst(100, 40, (i) => call(i % 2 ? a.url : b.url, key.key));
    expect(count(statuses, 200)).toBe(30);
    expect(count(statuses, 429)).toBe(70);
    await Promise.all([a.gateway.flush(), b.gateway.flush()]);
    expect((await usageOf(database.pool, userId)).billable).toBe(50);
    expect((await callsOf(database.pool, userId)).filter((c) => c.billable)).toHaveLength(30);
  });

  it("survives Redis dying mid-load: no 5xx, fallback shown in readyz and metrics, logged once, then recovers", async () => {
    const userId = await createAccount(database.pool, "vip"); // 600 req/min per instance in fallback
    const key = await createKey(database.pool, userId);
    logs.length = 0;
    let killed: Promise<void> | undefined;
    const statuses = await burst(400, 20, async (i) => {
      if (i === 100) killed = redis.kill();
      return call(i % 2 ? a.url : b.url, key.key);
    });
    await killed;
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(count(statuses, 200)).toBe(400);

    const readyz = await fetch(`${a.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({ checks: { redis: "unreachable (per-instance limits)" } });
    const metrics = await (await fetch(a.gateway.metricsUrl!)).text();
    expect(metrics).toMatch(/^tollgate_redis_fallback 1$/m);
    // Calls after the kill were decided by the instance alone, and counted as such.
    expect(Number(/^tollgate_redis_fallback_calls_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    // Hundreds of failed calls and reconnects, at most one line per instance per minute
    // (none if that instance already logged a slow answer this minute).
    const lines = logs.filter((m) => m.includes("using per-instance rate limits")).length;
    expect(lines).toBeGreaterThanOrEqual(1);
    expect(lines).toBeLessThanOrEqual(2);

    await redis.restart();
    await eventually(() => a.gateway.stats().limiter === "redis" && b.gateway.stats().limiter === "redis");
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(a.gateway.metricsUrl!)).text()).toMatch(/^tollgate_redis_fallback 0$/m);
    // Shared again: a fresh account gets exactly its rpm over both instances.
    const other = await createKey(database.pool, await createAccount(database.pool, "basic"));
    const after = await burst(100, 20, (i) => call(i % 2 ? a.url : b.url, other.key));
    expect(count(after, 200)).toBe(60);
  });
});
