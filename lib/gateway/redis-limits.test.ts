import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
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

  it("counts the previous minute's calls in proportion to its overlap, in one small hash per account", async () => {
    const userId = await createAccount(database.pool, "basic"); // 60 req/min
    const key = await createKey(database.pool, userId);
    const client = new Redis(redis.url);
    const redisNow = async () => {
      const [seconds, micros] = await client.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    try {
      // Stay clear of a minute's last seconds, so the burst below is all in one window.
      if ((await redisNow()) % 60_000 > 50_000) await sleep(61_000 - ((await redisNow()) % 60_000));
      const start = await redisNow();
      const minute = Math.floor(start / 60_000);
      // The minute before took all 60 calls.
      await client.hset(`tollgate:{${userId}}:rate`, { window: minute - 1, count: 60, previous: 0 });
      const answers = await burst(70, 10, (i) =>
        fetch(`${i % 2 ? a.url : b.url}/v2/price?symbol=BTC`, { headers: { "x-api-key": key.key } }).then(
          async (res) => {
            await res.arrayBuffer();
            return { status: res.status, retryAfter: res.headers.get("retry-after") };
          },
        ),
      );
      const end = await redisNow();
      // 60 × the share of the last minute still ahead counts, rounded up: one call frees per second.
      const passed = count(
        answers.map((x) => x.status),
        200,
      );
      expect(passed).toBeGreaterThanOrEqual(Math.floor((start % 60_000) / 1000));
      expect(passed).toBeLessThanOrEqual(Math.floor((end % 60_000) / 1000));
      const refused = answers.filter((x) => x.status === 429);
      expect(refused).toHaveLength(70 - passed);
      // The next call may pass within the second, and the refusals say so.
      for (const answer of refused) expect(answer.retryAfter).toBe("1");
      // The whole state of an account's rpm: three numbers, however many calls it makes.
      expect(await client.type(`tollgate:{${userId}}:rate`)).toBe("hash");
      expect(await client.hlen(`tollgate:{${userId}}:rate`)).toBe(3);
    } finally {
      client.disconnect();
    }
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

  it("does not wait on a Redis that stops answering, and shares limits again once it answers", async () => {
    const userId = await createAccount(database.pool, "vip");
    const key = await createKey(database.pool, userId);
    await eventually(() => a.gateway.stats().limiter === "redis" && b.gateway.stats().limiter === "redis");
    redis.pause();
    let answers: { status: number; ms: number }[];
    try {
      answers = await burst(40, 10, async (i) => {
        const started = performance.now();
        const status = await call(i % 2 ? a.url : b.url, key.key);
        return { status, ms: performance.now() - started };
      });
      expect(a.gateway.stats().limiter).toBe("fallback");
      expect((await fetch(`${a.url}/readyz`)).status).toBe(503);
    } finally {
      redis.resume();
    }
    expect(answers.map((x) => x.status)).toEqual(Array<number>(40).fill(200));
    // A call waits about REDIS_TIMEOUT_MS (50 ms) for a silent Redis, then goes on without it.
    expect(Math.max(...answers.map((x) => x.ms))).toBeLessThan(600);
    // Back without a call to prove it (a balancer may send none to an instance that is not ready).
    await eventually(() => a.gateway.stats().limiter === "redis" && b.gateway.stats().limiter === "redis");
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
  });
});
