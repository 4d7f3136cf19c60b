import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { NotAdminError } from "../auth/admin.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import type { SessionUser } from "../auth/session.ts";
import { openDatabase, installDatabase, type Database } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { testDatabase } from "../db/test-database.ts";
import { PlanNotFoundError } from "./plans.ts";
import {
  createUser,
  EmailTakenError,
  findSessionUser,
  endAllSessions,
  endSessionsFrom,
  findUserForSignIn,
  insertUser,
  listUsersWithUsage,
  setUserPlan,
  UserNotFoundError,
} from "./users.ts";

const database = testDatabase();
const email = (label: string) => `${label}-${randomUUID()}@example.com`;

/** A fresh, migrated database on the same server, for "who is first" questions. */
async function emptyDatabase(): Promise<Database> {
  const name = `first_user_${randomUUID().replaceAll("-", "")}`;
  await database.pool.query(`CREATE DATABASE ${name}`);
  const url = database.url.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  await migrate(url);
  return openDatabase(url, 20);
}

describe("createUser", () => {
  it("stores the email trimmed and lowercased, an Argon2id hash, and the free plan", async () => {
    const address = email("Mixed");
    const user = await createUser({
      email: `  ${address.toUpperCase()} `,
      password: "secret-1234",
      name: " Ann ",
    });
    expect(user).toMatchObject({ email: address.toLowerCase(), name: "Ann", planSlug: "free" });
    const stored = await findUserForSignIn(address);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored!.passwordHash, "secret-1234")).toBe(true);
    expect(user).not.toHaveProperty("passwordHash");
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const address = email("dup");
    await createUser({ email: address, password: "secret-1234" });
    await expect(createUser({ email: address.toUpperCase(), password: "other-secret" })).rejects.toThrow(
      EmailTakenError,
    );
  });

  it("refuses a bad email and a short password", async () => {
    await expect(createUser({ email: "not-an-email", password: "secret-1234" })).rejects.toThrow(ZodError);
    await expect(createUser({ email: email("short"), password: "1234567" })).rejects.toThrow(ZodError);
  });

  it("refuses an unknown plan", async () => {
    await expect(
      createUser({ email: email("plan"), password: "secret-1234", planSlug: "gold" }),
    ).rejects.toThrow(PlanNotFoundError);
  });
});

describe("the first account", () => {
  let fresh: Database;
  beforeAll(async () => {
    fresh = await emptyDatabase();
    installDatabase(fresh);
  });
  afterAll(async () => {
    installDatabase(database);
    await fresh.prisma.$disconnect();
    await fresh.pool.end();
  });

  it("becomes the only admin even when twenty sign-ups race", async () => {
    // Hash once up front, and open all twenty connections before the race (a new
    // connection takes milliseconds, which would stagger the inserts and hide a missing
    // lock), so all inserts reach the database at the same instant.
    const passwordHash = await hashPassword("secret-1234");
    const warm = await Promise.all(Array.from({ length: 20 }, () => fresh.pool.connect()));
    for (const client of warm) client.release();
    expect(fresh.pool.totalCount).toBe(20);
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        insertUser({ email: email(`race${i}`), name: null, planSlug: "free", isAdmin: false, passwordHash }),
      ),
    );
    expect(users.filter((u) => u.isAdmin)).toHaveLength(1);
    const { rows } = await fresh.pool.query<{ email: string }>("SELECT email FROM users WHERE is_admin");
    expect(rows).toHaveLength(1);
  });

  it("is decided by createUser too (the sign-up path)", async () => {
    const { rows } = await fresh.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    expect(rows[0]?.n).toBe(20);
    expect((await createUser({ email: email("after"), password: "secret-1234" })).isAdmin).toBe(false);
  });

  it("later accounts are not admins unless asked for", async () => {
    expect((await createUser({ email: email("later"), password: "secret-1234" })).isAdmin).toBe(false);
    expect((await createUser({ email: email("op"), password: "secret-1234", isAdmin: true })).isAdmin).toBe(
      true,
    );
  });
});

describe("admin functions", () => {
  let admin: SessionUser;
  let member: SessionUser;
  beforeAll(async () => {
    admin = await createUser({ email: email("admin"), password: "secret-1234", isAdmin: true });
    member = await createUser({ email: email("member"), password: "secret-1234" });
  });

  it("refuse a non-admin in the data layer", async () => {
    await expect(listUsersWithUsage(member)).rejects.toThrow(NotAdminError);
    await expect(setUserPlan(member, { id: member.id }, "vip")).rejects.toThrow(NotAdminError);
    // A forged actor claiming admin is the caller's bug; the stored flag is what requireUser reads.
    expect((await findSessionUser(member.id, 0))?.isAdmin).toBe(false);
  });

  it("move a user to another plan by id or email and bump updated_at", async () => {
    await database.pool.query("UPDATE users SET updated_at = now() - interval '1 hour' WHERE id = $1", [
      member.id,
    ]);
    const moved = await setUserPlan(admin, { id: member.id }, "basic");
    expect(moved.planSlug).toBe("basic");
    const { rows } = await database.pool.query<{ age: number }>(
      "SELECT extract(epoch FROM now() - updated_at)::float8 AS age FROM users WHERE id = $1",
      [member.id],
    );
    expect(rows[0]?.age).toBeLessThan(60);
    expect((await setUserPlan(admin, { email: member.email.toUpperCase() }, "advanced")).planSlug).toBe(
      "advanced",
    );
  });

  it("say which of user or plan is unknown", async () => {
    await expect(setUserPlan(admin, { id: member.id }, "gold")).rejects.toThrow(PlanNotFoundError);
    await expect(setUserPlan(admin, { email: email("nobody") }, "free")).rejects.toThrow(UserNotFoundError);
    await expect(setUserPlan(admin, { id: "not-a-uuid" }, "free")).rejects.toThrow(UserNotFoundError);
  });

  it("list users with this UTC month's billable calls only", async () => {
    const keyId = randomUUID();
    await database.pool.query(
      `INSERT INTO usage_daily (user_id, key_id, day, path, calls, failures, billable) VALUES
         ($1, $2, (now() AT TIME ZONE 'UTC')::date, '/a', 12, 2, 10),
         ($1, $2, (now() AT TIME ZONE 'UTC')::date, '/b', 5, 0, 5),
         ($1, $2, (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 day')::date, '/a', 99, 0, 99)`,
      [member.id, keyId],
    );
    const rows = await listUsersWithUsage(admin);
    const row = rows.find((r) => r.id === member.id);
    expect(row).toMatchObject({
      email: member.email,
      callsThisMonth: 15,
      monthlyQuota: 100_000,
      isAdmin: false,
    });
    expect(rows.find((r) => r.id === admin.id)).toMatchObject({ callsThisMonth: 0, isAdmin: true });
    for (const r of rows) expect(r).not.toHaveProperty("passwordHash");
  });
});

describe("session versions", () => {
  it("a session opens the account only while its version is current", async () => {
    const user = await createUser({ email: email("sessions"), password: "session password" });
    expect(await findSessionUser(user.id, 0)).toMatchObject({ id: user.id });

    // A replayed old token at sign-out changes nothing; the current one ends every session.
    await endSessionsFrom(user.id, 7);
    expect(await findSessionUser(user.id, 0)).not.toBeNull();
    await endSessionsFrom(user.id, 0);
    expect(await findSessionUser(user.id, 0)).toBeNull();
    expect(await findSessionUser(user.id, 1)).toMatchObject({ id: user.id });

    // The suspension hook: unconditional, and says whether the account exists.
    expect(await endAllSessions(user.id)).toBe(true);
    expect(await findSessionUser(user.id, 1)).toBeNull();
    expect(await endAllSessions(randomUUID())).toBe(false);
    expect(await endAllSessions("not-a-uuid")).toBe(false);
  });
});
