import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_OPERATOR } from "../actor.ts";
import { changeAccount } from "../data/users.ts";
import { testDatabase } from "../db/test-database.ts";
import { monthOf } from "../time/calendar.ts";
import {
  callsOf,
  createAccount,
  createKey,
  eventually,
  startTestGateway,
  usageOf,
  type TestGateway,
} from "./test-helpers.ts";

const database = testDatabase();
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway(database);
});
afterAll(() => t.close());

function get(key: string, path = "/v2/price?symbol=ETH") {
  return fetch(t.url + path, { headers: { "x-api-key": key } });
}

async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { error?: { code: string } };
  return body.error?.code;
}

describe("rate limit", () => {
  it("lets exactly rpm calls through per minute, refuses the next with Retry-After 1..60", async () => {
    const userId = await createAccount(database.pool, "basic"); // 60 req/min
    const key = await createKey(database.pool, userId);
    const statuses = await Promise.all(Array.from({ length: 60 }, () => get(key.key).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const refused = await get(key.key);
    expect(refused.status).toBe(429);
    expect(await errorCode(refused)).toBe("rate_limited");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit")).toBe(`"basic";r=0;t=${retryAfter}`);
    expect(refused.headers.get("ratelimit-policy")).toBe('"basic";q=60;w=60');
  });

  it("is shared by all keys of an account", async () => {
    const userId = await createAccount(database.pool, "free"); // 1 req/min
    const a = await createKey(database.pool, userId);
    const b = await createKey(database.pool, userId);
    expect((await get(a.key)).status).toBe(200);
    const refused = await get(b.key);
    expect(refused.status).toBe(429);
    expect(await errorCode(refused)).toBe("rate_limited");
  });

  it("counts remaining calls down in the RateLimit header", async () => {
    const userId = await createAccount(database.pool, "advanced"); // 300 req/min
    const key = await createKey(database.pool, userId);
    const first = await get(key.key);
    const second = await get(key.key);
    expect(first.headers.get("ratelimit")).toMatch(/^"advanced";r=299;t=(60|59)$/);
    expect(second.headers.get("ratelimit")).toMatch(/^"advanced";r=298;t=\d+$/);
  });
});

describe("monthly quota", () => {
  it("the call that reaches the limit passes, the next is refused, refused calls do not count", async () => {
    const userId = await createAccount(database.pool, "basic"); // 20,000 / month
    const key = await createKey(database.pool, userId);
    // 19,998 calls already used this month (on an older key), as the rollup says.
    await database.pool.query(
      `INSERT INTO usage_daily (user_id, key_id, day, path, calls, failures, billable)
       VALUES ($1, gen_random_uuid(), $2::date, '/v2/tokens', 19998, 0, 19998)`,
      [userId, monthOf(Date.now())],
    );
    const first = await get(key.key);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-quota-remaining")).toBe("1");
    const reaching = await get(key.key);
    expect(reaching.status).toBe(200);
    expect(reaching.headers.get("x-quota-limit")).toBe("20000");
    expect(reaching.headers.get("x-quota-remaining")).toBe("0");
    for (let i = 0; i < 3; i++) {
      const refused = await get(key.key);
      expect(refused.status).toBe(429);
      expect(await errorCode(refused)).toBe("quota_exceeded");
      const retryAfter = Number(refused.headers.get("retry-after"));
      const reset = Date.parse(refused.headers.get("x-quota-reset") ?? "");
      expect(Math.abs(Date.now() + retryAfter * 1000 - reset)).toBeLessThan(2000);
    }
    await t.gateway.flush();
    expect(await usageOf(database.pool, userId)).toEqual({ calls: 19998 + 5, failures: 3, billable: 20000 });
    const rows = await callsOf(database.pool, userId);
    expect(rows.map((r) => r.billable)).toEqual([true, true, false, false, false]);
  });

  it("does not let concurrent calls overshoot the quota", async () => {
    const userId = await createAccount(database.pool, "advanced"); // 100,000 / month
    const key = await createKey(database.pool, userId);
    await database.pool.query(
      `INSERT INTO usage_daily (user_id, key_id, day, path, calls, failures, billable)
       VALUES ($1, gen_random_uuid(), $2::date, '/', 99990, 0, 99990)`,
      [userId, monthOf(Date.now())],
    );
    const statuses = await Promise.all(Array.from({ length: 40 }, () => get(key.key).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    await t.gateway.flush();
    expect((await usageOf(database.pool, userId)).billable).toBe(100_000);
  });
});

describe("key and plan changes reach the gateway within 1 s", () => {
  it("refuses a key within 1 s of it being disabled, deleted or expired, and accepts it again when re-enabled", async () => {
    const userId = await createAccount(database.pool, "vip");
    const key = await createKey(database.pool, userId);
    expect((await get(key.key)).status).toBe(200);

    const change = async (sql: string, status: number, code: string) => {
      await database.pool.query(sql, [key.id]);
      const changedAt = Date.now();
      let last = 0;
      await eventually(async () => {
        const res = await get(key.key);
        last = res.status;
        return res.status === status && (await errorCode(res)) === code;
      }, 3000);
      const took = Date.now() - changedAt;
      expect(took, `${code} took ${took} ms (last status ${last})`).toBeLessThan(1000);
    };
    await change(
      "UPDATE api_keys SET status = 'inactive', updated_at = now() WHERE id = $1",
      403,
      "key_disabled",
    );
    await database.pool.query("UPDATE api_keys SET status = 'active' WHERE id = $1", [key.id]);
    await eventually(async () => (await get(key.key)).status === 200, 1000);
    await change(
      "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1",
      401,
      "key_expired",
    );
    await change("UPDATE api_keys SET deleted_at = now() WHERE id = $1", 401, "invalid_api_key");
  });

  it("refuses every key of a suspended account within 1 s, records it, and accepts them when unsuspended", async () => {
    const userId = await createAccount(database.pool, "vip");
    const [a, b] = [await createKey(database.pool, userId), await createKey(database.pool, userId)];
    expect((await get(a.key)).status).toBe(200);
    expect((await get(b.key)).status).toBe(200);
    await changeAccount(CLI_OPERATOR, { id: userId }, "suspend");
    const took = await eventually(async () => {
      const res = await get(a.key);
      return res.status === 403 && (await errorCode(res)) === "account_suspended";
    }, 3000);
    expect(took).toBeLessThan(1000);
    const other = await get(b.key);
    expect(other.status).toBe(403);
    expect(await errorCode(other)).toBe("account_suspended");
    await t.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    expect(rows.filter((r) => r.error_code === "account_suspended").length).toBeGreaterThanOrEqual(2);
    await changeAccount(CLI_OPERATOR, { id: userId }, "unsuspend");
    expect(await eventually(async () => (await get(b.key)).status === 200, 3000)).toBeLessThan(1000);
  });

  it("applies a plan change within 1 s", async () => {
    const userId = await createAccount(database.pool, "free");
    const key = await createKey(database.pool, userId);
    const before = await get(key.key);
    expect(before.headers.get("ratelimit-policy")).toBe('"free";q=1;w=60');
    await database.pool.query(
      "UPDATE users SET plan_id = (SELECT id FROM plans WHERE slug = 'vip') WHERE id = $1",
      [userId],
    );
    const took = await eventually(
      async () => (await get(key.key)).headers.get("ratelimit-policy") === '"vip";q=600;w=60',
      2000,
    );
    expect(took).toBeLessThan(1000);
  });
});
