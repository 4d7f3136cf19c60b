import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../actor.ts";
import { testDatabase } from "../db/test-database.ts";
import { hashKey, isWellFormedKey } from "../keys/key.ts";
import { createKey, deleteKey, KeyNotFoundError, listKeys, rollKey, setKeyStatus } from "./keys.ts";
import { createTestUser, rawKeyRow } from "./keys-test-support.ts";

const database = testDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function expectNear(actual: Date | null, expected: number, toleranceMs = 60_000) {
  expect(actual).toBeInstanceOf(Date);
  expect(Math.abs((actual?.getTime() ?? 0) - expected)).toBeLessThan(toleranceMs);
}

/** Pretends a key was last changed an hour ago, so a change now must move updated_at forward. */
async function ageKey(id: string) {
  await database.pool.query("UPDATE api_keys SET updated_at = now() - interval '1 hour' WHERE id = $1", [id]);
}

async function updatedAt(id: string): Promise<number> {
  return ((await rawKeyRow(database, id)).updated_at as Date).getTime();
}

describe("createKey and listKeys", () => {
  let alice: SessionUser;
  beforeAll(async () => {
    alice = await createTestUser(database, "alice");
  });

  it("returns the plaintext once and stores only its hash, prefix and last 4", async () => {
    const created = await createKey(alice, { name: "  Production  " });
    expect(isWellFormedKey(created.key)).toBe(true);
    expect(created).toMatchObject({
      name: "Production",
      prefix: created.key.slice(0, 7),
      last4: created.key.slice(-4),
      status: "active",
      lastUsedAt: null,
      expiresAt: null,
    });
    const row = await rawKeyRow(database, created.id);
    expect(row.hash).toBe(hashKey(created.key));
    expect(row.user_id).toBe(alice.id);
    expect(Object.values(row)).not.toContain(created.key);
  });

  it("lists the owner's keys newest first, without hash or plaintext", async () => {
    const bob = await createTestUser(database, "bob");
    const first = await createKey(bob, { name: "first" });
    const second = await createKey(bob, { name: "second" });
    const keys = await listKeys(bob);
    expect(keys.map((k) => k.id)).toEqual([second.id, first.id]);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(
        ["createdAt", "expiresAt", "id", "last4", "lastUsedAt", "name", "prefix", "status"].sort(),
      );
    }
    expect(JSON.stringify(keys)).not.toContain(first.key);
    expect(JSON.stringify(keys)).not.toContain(second.key);
  });

  it("validates the name: trimmed, 1 to 64 characters", async () => {
    await expect(createKey(alice, { name: "   " })).rejects.toThrow("Enter a name");
    await expect(createKey(alice, { name: "x".repeat(65) })).rejects.toThrow("at most 64");
    const longest = await createKey(alice, { name: "x".repeat(64) });
    expect(longest.name).toHaveLength(64);
  });

  it("sets an optional expiry from a fixed menu", async () => {
    const week = await createKey(alice, { name: "week", expiresIn: "7d" });
    expectNear(week.expiresAt, Date.now() + 7 * DAY);
    const quarter = await createKey(alice, { name: "quarter", expiresIn: "90d" });
    expectNear(quarter.expiresAt, Date.now() + 90 * DAY);
    // @ts-expect-error: only the menu's choices type-check, and the schema refuses the rest at runtime
    await expect(createKey(alice, { name: "forever", expiresIn: "3650d" })).rejects.toThrow();
  });
});

describe("setKeyStatus", () => {
  it("disables and re-enables a key and moves updated_at for the gateway's cache", async () => {
    const carol = await createTestUser(database, "carol");
    const { id } = await createKey(carol, { name: "toggle" });
    await ageKey(id);
    const before = await updatedAt(id);
    expect((await setKeyStatus(carol, id, "inactive")).status).toBe("inactive");
    expect(await updatedAt(id)).toBeGreaterThan(before);
    expect((await listKeys(carol))[0]?.status).toBe("inactive");
    expect((await setKeyStatus(carol, id, "active")).status).toBe("active");
  });
});

describe("rollKey", () => {
  it("creates a new key with the same name and lets the old one expire at the chosen time", async () => {
    const dave = await createTestUser(database, "dave");
    const old = await createKey(dave, { name: "rolling" });
    await ageKey(old.id);
    const before = await updatedAt(old.id);
    const { newKey, oldKey } = await rollKey(dave, old.id, "1h");
    expect(isWellFormedKey(newKey.key)).toBe(true);
    expect(newKey.key).not.toBe(old.key);
    expect(newKey).toMatchObject({ name: "rolling", status: "active", expiresAt: null });
    expect(oldKey.id).toBe(old.id);
    expectNear(oldKey.expiresAt, Date.now() + HOUR);
    expect(await updatedAt(old.id)).toBeGreaterThan(before);
    expect((await rawKeyRow(database, newKey.id)).hash).toBe(hashKey(newKey.key));
    expect((await listKeys(dave)).map((k) => k.id)).toEqual([newKey.id, old.id]);
  });

  it("expires the old key immediately with 'now' and never extends an earlier expiry", async () => {
    const erin = await createTestUser(database, "erin");
    const soon = await createKey(erin, { name: "soon" });
    const rolledNow = await rollKey(erin, soon.id, "now");
    expect(rolledNow.oldKey.expiresAt?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const weekly = await createKey(erin, { name: "weekly", expiresIn: "7d" });
    await rollKey(erin, weekly.id, "1h");
    const rolledAgain = await rollKey(erin, weekly.id, "7d");
    expectNear(rolledAgain.oldKey.expiresAt, Date.now() + HOUR);
  });

  it("rejects an expiry outside the menu", async () => {
    const frank = await createTestUser(database, "frank");
    const key = await createKey(frank, { name: "menu" });
    // @ts-expect-error: "1y" is not a choice
    await expect(rollKey(frank, key.id, "1y")).rejects.toThrow();
    expect(await listKeys(frank)).toHaveLength(1);
  });
});

describe("deleteKey", () => {
  it("soft-deletes: the key leaves the list, the row and its recorded calls stay", async () => {
    const gina = await createTestUser(database, "gina");
    const key = await createKey(gina, { name: "doomed" });
    await database.pool.query(
      `INSERT INTO calls (request_id, user_id, key_id, method, path, status, latency_ms, ip, billable, created_at)
       VALUES ($1, $2, $3, 'GET', '/v1/things', 200, 12, '127.0.0.1', true, now())`,
      [randomUUID(), gina.id, key.id],
    );
    await ageKey(key.id);
    const before = await updatedAt(key.id);
    await deleteKey(gina, key.id);
    expect(await listKeys(gina)).toEqual([]);
    const row = await rawKeyRow(database, key.id);
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect((row.updated_at as Date).getTime()).toBeGreaterThan(before);
    const calls = await database.pool.query("SELECT 1 FROM calls WHERE key_id = $1", [key.id]);
    expect(calls.rowCount).toBe(1);
  });

  it("treats a deleted key as not found for every later change", async () => {
    const hank = await createTestUser(database, "hank");
    const key = await createKey(hank, { name: "gone" });
    await deleteKey(hank, key.id);
    await expect(deleteKey(hank, key.id)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(setKeyStatus(hank, key.id, "active")).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(rollKey(hank, key.id, "now")).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await listKeys(hank)).toEqual([]);
  });
});

describe("isolation: user B can never see or change user A's keys", () => {
  let a: SessionUser;
  let b: SessionUser;
  let aKeyId: string;
  let aKey: string;
  let snapshot: Record<string, unknown>;

  async function keyCount(user: SessionUser): Promise<number> {
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1",
      [user.id],
    );
    return rows[0]?.n ?? -1;
  }

  async function expectUnchanged() {
    expect(await rawKeyRow(database, aKeyId)).toEqual(snapshot);
    expect(await keyCount(a)).toBe(1);
    expect(await keyCount(b)).toBe(0);
  }

  beforeAll(async () => {
    a = await createTestUser(database, "owner");
    b = await createTestUser(database, "intruder");
    const created = await createKey(a, { name: "A's key" });
    aKeyId = created.id;
    aKey = created.key;
    snapshot = await rawKeyRow(database, aKeyId);
  });

  it("B's list does not contain A's key", async () => {
    expect(await listKeys(b)).toEqual([]);
    expect((await listKeys(a)).map((k) => k.id)).toEqual([aKeyId]);
  });

  it("B toggling A's key: not found, nothing changes", async () => {
    await expect(setKeyStatus(b, aKeyId, "inactive")).rejects.toBeInstanceOf(KeyNotFoundError);
    await expectUnchanged();
  });

  it("B rolling A's key: not found, no key is created for anyone, A's key unchanged", async () => {
    await expect(rollKey(b, aKeyId, "now")).rejects.toBeInstanceOf(KeyNotFoundError);
    await expectUnchanged();
  });

  it("B deleting A's key: not found, nothing changes", async () => {
    await expect(deleteKey(b, aKeyId)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expectUnchanged();
  });

  it("unknown and malformed ids are not found either, with a message that echoes nothing", async () => {
    for (const id of [randomUUID(), "not-a-uuid", "", aKey, `${aKeyId}' OR '1'='1`]) {
      const attempt = setKeyStatus(a, id, "inactive");
      await expect(attempt).rejects.toBeInstanceOf(KeyNotFoundError);
      await expect(attempt).rejects.toThrow(/^API key not found$/);
    }
    await expectUnchanged();
  });
});
