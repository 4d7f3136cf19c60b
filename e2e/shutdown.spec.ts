// `npm start` stops cleanly: in-flight calls finish, every answered call is recorded, the
// embedded PostgreSQL is stopped last and the pid file removed — whichever way it is stopped.
// No browser: these drive the real start script and the gateway with fetch.
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/db/embedded.ts";
import { createAccount, createKey, spooledRecords } from "../lib/gateway/test-helpers.ts";
import { isRunning, startTollgate, type TollgateProcess } from "./tollgate-process.ts";

// Ports after the ones playwright.config.ts gives the shared server.
const PORT = Number(process.env.E2E_PORT_BASE ?? 3100) + 10;

test.describe.configure({ mode: "serial", timeout: 180_000 });

let dataDir: string;
let started: TollgateProcess[] = [];
test.beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-shutdown-"));
});
test.afterEach(async () => {
  for (const tollgate of started) await tollgate.kill(); // a no-op when the test stopped it
  started = [];
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function start(env?: Record<string, string>): Promise<TollgateProcess> {
  const tollgate = await startTollgate({ dataDir, port: PORT, env });
  started.push(tollgate);
  return tollgate;
}

/** Runs `fn` against the embedded database of `dir` (reusing it if it runs, else starting it). */
async function withDatabase<T>(dir: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const database = await startEmbeddedPostgres(dir);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on("error", (error) => console.error(`test pool: ${error.message}`));
  try {
    return await fn(pool);
  } finally {
    await pool.end();
    await database.stop();
  }
}

async function keyFor(tollgate: TollgateProcess): Promise<{ userId: string; key: string }> {
  return withDatabase(tollgate.dataDir, async (pool) => {
    const userId = await createAccount(pool, "vip");
    return { userId, key: (await createKey(pool, userId)).key };
  });
}

/** The statuses recorded for an account. */
async function recordedStatuses(dir: string, userId: string): Promise<number[]> {
  return withDatabase(dir, async (pool) => {
    const { rows } = await pool.query<{ status: number }>("SELECT status FROM calls WHERE user_id = $1", [
      userId,
    ]);
    return rows.map((row) => row.status);
  });
}

function call(url: string, key: string): Promise<number> {
  return fetch(url, { headers: { "x-api-key": key } }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
}

const STOPS = [
  { name: "SIGTERM to the start process", signal: "SIGTERM", target: "process" },
  { name: "SIGTERM to the process group", signal: "SIGTERM", target: "group" },
  { name: "Ctrl-C (SIGINT to the process group)", signal: "SIGINT", target: "group" },
] as const;

for (const stop of STOPS) {
  test(`${stop.name}: slow calls finish, every answered call is recorded, nothing is left behind`, async () => {
    const tollgate = await start();
    const { userId, key } = await keyFor(tollgate);
    const slow = Array.from({ length: 20 }, () => call(`${tollgate.gatewayUrl}/delay/3000`, key));
    // A burst on top, still running when the signal lands; it ends at the first refused call.
    let answered = 0;
    let signalled: Promise<void> | undefined;
    const burst = Array.from({ length: 8 }, async () => {
      const statuses: number[] = [];
      while (statuses.length < 50) {
        try {
          statuses.push(await call(`${tollgate.gatewayUrl}/v2/price?symbol=BTC`, key));
        } catch {
          break;
        }
        answered += 1;
        if (answered === 150) signalled = tollgate.signal(stop.signal, stop.target);
      }
      return statuses;
    });
    const burstStatuses = (await Promise.all(burst)).flat();
    await signalled;
    expect(signalled, "the signal was sent mid-burst").toBeDefined();
    expect(await Promise.all(slow)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(burstStatuses.every((status) => status === 200)).toBe(true);
    expect(burstStatuses.length).toBeLessThan(400); // the burst was cut by the stop, not by its cap

    const exit = await tollgate.exited;
    expect(tollgate.output()).toContain("Tollgate stopped.");
    // npm's own exit code is its business when it got the signal too.
    if (stop.target === "process") expect(exit.code).toBe(0);
    expect(existsSync(path.join(dataDir, "tollgate.pid"))).toBe(false);
    // PostgreSQL was shut down cleanly, not left running or killed.
    expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
    expect(await recordedStatuses(dataDir, userId)).toHaveLength(20 + burstStatuses.length);
  });
}

test("a call still running at the drain deadline is cut, recorded, and does not hold up the stop", async () => {
  const tollgate = await start({ SHUTDOWN_DRAIN_MS: "1000" });
  const { userId, key } = await keyFor(tollgate);
  const quick = call(`${tollgate.gatewayUrl}/delay/200`, key);
  const stuck = call(`${tollgate.gatewayUrl}/delay/20000`, key).then(
    (status) => `answered ${status}`,
    () => "cut",
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const signalledAt = Date.now();
  await tollgate.signal("SIGTERM", "process");
  expect(await quick).toBe(200);
  expect(await stuck).toBe("cut");
  const exit = await tollgate.exited;
  // Well before the 20 s the stuck call wanted (the dashboard and PostgreSQL take a few seconds).
  expect(Date.now() - signalledAt).toBeLessThan(15_000);
  expect(exit.code).toBe(0);
  // The cut call is recorded too, as a call that got no answer.
  expect((await recordedStatuses(dataDir, userId)).sort()).toEqual([200, 499]);
});

/** Stops the embedded PostgreSQL under Tollgate's feet (fast shutdown), as an outage. */
async function stopPostgres(dir: string): Promise<void> {
  const pid = Number(
    (await fs.readFile(path.join(dir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0],
  );
  process.kill(pid, "SIGINT");
  await expect.poll(() => isRunning(pid), { timeout: 30_000 }).toBe(false);
}

/** `count` calls spread over the accounts' keys, 16 at a time; their statuses. */
async function calls(url: string, keys: string[], count: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        statuses.push(await call(`${url}/v2/price?symbol=ETH`, keys[i % keys.length]!));
      }
    }),
  );
  return statuses;
}

test("an outage loses nothing: records spooled at a SIGTERM or before a kill -9 are written on the next start", async () => {
  const accounts: { userId: string; key: string }[] = [];
  const spoolDir = path.join(dataDir, "spool");
  let tollgate = await start();
  for (let i = 0; i < 4; i++) accounts.push(await keyFor(tollgate));
  const keys = accounts.map((a) => a.key);
  const rows = () =>
    withDatabase(dataDir, async (pool) => {
      const result = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM calls WHERE user_id = ANY($1::uuid[])",
        [accounts.map((a) => a.userId)],
      );
      return result.rows[0]?.n ?? 0;
    });

  // 1. The database goes down, calls go on (keys verified a moment ago), then a clean stop.
  expect(await calls(tollgate.gatewayUrl, keys, 4)).toEqual([200, 200, 200, 200]);
  await stopPostgres(dataDir);
  const duringFirst = await calls(tollgate.gatewayUrl, keys, 500);
  expect(duringFirst.every((status) => status === 200)).toBe(true);
  await tollgate.signal("SIGTERM", "process");
  await tollgate.exited;
  expect(tollgate.output()).toContain("Tollgate stopped.");
  expect(await spooledRecords(spoolDir)).toBeGreaterThanOrEqual(500);

  // 2. The next start replays the spool.
  tollgate = await start();
  await expect.poll(rows, { timeout: 20_000 }).toBe(504);
  await expect.poll(() => spooledRecords(spoolDir)).toBe(0);

  // 3. Down again; 1,000 calls; within 2 s they are on disk; then kill -9 of everything.
  expect(await calls(tollgate.gatewayUrl, keys, 4)).toEqual([200, 200, 200, 200]);
  await stopPostgres(dataDir);
  const duringSecond = await calls(tollgate.gatewayUrl, keys, 1000);
  expect(duringSecond.every((status) => status === 200)).toBe(true);
  await expect
    .poll(() => spooledRecords(spoolDir), { timeout: 2000, intervals: [100] })
    .toBeGreaterThanOrEqual(1000);
  await tollgate.signal("SIGKILL", "group");
  await tollgate.exited;

  // 4. The start after the crash takes over the lock and the abandoned spool file.
  tollgate = await start();
  await expect.poll(rows, { timeout: 20_000 }).toBe(1508);
  await tollgate.signal("SIGTERM", "process");
  await tollgate.exited;
  expect(await spooledRecords(spoolDir)).toBe(0);
});
