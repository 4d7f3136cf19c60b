import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { startSampleApi, type SampleApi } from "../sample-api/server.ts";
import { freePort, startTestRedis, type TestRedis } from "./redis-test-server.ts";
import { burst, callsOf, createAccount, createKey, eventually, usageOf } from "./test-helpers.ts";

// The production layout on one machine: three `npm run gateway` processes sharing one
// Redis and one PostgreSQL, behind HAProxy configured by deploy/haproxy.cfg.

const root = path.resolve(import.meta.dirname, "../..");
const database = testDatabase();
let redis: TestRedis;
let upstream: SampleApi;
let dataDir: string;
const children: ChildProcess[] = [];
let gateways: string[] = [];
let metricsUrls: string[] = [];
let balancer: string;

/** Spawns a child and resolves with the first match of `pattern` in its output. */
function spawnUntil(command: string, args: string[], env: NodeJS.ProcessEnv, pattern: RegExp) {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
      output = output.slice(-2000);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${command} exited (${code}): ${output}`)));
  });
}

async function startGatewayProcess(n: number): Promise<{ url: string; metricsUrl: string }> {
  const metricsPort = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    UPSTREAM_URL: upstream.url,
    GATEWAY_PORT: String(await freePort()),
    HOSTNAME: "127.0.0.1",
    TRUST_PROXY: "1",
    DATA_DIR: path.join(dataDir, `gateway-${n}`),
    LOG_FORMAT: "text",
    METRICS_PORT: String(metricsPort),
  };
  const match = await spawnUntil(
    process.execPath,
    ["--import", "tsx", "scripts/gateway.ts"],
    env,
    /listening on (\S+)/,
  );
  return { url: match[1]!, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-multi-"));
  redis = await startTestRedis();
  upstream = await startSampleApi(0, "127.0.0.1");
  const started = await Promise.all([1, 2, 3].map(startGatewayProcess));
  gateways = started.map((g) => g.url);
  metricsUrls = started.map((g) => g.metricsUrl);
  const port = await freePort();
  const address = (url: string) => url.replace("http://", "");
  const haproxy = spawn("haproxy", ["-db", "-f", "deploy/haproxy.cfg"], {
    cwd: root,
    stdio: "ignore",
    env: {
      ...process.env,
      TOLLGATE_LB_BIND: `127.0.0.1:${port}`,
      TOLLGATE_GATEWAY_1: address(gateways[0]!),
      TOLLGATE_GATEWAY_2: address(gateways[1]!),
      TOLLGATE_GATEWAY_3: address(gateways[2]!),
    },
  });
  children.push(haproxy);
  haproxy.once("error", (error) => {
    throw new Error(`cannot run haproxy (install it: apt-get install haproxy): ${error.message}`);
  });
  balancer = `http://127.0.0.1:${port}`;
  // Every instance connected to Redis (and its database) before the load starts.
  await eventually(async () => {
    const answers = await Promise.all(
      [...gateways, balancer].map((url) =>
        fetch(`${url}/readyz`).then(
          (r) => r.status,
          () => 0,
        ),
      ),
    );
    return answers.every((s) => s === 200);
  }, 20_000);
  // Warm, as instances in service are: compiled code paths and Redis's script cache.
  const warm = await createKey(database.pool, await createAccount(database.pool, "vip"));
  for (const url of gateways) await burst(20, 5, () => call(url, warm.key));
}, 90_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.removeAllListeners("exit");
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  await upstream?.close();
  await redis?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
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

/** Calls the three instances decided without Redis so far (tollgate_redis_fallback_calls_total). */
async function fallbackCalls(): Promise<number> {
  const texts = await Promise.all(metricsUrls.map((url) => fetch(url).then((r) => r.text())));
  return texts
    .map((text) => Number(/^tollgate_redis_fallback_calls_total (\d+)/m.exec(text)?.[1] ?? NaN))
    .reduce((a, b) => a + b, 0);
}

/**
 * Runs `attempt` until one run had every call decided by Redis, at most three times, and
 * checks each run. The shared limits are exact while Redis answers within REDIS_TIMEOUT_MS;
 * on a starved machine an instance may decide a call alone (fail open, by design), and such
 * a run is checked against the fail-open bound instead: it proves nothing about exactness.
 */
async function untilRedisDecidesAll<T>(
  attempt: () => Promise<T>,
  check: (result: T, exact: boolean) => void | Promise<void>,
): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const before = await fallbackCalls();
    const result = await attempt();
    const exact = (await fallbackCalls()) === before;
    await check(result, exact);
    if (exact) return;
  }
  throw new Error("in three bursts, Redis never answered every call within REDIS_TIMEOUT_MS");
}

describe("three gateway processes sharing Redis behind HAProxy", () => {
  it("lets exactly 60 of 600 concurrent calls through for a 60 rpm plan", async () => {
    await untilRedisDecidesAll(
      async () => {
        const key = await createKey(database.pool, await createAccount(database.pool, "basic"));
        return burst(600, 600, () => call(balancer, key.key));
      },
      (statuses, exact) => {
        expect(count(statuses, 200) + count(statuses, 429)).toBe(600);
        // Failing open, each instance alone allows at most the plan's rpm.
        if (exact) expect(count(statuses, 200)).toBe(60);
        else expect(count(statuses, 200)).toBeLessThanOrEqual(3 * 60);
      },
    );
  });

  it("forwards exactly 100 of 300 concurrent calls over the three for a quota of 100, and usage shows 100", async () => {
    await untilRedisDecidesAll(
      async () => {
        const slug = `quota-100-${randomUUID()}`;
        await database.pool.query(
          `INSERT INTO plans (slug, name, rpm, monthly_quota) VALUES ($1, $1, 100000, 100)`,
          [slug],
        );
        const { rows } = await database.pool.query<{ id: string }>(
          `INSERT INTO users (email, password_hash, plan_id)
           SELECT $1, 'not-a-real-hash', id FROM plans WHERE slug = $2 RETURNING id::text`,
          [`${slug}@example.com`, slug],
        );
        const userId = rows[0]!.id;
        const key = await createKey(database.pool, userId);
        return { userId, statuses: await burst(300, 300, (i) => call(gateways[i % 3]!, key.key)) };
      },
      async ({ userId, statuses }, exact) => {
        const forwarded = count(statuses, 200);
        expect(forwarded + count(statuses, 429)).toBe(300);
        // Failing open, each instance alone allows at most the quota.
        if (exact) expect(forwarded).toBe(100);
        else expect(forwarded).toBeLessThanOrEqual(3 * 100);
        // Each instance writes its records within its flush interval; then the rollup the
        // dashboard and CLI read counts exactly the calls forwarded, and so does the call log.
        await eventually(async () => (await callsOf(database.pool, userId)).length === 300, 10_000);
        expect((await usageOf(database.pool, userId)).billable).toBe(forwarded);
        const calls = await callsOf(database.pool, userId);
        expect(calls.filter((c) => c.billable)).toHaveLength(forwarded);
      },
    );
  });

  it("refuses a disabled key on every instance within a second", async () => {
    const key = await createKey(database.pool, await createAccount(database.pool, "vip"));
    for (const url of gateways) expect(await call(url, key.key)).toBe(200);
    await database.pool.query(`UPDATE api_keys SET status = 'inactive' WHERE id = $1`, [key.id]);
    const waited = await Promise.all(
      gateways.map((url) => eventually(async () => (await call(url, key.key)) === 403, 1_000)),
    );
    expect(Math.max(...waited)).toBeLessThan(1_000);
  });
});
