import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKey } from "../data/keys.ts";
import { createTestUser } from "../data/keys-test-support.ts";
import { testDatabase } from "../db/test-database.ts";
import { CliError, type Flags } from "./command.ts";
import { loadCommands } from "./index.ts";

const database = testDatabase();
const commands = await loadCommands();

async function run<T>(name: string, flags: Flags): Promise<T> {
  const command = commands[name];
  if (!command) throw new Error(`${name} is not registered`);
  return (await command.run(flags)) as T;
}

type Seeded = {
  email: string;
  password: string | null;
  userId: string;
  keys: { id: string }[];
  calls: number;
};

describe("usage, logs and demo seed CLI", () => {
  it("seeds a demo account whose usage and logs agree with its calls", async () => {
    const email = `demo-${randomUUID()}@example.com`;
    const seeded = await run<Seeded>("demo seed", { email, password: "demo-password" });
    expect(seeded).toMatchObject({ email, password: "demo-password" });
    expect(seeded.keys).toHaveLength(3);
    expect(seeded.calls).toBeGreaterThan(1_000);

    const { rows } = await database.pool.query<{
      calls: string;
      rollup: string;
      billable: string;
      rolled: string;
    }>(
      `SELECT (SELECT count(*) FROM calls WHERE user_id = $1)::text AS calls,
              (SELECT sum(calls) FROM usage_daily WHERE user_id = $1)::text AS rollup,
              (SELECT count(*) FROM calls WHERE user_id = $1 AND billable
                 AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::text AS billable,
              (SELECT sum(billable) FROM usage_daily WHERE user_id = $1
                 AND day >= date_trunc('month', now() AT TIME ZONE 'UTC')::date)::text AS rolled`,
      [seeded.userId],
    );
    expect(rows[0]?.rollup).toBe(rows[0]?.calls);
    expect(Number(rows[0]?.calls)).toBe(seeded.calls);

    const usage = await run<{
      used: number;
      limit: number;
      remaining: number;
      resetsAt: string;
      plan: string;
    }>("usage", {
      email,
    });
    expect(usage).toMatchObject({ used: Number(rows[0]?.billable ?? 0), limit: 20_000, plan: "basic" });
    expect(usage.used).toBe(Number(rows[0]?.rolled ?? 0));
    expect(usage.remaining).toBe(20_000 - usage.used);
    expect(usage.resetsAt).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);

    const failed = await run<{ status: number; createdAt: string; requestId: string; keyId: string }[]>(
      "logs",
      {
        email,
        status: "5xx",
        limit: "7",
      },
    );
    expect(failed).toHaveLength(7);
    expect(failed.every((c) => c.status >= 500)).toBe(true);
    expect(failed.map((c) => c.createdAt)).toEqual([...failed.map((c) => c.createdAt)].sort().reverse());
    const price = await run<{ path: string }[]>("logs", { email, endpoint: "/v2/price", limit: "3" });
    // The example: every failure of one error code, newest first.
    const limited = await run<{ status: number; errorCode: string }[]>("logs", {
      email,
      status: "failed",
      error: "rate_limited",
      limit: "1000",
    });
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((c) => c.status === 429 && c.errorCode === "rate_limited")).toBe(true);
    expect(price.map((c) => c.path)).toEqual(["/v2/price", "/v2/price", "/v2/price"]);

    // Seeding again reuses the account and does not double its traffic.
    const again = await run<Seeded>("demo seed", { email });
    expect(again).toMatchObject({ userId: seeded.userId, password: null, calls: seeded.calls });
  });

  it("adds traffic to an existing account with its own keys", async () => {
    const user = await createTestUser(database, "seed-existing");
    const key = await createKey(user, { name: "Mine" });
    const seeded = await run<Seeded>("demo seed", { email: user.email, days: "3" });
    expect(seeded.keys.map((k) => k.id)).toEqual([key.id]);
    expect(seeded.calls).toBeGreaterThan(0);
  });

  it("rejects bad flags with one clear line", async () => {
    const user = await createTestUser(database, "logs-bad");
    await expect(run("logs", { email: user.email, status: "abc" })).rejects.toThrow(
      new CliError(
        "--status: Status must be failed, success, 2xx, 4xx, 5xx, a code such as 404, or a list like 429,503",
      ),
    );
    await expect(run("logs", { email: user.email, error: "teapot" })).rejects.toThrow(
      /^--error: Error code must be one of /,
    );
    await expect(run("logs", { email: user.email, limit: "0" })).rejects.toThrow(/--limit/);
    await expect(run("usage", { email: "nobody@example.com" })).rejects.toThrow(/No user with email/);
    expect(await run("logs", { email: user.email })).toEqual([]);
  });
});
