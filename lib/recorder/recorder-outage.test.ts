import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import {
  callsOf,
  createAccount,
  createKey,
  eventually,
  spooledRecords,
  testRecord,
} from "../gateway/test-helpers.ts";
import type { CallRecord } from "./call-record.ts";
import { Recorder, type RecorderHooks } from "./recorder.ts";

import { tempDirs } from "./test-helpers.ts";
import { listSpool, SpoolWriter } from "./spool.ts";

// The recorder's behaviour around a database that goes away and comes back, seen from
// outside: what reaches the database, the spool and the hooks, and how often it tries.
// The database is the run's real PostgreSQL behind a switch.

const database = testDatabase();
afterEach(() => {
  vi.useRealTimers();
});

const tempDir = tempDirs("tollgate-outage-");

type Switch = { down: boolean; hang: boolean; attempts: number; downAfter?: number };

/**
 * The real pool behind a switch: `down` refuses every query and connection as an unreachable
 * server does, `hang` never answers; `attempts` counts the tries either way; after
 * `downAfter` tries it goes down by itself.
 */
function switchedPool(): { pool: pg.Pool; state: Switch } {
  const state: Switch = { down: false, hang: false, attempts: 0 };
  const refuse = () =>
    Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
  const guarded =
    (call: (...args: never[]) => Promise<unknown>) =>
    (...args: never[]) => {
      state.attempts++;
      if (state.downAfter !== undefined && state.attempts > state.downAfter) state.down = true;
      if (state.down) return refuse();
      if (state.hang) return new Promise(() => {});
      return call(...args);
    };
  const real = database.pool;
  const pool = new Proxy(real, {
    get(target, property) {
      if (property === "query") return guarded(target.query.bind(target));
      if (property === "connect") return guarded(target.connect.bind(target) as never);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { pool, state };
}

async function account(): Promise<{ userId: string; keyId: string }> {
  const userId = await createAccount(database.pool);
  return { userId, keyId: (await createKey(database.pool, userId)).id };
}

/** Every hook call, as [event, request ids, committed]. */
function hookLog(): { hooks: RecorderHooks; events: [string, string[], boolean?][] } {
  const events: [string, string[], boolean?][] = [];
  return {
    events,
    hooks: {
      writing: (records) => void events.push(["writing", records.map((r) => r.requestId)]),
      written: (records, committed) =>
        void events.push(["written", records.map((r) => r.requestId), committed]),
    },
  };
}

describe("Recorder through an outage", () => {
  it("with its default timings spools within a flush and writes everything once PostgreSQL is back", async () => {
    const { userId, keyId } = await account();
    const spoolDir = await tempDir();
    const { pool, state } = switchedPool();
    const recorder = new Recorder(pool, { spoolDir });
    recorder.start();
    try {
      state.down = true;
      const records = Array.from({ length: 3 }, () => testRecord(userId, keyId));
      for (const r of records) recorder.record(r);
      await eventually(() => recorder.spooled === 3, 5_000);
      expect(recorder.pending).toBe(0);
      expect(await spooledRecords(spoolDir)).toBe(3);
      state.down = false;
      // Retried after retryMs (1 s by default) on the 200 ms timer: well within ten seconds.
      await eventually(async () => (await callsOf(database.pool, userId)).length === 3, 10_000);
      await eventually(async () => (await listSpool(spoolDir)).length === 0 && recorder.committed === 3);
      expect((await callsOf(database.pool, userId)).map((c) => c.request_id).sort()).toEqual(
        records.map((r) => r.requestId).sort(),
      );
    } finally {
      await recorder.close();
    }
  });

  it("while the database is down, tries it at most once per retryMs", async () => {
    const { userId, keyId } = await account();
    const { pool, state } = switchedPool();
    state.down = true;
    const recorder = new Recorder(pool, { spoolDir: await tempDir(), flushMs: 10, retryMs: 400 });
    recorder.start();
    try {
      recorder.record(testRecord(userId, keyId));
      await eventually(() => state.attempts >= 1);
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const elapsed = Date.now() - started;
      // About 100 ticks passed: one try per 400 ms at most (plus the one in progress).
      expect(state.attempts).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 400));
      // ... and it does keep trying.
      await eventually(() => state.attempts >= 2, 5_000);
    } finally {
      state.down = false;
      await recorder.close();
    }
  });

  it("flushes every 200 ms by default, every flushMs when given, and at once when a batch is full", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { userId, keyId } = await account();
    const byDefault = new Recorder(database.pool, { spoolDir: await tempDir() });
    byDefault.start();
    byDefault.record(testRecord(userId, keyId));
    vi.advanceTimersByTime(199);
    expect(byDefault.pending).toBe(1);
    vi.advanceTimersByTime(1);
    expect(byDefault.pending).toBe(0);
    await byDefault.close();

    const given = new Recorder(database.pool, { spoolDir: await tempDir(), flushMs: 50, batchSize: 3 });
    given.start();
    given.record(testRecord(userId, keyId));
    vi.advanceTimersByTime(49);
    expect(given.pending).toBe(1);
    vi.advanceTimersByTime(1);
    expect(given.pending).toBe(0);
    await given.flush();
    // A full batch does not wait for the timer.
    given.record(testRecord(userId, keyId));
    given.record(testRecord(userId, keyId));
    expect(given.pending).toBe(2);
    given.record(testRecord(userId, keyId));
    expect(given.pending).toBe(0);
    await given.close();
    expect(given.committed).toBe(4);
    expect((await callsOf(database.pool, userId)).length).toBe(5);
  });

  it("a full batch waits during an outage instead of hammering the database", async () => {
    const { userId, keyId } = await account();
    const { pool, state } = switchedPool();
    const recorder = new Recorder(pool, { spoolDir: await tempDir(), batchSize: 2, retryMs: 60_000 });
    state.down = true;
    recorder.record(testRecord(userId, keyId));
    await recorder.flush();
    const tried = state.attempts;
    expect(tried).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) recorder.record(testRecord(userId, keyId));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.attempts).toBe(tried);
    expect(recorder.pending).toBe(10);
    state.down = false;
    await recorder.close();
    expect((await callsOf(database.pool, userId)).length).toBe(11);
  });

  it("says it is backlogged from memoryLimit records on (100,000 by default)", () => {
    const record = testRecord(randomUUID(), randomUUID());
    const small = new Recorder(database.pool, { spoolDir: "/nonexistent", memoryLimit: 3, batchSize: 1_000 });
    small.record(record);
    small.record(record);
    expect(small.backlogged).toBe(false);
    small.record(record);
    expect(small.backlogged).toBe(true);
    const byDefault = new Recorder(database.pool, { spoolDir: "/nonexistent", batchSize: 1_000_000 });
    for (let i = 0; i < 99_999; i++) byDefault.record(record);
    expect(byDefault.backlogged).toBe(false);
    byDefault.record(record);
    expect(byDefault.backlogged).toBe(true);
  });

  it("tells the hooks about its own records, also when replaying its own spool, and not about another's", async () => {
    const { userId, keyId } = await account();
    const spoolDir = await tempDir();
    const { pool, state } = switchedPool();
    const { hooks, events } = hookLog();
    const recorder = new Recorder(pool, { spoolDir, hooks, retryMs: 0 });
    const first = testRecord(userId, keyId);
    state.down = true;
    recorder.record(first);
    await recorder.flush();
    expect(events).toEqual([
      ["writing", [first.requestId]],
      ["written", [first.requestId], false],
    ]);
    // Another instance's spool file in the same folder: its records are in its counters.
    const foreign = testRecord(userId, keyId);
    const other = new SpoolWriter(spoolDir);
    await other.append([foreign]);
    await other.seal();
    events.length = 0;
    await recorder.flush(); // still down: replaying both files fails
    expect(events.filter(([, ids]) => ids.includes(foreign.requestId))).toEqual([]);
    state.down = false;
    await recorder.close();
    expect(events.filter(([, ids]) => ids.includes(foreign.requestId))).toEqual([]);
    expect(events).toContainEqual(["writing", [first.requestId]]);
    expect(events).toContainEqual(["written", [first.requestId], true]);
    expect((await callsOf(database.pool, userId)).length).toBe(2);
    expect(recorder.committed).toBe(2);
  });

  it("replays a spool file in batches of batchSize, each record once", async () => {
    const { userId, keyId } = await account();
    const spoolDir = await tempDir();
    const writer = new SpoolWriter(spoolDir);
    await writer.append(Array.from({ length: 6 }, () => testRecord(userId, keyId)));
    await writer.seal();
    const { pool, state } = switchedPool();
    const recorder = new Recorder(pool, { spoolDir, batchSize: 2 });
    await recorder.flush();
    expect(state.attempts).toBe(3); // one statement per batch, none for an empty rest
    expect(recorder.committed).toBe(6);
    expect(await listSpool(spoolDir)).toEqual([]);
    expect((await callsOf(database.pool, userId)).length).toBe(6);
    await recorder.close();
  });

  it("keeps a spool file whose replay failed half way, and finishes it later without doubles", async () => {
    const { userId, keyId } = await account();
    const spoolDir = await tempDir();
    const writer = new SpoolWriter(spoolDir);
    await writer.append(Array.from({ length: 4 }, () => testRecord(userId, keyId)));
    await writer.seal();
    const { pool, state } = switchedPool();
    const recorder = new Recorder(pool, { spoolDir, batchSize: 2, retryMs: 60_000 });
    // The first batch goes in, then the database goes away.
    state.downAfter = 1;
    await recorder.flush();
    expect((await callsOf(database.pool, userId)).length).toBe(2);
    expect(await listSpool(spoolDir)).toHaveLength(1);
    state.downAfter = undefined;
    state.down = false;
    await recorder.close();
    expect((await callsOf(database.pool, userId)).length).toBe(4);
    expect(await listSpool(spoolDir)).toEqual([]);
  });

  it("a write that never answers counts as failed after writeTimeoutMs: the records are spooled", async () => {
    const { userId, keyId } = await account();
    const spoolDir = await tempDir();
    const { pool, state } = switchedPool();
    state.hang = true;
    const recorder = new Recorder(pool, { spoolDir, writeTimeoutMs: 100, retryMs: 60_000 });
    recorder.record(testRecord(userId, keyId));
    await recorder.flush();
    expect(recorder.pending).toBe(0);
    expect(await spooledRecords(spoolDir)).toBe(1);
    state.hang = false;
    await recorder.close();
    expect((await callsOf(database.pool, userId)).length).toBe(1);
  });

  it("a record the database refuses is dropped alone and named, even when its error code looks transient", async () => {
    const { userId, keyId } = await account();
    const errors: string[] = [];
    const recorder = new Recorder(database.pool, {
      spoolDir: await tempDir(),
      onError: (m) => errors.push(m),
    });
    // 22008 (datetime field overflow) contains "08", the connection class: still a data error.
    const bad = testRecord(userId, keyId, { createdAt: "2026-02-30T10:00:00Z" });
    recorder.record(testRecord(userId, keyId));
    recorder.record(bad);
    recorder.record(testRecord(userId, keyId));
    await recorder.close();
    expect((await callsOf(database.pool, userId)).length).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^recorder: dropped call ${bad.requestId} the database refused: .+`),
    );
  });

  it("keeps the records in memory and says why when the spool cannot be written", async () => {
    const { userId, keyId } = await account();
    const blocked = path.join(await tempDir(), "a-file");
    await fs.writeFile(blocked, "not a folder");
    const errors: string[] = [];
    const { pool, state } = switchedPool();
    state.down = true;
    const recorder = new Recorder(pool, {
      spoolDir: path.join(blocked, "spool"),
      retryMs: 60_000,
      onError: (m) => errors.push(m),
    });
    const kept: CallRecord = testRecord(userId, keyId);
    recorder.record(kept);
    await recorder.flush();
    expect(recorder.pending).toBe(1);
    expect(recorder.spooled).toBe(0);
    expect(errors[0]).toMatch(/^recorder: could not write the spool: .+/);
    state.down = false;
    await recorder.flush(); // the database is back: the outage ends
    await recorder.close(); // and the records kept in memory are written
    expect((await callsOf(database.pool, userId)).map((c) => c.request_id)).toEqual([kept.requestId]);
  });

  it("after a failed write waits retryMs before the next try, and spools nothing while the database is up", async () => {
    const { userId, keyId } = await account();
    const { pool, state } = switchedPool();
    const up = new Recorder(pool, { spoolDir: await tempDir(), flushMs: 5 });
    up.start();
    for (let i = 0; i < 20; i++) {
      up.record(testRecord(userId, keyId));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await up.close();
    expect(up.spooled).toBe(0);
    expect(up.committed).toBe(20);

    state.attempts = 0;
    state.down = true;
    const down = new Recorder(pool, { spoolDir: await tempDir(), flushMs: 5, retryMs: 60_000 });
    down.start();
    try {
      down.record(testRecord(userId, keyId));
      await eventually(() => state.attempts >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(state.attempts).toBe(1);
    } finally {
      state.down = false;
      await down.close();
    }
  });

  it("writes what the spool could not take when the database returns, at close too", async () => {
    const { userId, keyId } = await account();
    const { pool, state } = switchedPool();
    const blocked = path.join(await tempDir(), "a-file");
    await fs.writeFile(blocked, ""); // the spool folder would be inside a file: every append fails
    const errors: string[] = [];
    const recorder = new Recorder(pool, {
      spoolDir: path.join(blocked, "spool"),
      retryMs: 60_000,
      onError: (message) => errors.push(message),
    });
    state.down = true;
    for (let i = 0; i < 3; i++) recorder.record(testRecord(userId, keyId));
    await recorder.flush();
    expect(recorder.pending).toBe(3);
    expect(errors.some((m) => m.includes("could not write the spool"))).toBe(true);
    state.down = false;
    await recorder.close(); // the outage ends inside close(): nothing may stay behind in memory
    expect(recorder.pending).toBe(0);
    expect((await callsOf(database.pool, userId)).length).toBe(3);
  });

  it("works without hooks or onError: each is optional", async () => {
    const { userId, keyId } = await account();
    const { pool, state } = switchedPool();
    const spoolDir = await tempDir();
    const recorder = new Recorder(pool, { spoolDir, hooks: {}, retryMs: 0 });
    recorder.record(testRecord(userId, keyId));
    state.down = true;
    await recorder.flush(); // fails: written(…, false) is not given either
    state.down = false;
    recorder.record(testRecord(userId, keyId, { createdAt: "2026-02-30T10:00:00Z" })); // refused, no onError
    await recorder.flush();
    await recorder.close();
    expect((await callsOf(database.pool, userId)).length).toBe(1);
    expect(await listSpool(spoolDir)).toEqual([]); // replayed and removed: the write counted as done
    const blocked = path.join(await tempDir(), "a-file");
    await fs.writeFile(blocked, "");
    const unwritable = new Recorder(pool, { spoolDir: path.join(blocked, "spool"), retryMs: 60_000 });
    state.down = true;
    unwritable.record(testRecord(userId, keyId));
    await expect(unwritable.flush()).resolves.toBeUndefined();
    expect(unwritable.pending).toBe(1);
    state.down = false;
  });
});
