import pg from "pg";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import {
  callsOf,
  createAccount,
  createKey,
  eventually,
  spooledRecords,
  testRecord,
  usageOf,
} from "../gateway/test-helpers.ts";
import { Recorder } from "./recorder.ts";

import { tempDirs } from "./test-helpers.ts";
import { listSpool } from "./spool.ts";
import { writeCalls } from "./sql.ts";

const database = testDatabase();
const tempDir = tempDirs("tollgate-recorder-");

const record = testRecord;

/** A pool pointing at a port where no PostgreSQL listens: every write fails as unreachable. */
function deadPool(): pg.Pool {
  const dead = new pg.Pool({ connectionString: "postgresql://postgres:x@127.0.0.1:1/postgres", max: 2 });
  dead.on("error", () => undefined);
  return dead;
}

describe("writeCalls", () => {
  it("writes calls, rollups and last_used_at in one statement, and a retried batch counts once", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const latest = new Date(Date.now() - 1000).toISOString();
    const batch = [
      record(userId, key.id, { createdAt: new Date(Date.now() - 5000).toISOString() }),
      record(userId, key.id, { status: 404, createdAt: latest }),
      record(userId, key.id, { status: 429, billable: false, errorCode: "rate_limited" }),
    ];
    batch[2]!.createdAt = new Date(Date.now() - 3000).toISOString();
    expect(await writeCalls(database.pool, batch)).toBe(3);
    expect(await writeCalls(database.pool, batch)).toBe(0);
    expect(await usageOf(database.pool, userId)).toEqual({ calls: 3, failures: 2, billable: 2 });
    expect((await callsOf(database.pool, userId)).length).toBe(3);
    const { rows } = await database.pool.query<{ last_used_at: Date }>(
      "SELECT last_used_at FROM api_keys WHERE id = $1",
      [key.id],
    );
    expect(rows[0]?.last_used_at.toISOString()).toBe(latest);
  });

  it("stores and counts only the new calls of a batch partly stored before", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const stored = record(userId, key.id);
    expect(await writeCalls(database.pool, [stored])).toBe(1);
    const fresh = [record(userId, key.id, { status: 500 }), record(userId, key.id)];
    expect(await writeCalls(database.pool, [fresh[0]!, stored, fresh[1]!])).toBe(2);
    expect(await usageOf(database.pool, userId)).toEqual({ calls: 3, failures: 1, billable: 3 });
    expect((await callsOf(database.pool, userId)).length).toBe(3);
  });

  it("never moves last_used_at backwards and survives NUL characters in text", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const recent = new Date().toISOString();
    await writeCalls(database.pool, [
      record(userId, key.id, { createdAt: recent, userAgent: "bad\u0000agent" }),
    ]);
    await writeCalls(database.pool, [
      record(userId, key.id, { createdAt: new Date(Date.now() - 60_000).toISOString() }),
    ]);
    const { rows } = await database.pool.query<{ last_used_at: Date }>(
      "SELECT last_used_at FROM api_keys WHERE id = $1",
      [key.id],
    );
    expect(rows[0]?.last_used_at.toISOString()).toBe(recent);
  });
});

describe("Recorder", () => {
  it("batches many records into few statements and loses none", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const recorder = new Recorder(database.pool, { spoolDir: await tempDir(), batchSize: 1000 });
    recorder.start();
    for (let i = 0; i < 5000; i++) recorder.record(record(userId, key.id));
    await recorder.close();
    expect(recorder.committed).toBe(5000);
    expect((await usageOf(database.pool, userId)).calls).toBe(5000);
  });

  it("under load writes whole batches, and leaves a remainder for the next tick or close", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    // A database that takes 50 ms per batch; each batch's size noted.
    const sizes: number[] = [];
    const slow = new Proxy(database.pool, {
      get(target, property) {
        if (property === "query") {
          return async (config: pg.QueryConfig) => {
            sizes.push((JSON.parse(String(config.values?.[0])) as unknown[]).length);
            await new Promise((resolve) => setTimeout(resolve, 50));
            return target.query(config);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const recorder = new Recorder(slow, { spoolDir: await tempDir(), batchSize: 10 });
    // The 10th record starts a write; 25 more arrive while it runs.
    for (let i = 0; i < 35; i++) recorder.record(record(userId, key.id));
    await recorder.flush("full batches"); // the write under way
    expect(sizes).toEqual([10, 10, 10]);
    expect(recorder.pending).toBe(5);
    await recorder.close();
    expect(sizes).toEqual([10, 10, 10, 5]);
    expect((await usageOf(database.pool, userId)).calls).toBe(35);
  });

  it("spools to files while the database is unreachable and replays them when it is back", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const spoolDir = await tempDir();
    const dead = deadPool();
    const down = new Recorder(dead, { spoolDir, retryMs: 50 });
    for (let i = 0; i < 25; i++) down.record(record(userId, key.id));
    await down.flush(); // fails: every waiting record goes to the spool at once
    expect(down.pending).toBe(0);
    expect(await spooledRecords(spoolDir)).toBe(25);
    down.record(record(userId, key.id));
    await down.close(); // spools the last one and seals the file
    await dead.end();
    expect((await listSpool(spoolDir)).length).toBe(1);
    expect(await callsOf(database.pool, userId)).toEqual([]);

    const up = new Recorder(database.pool, { spoolDir });
    await up.flush();
    expect(await listSpool(spoolDir)).toEqual([]);
    expect((await callsOf(database.pool, userId)).length).toBe(26);
    expect((await usageOf(database.pool, userId)).calls).toBe(26);
    await up.close();
  });

  it("in an outage, records reach the spool within a flush interval, not only on close", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const spoolDir = await tempDir();
    const dead = deadPool();
    const down = new Recorder(dead, { spoolDir, flushMs: 50, retryMs: 60_000 });
    down.start();
    try {
      down.record(record(userId, key.id));
      await eventually(async () => (await spooledRecords(spoolDir)) === 1, 2000);
      // The database is still down and no retry is due: later records are appended anyway.
      for (let i = 0; i < 300; i++) down.record(record(userId, key.id));
      await eventually(async () => (await spooledRecords(spoolDir)) === 301, 2000);
      expect(down.pending).toBe(0);
    } finally {
      await down.close();
      await dead.end();
    }
  });

  it("skips calls of a deleted account, and deleting an account deletes its calls", async () => {
    const kept = await createAccount(database.pool);
    const keptKey = await createKey(database.pool, kept);
    const gone = await createAccount(database.pool);
    const goneKey = await createKey(database.pool, gone);
    expect(await writeCalls(database.pool, [record(gone, goneKey.id), record(kept, keptKey.id)])).toBe(2);
    await database.pool.query("DELETE FROM users WHERE id = $1", [gone]);
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM calls WHERE user_id = $1",
      [gone],
    );
    expect(rows[0]?.n).toBe(0);
    expect(await writeCalls(database.pool, [record(gone, goneKey.id), record(kept, keptKey.id)])).toBe(1);
    expect((await callsOf(database.pool, kept)).length).toBe(2);
  });

  it("an account deleted while its batch is being written loses those calls too (no orphans)", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const writer = await database.pool.connect();
    try {
      await writer.query("BEGIN");
      // A client behaves like the pool here; the batch stays uncommitted until COMMIT.
      expect(await writeCalls(writer as unknown as pg.Pool, [record(userId, key.id)])).toBe(1);
      let deleted = false;
      const deletion = database.pool
        .query("DELETE FROM users WHERE id = $1", [userId])
        .then(() => (deleted = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(deleted).toBe(false); // waits for the batch's lock on the account
      await writer.query("COMMIT");
      await deletion;
    } finally {
      writer.release();
    }
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM calls WHERE user_id = $1",
      [userId],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("drops only the record the database refuses, not its whole batch", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const errors: string[] = [];
    const recorder = new Recorder(database.pool, {
      spoolDir: await tempDir(),
      onError: (m) => errors.push(m),
    });
    recorder.record(record(userId, key.id));
    recorder.record(record(userId, key.id, { status: 99_999 })); // does not fit a smallint
    recorder.record(record(userId, key.id));
    await recorder.close();
    expect((await callsOf(database.pool, userId)).length).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
