import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded.ts";
import { migrate } from "../db/migrate.ts";
import { generateKey } from "../keys/key.ts";
import { listSpool } from "../recorder/spool.ts";
import {
  callsOf,
  createAccount,
  createKey,
  eventually,
  spooledRecords,
  startTestGateway,
  type TestGateway,
} from "./test-helpers.ts";

// A PostgreSQL of its own, so stopping it does not disturb the other test files.
let dir: string;
let postgres: EmbeddedDatabase;
let database: Database;
let t: TestGateway;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-dbdown-"));
  postgres = await startEmbeddedPostgres(dir);
  await migrate(postgres.url);
  database = openDatabase(postgres.url, 5);
  t = await startTestGateway(database, {}, { keyCache: { graceMs: 60_000 }, recorder: { retryMs: 100 } });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await database?.pool.end();
  await postgres?.stop();
  await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

function get(url: string, key: string) {
  return fetch(`${url}/v2/tokens`, { headers: { "x-api-key": key } });
}

describe("while PostgreSQL is down", () => {
  it("keeps cached keys working, answers 503 for unknown ones, spools records and writes them when it is back", async () => {
    const userId = await createAccount(database.pool, "vip");
    const key = await createKey(database.pool, userId);
    expect((await get(t.url, key.key)).status).toBe(200);

    await postgres.stop();
    const okWhileDown = [];
    for (let i = 0; i < 50; i++) okWhileDown.push((await get(t.url, key.key)).status);
    expect(okWhileDown.every((s) => s === 200)).toBe(true);

    const unknown = await get(t.url, generateKey().key);
    expect(unknown.status).toBe(503);
    const body = (await unknown.json()) as { error: { code: string } };
    expect(body.error.code).toBe("unavailable");

    // All of them are on disk under DATA_DIR/spool, not only in memory.
    await eventually(async () => (await spooledRecords(path.join(t.dataDir, "spool"))) >= 50, 5000);

    postgres = await startEmbeddedPostgres(dir);
    await eventually(async () => {
      const rows = await callsOf(database.pool, userId).catch(() => []);
      return rows.length === 51;
    }, 15_000);
    await eventually(async () => (await listSpool(path.join(t.dataDir, "spool"))).length === 0, 5000);
    const rows = await callsOf(database.pool, userId);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(51);
  }, 60_000);

  it("refuses a cached key with 503 once it has not been confirmed for the grace period", async () => {
    const short = await startTestGateway(database, {}, { keyCache: { graceMs: 1500 } });
    try {
      const userId = await createAccount(database.pool, "vip");
      const key = await createKey(database.pool, userId);
      expect((await get(short.url, key.key)).status).toBe(200);
      await postgres.stop();
      expect((await get(short.url, key.key)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1700));
      const refused = await get(short.url, key.key);
      expect(refused.status).toBe(503);
    } finally {
      postgres = await startEmbeddedPostgres(dir);
      await short.close();
    }
  }, 60_000);
});
