import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { generateKey } from "../keys/key.ts";
import { KeyCache } from "./auth-cache.ts";
import { createAccount, createKey } from "./test-helpers.ts";

const database = testDatabase();

/** The test database's pool, counting the queries the cache sends through it. */
function countingPool(): { pool: pg.Pool; queries: () => number } {
  let count = 0;
  const pool = new Proxy(database.pool, {
    get(target, name, receiver) {
      if (name !== "query") return Reflect.get(target, name, receiver) as unknown;
      return (...args: Parameters<pg.Pool["query"]>) => {
        count += 1;
        return target.query(...args);
      };
    },
  });
  return { pool, queries: () => count };
}

const caches: KeyCache[] = [];
afterAll(() => Promise.all(caches.map((c) => c.stop())));

describe("unknown keys (valid checksum, no such key)", () => {
  it("cost one database query per TTL, not one per call", async () => {
    const { pool, queries } = countingPool();
    const cache = new KeyCache(pool, { negativeTtlMs: 300 });
    const forged = generateKey().hash;
    expect(await cache.lookup(forged)).toEqual({ kind: "unknown" });
    for (let i = 0; i < 50; i++) expect(cache.lookup(forged)).toEqual({ kind: "unknown" });
    expect(queries()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await cache.lookup(forged)).toEqual({ kind: "unknown" });
    expect(queries()).toBe(2);
  });

  it("are remembered up to a bound, the least recently seen dropping out", async () => {
    const { pool, queries } = countingPool();
    const cache = new KeyCache(pool, { negativeMax: 3 });
    const forged = Array.from({ length: 4 }, () => generateKey().hash);
    for (const hash of forged) await cache.lookup(hash);
    expect(queries()).toBe(4);
    expect(cache.peek(forged[0]!)).toBeUndefined();
    for (const hash of forged.slice(1)) expect(cache.peek(hash)).toEqual({ kind: "unknown" });
  });

  it("do not hide a key created right after a miss for longer than the 1 s key changes take", async () => {
    const cache = new KeyCache(database.pool); // the gateway's defaults
    caches.push(cache);
    cache.start();
    const userId = await createAccount(database.pool);
    const key = generateKey();
    expect(await cache.lookup(key.hash)).toEqual({ kind: "unknown" });
    await createKey(database.pool, userId, { generated: key });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const found = await cache.lookup(key.hash);
    expect(found.kind).toBe("found");
  });
});
