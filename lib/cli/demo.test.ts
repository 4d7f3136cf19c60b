import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestUser } from "../data/keys-test-support.ts";
import { testDatabase } from "../db/test-database.ts";
import { CliError, type Flags } from "./command.ts";
import { loadCommands } from "./index.ts";

const database = testDatabase();
const commands = await loadCommands();

type Seeded = { userId: string; calls: number };

async function seed(flags: Flags): Promise<Seeded> {
  return (await commands["demo seed"]!.run(flags)) as Seeded;
}

async function callIds(userId: string): Promise<string[]> {
  const { rows } = await database.pool.query<{ id: string }>(
    "SELECT id::text AS id FROM calls WHERE user_id = $1 ORDER BY id",
    [userId],
  );
  return rows.map((r) => r.id);
}

describe("demo seed --reset", () => {
  it("refuses to wipe an account demo seed did not create, unless --force-real-account", async () => {
    const real = await createTestUser(database, "real-account");
    await seed({ email: real.email, days: "2" });
    const before = await callIds(real.id);
    expect(before.length).toBeGreaterThan(0);

    await expect(seed({ email: real.email, reset: "true" })).rejects.toThrow(CliError);
    await expect(seed({ email: real.email, reset: "true" })).rejects.toThrow(
      /was not created by demo seed: --reset would delete its real call history.*--force-real-account/,
    );
    await expect(seed({ email: real.email, password: "replaced password 1" })).rejects.toThrow(
      /--password would replace its password/,
    );
    expect(await callIds(real.id)).toEqual(before);

    await seed({ email: real.email, reset: "true", "force-real-account": "true", days: "2" });
    const after = await callIds(real.id);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((id) => before.includes(id))).toBe(false);
  });

  it("resets an account it created itself", async () => {
    const email = `demo-reset-${randomUUID()}@example.com`;
    const first = await seed({ email, days: "2" });
    const before = await callIds(first.userId);
    await seed({ email, reset: "true", days: "2" });
    const after = await callIds(first.userId);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((id) => before.includes(id))).toBe(false);
  });
});

describe("demo seed", () => {
  it("creates the demo keys and account before their first call", async () => {
    const email = `demo-dates-${randomUUID()}@example.com`;
    const { userId } = await seed({ email, days: "5" });
    const { rows } = await database.pool.query<{ name: string; key_created: Date; first_call: Date | null }>(
      `SELECT k.name, k.created_at AS key_created, min(c.created_at) AS first_call
       FROM api_keys k LEFT JOIN calls c ON c.key_id = k.id
       WHERE k.user_id = $1 GROUP BY k.id`,
      [userId],
    );
    const used = rows.filter((row) => row.first_call !== null);
    expect(used.length).toBeGreaterThan(0);
    for (const row of used)
      expect(row.key_created.getTime(), row.name).toBeLessThan(row.first_call!.getTime());
    const account = await database.pool.query<{ created: Date }>(
      "SELECT created_at AS created FROM users WHERE id = $1",
      [userId],
    );
    expect(account.rows[0]!.created.getTime()).toBeLessThanOrEqual(
      Math.min(...rows.map((r) => r.key_created.getTime())),
    );
  });
});
