import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { CLI_OPERATOR, NotAdminError, type SessionUser } from "../actor.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { openDatabase, installDatabase, type Database } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { testDatabase } from "../db/test-database.ts";
import { PlanNotFoundError } from "./plans.ts";
import {
  AdminGuardError,
  changeAccount,
  createUser,
  EmailTakenError,
  findSessionUser,
  endAllSessions,
  endSessionsFrom,
  findUserForSignIn,
  getUserWithUsage,
  insertUser,
  listUsersWithUsage,
  setUserPlan,
  UserNotFoundError,
} from "./users.ts";

const database = testDatabase();

/** The account as a session issued under its current session version sees it. */
async function sessionUser(id: string) {
  const { rows } = await database.pool.query<{ v: number }>(
    "SELECT session_version AS v FROM users WHERE id = $1",
    [id],
  );
  return findSessionUser(id, rows[0]?.v ?? 0);
}
const email = (label: string) => `${label}-${randomUUID()}@example.com`;

/** A fresh, migrated database on the same server, for "who is first" questions. */
type FreshDatabase = Database & { url: string };
async function emptyDatabase(): Promise<FreshDatabase> {
  const name = `first_user_${randomUUID().replaceAll("-", "")}`;
  await database.pool.query(`CREATE DATABASE ${name}`);
  const url = database.url.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  await migrate(url);
  return { ...openDatabase(url, 20), url };
}

/** A connection of its own (not from the pool under test) to hold a lock while others race. */
async function blockingConnection(target: FreshDatabase): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  return client;
}

/** Waits until `count` other sessions of the blocker's database wait for a lock. */
async function waitersOn(blocker: pg.Client, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    // Inside a transaction the activity view is read once and kept: clear it to see now.
    await blocker.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await blocker.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${count} sessions ever waited`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
  let fresh: FreshDatabase;
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
    // A race that really happens: every insert must have decided "am I first?" before any
    // of them commits. A second connection holds the free plan's row FOR UPDATE, so each
    // insert stops at its foreign-key check on plans (after its snapshot saw no users) until
    // all twenty are waiting; then the plan is let go. Without a lock serialising the
    // inserts, all twenty become admins; with it, one waits inside while nineteen wait
    // outside, and each later one sees the first. All twenty connections are open first.
    const passwordHash = await hashPassword("secret-1234");
    const warm = await Promise.all(Array.from({ length: 20 }, () => fresh.pool.connect()));
    for (const client of warm) client.release();
    expect(fresh.pool.totalCount).toBe(20);
    const blocker = await blockingConnection(fresh);
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM plans WHERE slug = 'free' FOR UPDATE");
      const racing = Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          insertUser({
            email: email(`race${i}`),
            name: null,
            planSlug: "free",
            isAdmin: false,
            passwordHash,
          }),
        ),
      );
      await waitersOn(blocker, 20);
      await blocker.query("ROLLBACK");
      const users = await racing;
      expect(users.filter((u) => u.isAdmin)).toHaveLength(1);
    } finally {
      await blocker.end();
    }
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
    const rows = [
      ...(await listUsersWithUsage(admin, { q: member.email })).users,
      ...(await listUsersWithUsage(admin, { q: admin.email })).users,
    ];
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

describe("the admin users list", () => {
  let admin: SessionUser;
  const tag = randomUUID().slice(0, 8);
  beforeAll(async () => {
    admin = await createUser({ email: email("lister"), password: "secret-1234", isAdmin: true });
    for (const i of [1, 2, 3]) {
      await createUser({ email: email(`paged${i}`), password: "secret-1234", name: `Pat ${tag} ${i}` });
    }
  });

  it("searches email and name in any case, and pages newest first", async () => {
    const first = await listUsersWithUsage(admin, { q: ` PAT ${tag.toUpperCase()} ` }, 2);
    expect(first).toMatchObject({ total: 3, page: 1, pages: 2 });
    expect(first.users.map((u) => u.name)).toEqual([`Pat ${tag} 3`, `Pat ${tag} 2`]);
    const second = await listUsersWithUsage(admin, { q: `pat ${tag}`, page: "2" }, 2);
    expect(second.users.map((u) => u.name)).toEqual([`Pat ${tag} 1`]);
    const past = await listUsersWithUsage(admin, { q: `pat ${tag}`, page: 9 }, 2);
    expect(past).toMatchObject({ users: [], total: 3, pages: 2 });
    expect((await listUsersWithUsage(admin, { q: admin.email.toUpperCase() })).users).toHaveLength(1);
  });

  it("matches % and _ literally and ignores a bad page number", async () => {
    expect((await listUsersWithUsage(admin, { q: `${tag}%` })).total).toBe(0);
    expect((await listUsersWithUsage(admin, { q: "_".repeat(40) })).total).toBe(0);
    expect((await listUsersWithUsage(admin, { q: `pat ${tag}`, page: "x" })).page).toBe(1);
  });

  it("shows one user with usage, and refuses an unknown id", async () => {
    expect(await getUserWithUsage(admin, admin.id)).toMatchObject({ email: admin.email, suspendedAt: null });
    await expect(getUserWithUsage(admin, randomUUID())).rejects.toThrow(UserNotFoundError);
    await expect(getUserWithUsage(admin, "nope")).rejects.toThrow(UserNotFoundError);
  });
});

describe("changing accounts", () => {
  let admin: SessionUser;
  let member: SessionUser;
  beforeAll(async () => {
    admin = await createUser({ email: email("boss"), password: "secret-1234", isAdmin: true });
    member = await createUser({ email: email("staff"), password: "secret-1234" });
  });

  it("promotes and demotes, and only for admins", async () => {
    await expect(changeAccount(member, { id: admin.id }, "demote")).rejects.toThrow(NotAdminError);
    await changeAccount(admin, { id: member.id }, "promote");
    expect((await sessionUser(member.id))?.isAdmin).toBe(true);
    await changeAccount(admin, { email: member.email }, "demote");
    expect((await sessionUser(member.id))?.isAdmin).toBe(false);
  });

  it("suspends: no sign-in, no session, sessions ended; unsuspends", async () => {
    const before = await database.pool.query<{ v: number }>(
      "SELECT session_version AS v FROM users WHERE id = $1",
      [member.id],
    );
    await changeAccount(admin, { id: member.id }, "suspend");
    expect(await sessionUser(member.id)).toBeNull();
    expect(await findUserForSignIn(member.email)).toBeNull();
    expect((await getUserWithUsage(admin, member.id)).suspendedAt).toBeInstanceOf(Date);
    const after = await database.pool.query<{ v: number }>(
      "SELECT session_version AS v FROM users WHERE id = $1",
      [member.id],
    );
    expect(after.rows[0]?.v).toBe((before.rows[0]?.v ?? 0) + 1);
    await changeAccount(admin, { id: member.id }, "unsuspend");
    expect(await sessionUser(member.id)).not.toBeNull();
    expect((await getUserWithUsage(admin, member.id)).suspendedAt).toBeNull();
  });

  it("refuses to demote, suspend or delete yourself", async () => {
    for (const change of ["demote", "suspend", "delete"] as const) {
      await expect(changeAccount(admin, { id: admin.id }, change)).rejects.toThrow(AdminGuardError);
    }
    expect((await sessionUser(admin.id))?.isAdmin).toBe(true);
  });

  it("deletes an account with its keys and calls", async () => {
    const doomed = await createUser({ email: email("doomed"), password: "secret-1234" });
    await database.pool.query(
      `INSERT INTO api_keys (user_id, name, hash, prefix, last4) VALUES ($1, 'k', $2, 'tg_abcd', 'wxyz')`,
      [doomed.id, randomUUID()],
    );
    await changeAccount(admin, { id: doomed.id }, "delete");
    expect(await sessionUser(doomed.id)).toBeNull();
    const { rows } = await database.pool.query("SELECT 1 FROM api_keys WHERE user_id = $1", [doomed.id]);
    expect(rows).toHaveLength(0);
    await expect(changeAccount(admin, { id: doomed.id }, "delete")).rejects.toThrow(UserNotFoundError);
  });
});

describe("the last admin", () => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await emptyDatabase();
    installDatabase(fresh);
  });
  afterAll(async () => {
    installDatabase(database);
    await fresh.prisma.$disconnect();
    await fresh.pool.end();
  });

  it("cannot be demoted, suspended or deleted, even by the CLI, nor by two admins at once", async () => {
    const first = await createUser({ email: email("only"), password: "secret-1234" });
    expect(first.isAdmin).toBe(true);
    for (const change of ["demote", "suspend", "delete"] as const) {
      await expect(changeAccount(CLI_OPERATOR, { id: first.id }, change)).rejects.toThrow(/last admin/);
    }
    // Two admins demoting each other at the same moment: exactly one succeeds. Forced to
    // overlap: a second connection holds users in SHARE mode, which lets each change read
    // and lock its target and check for another admin but stops its UPDATE, until both are
    // waiting. Without serialisation both checks pass (each sees the other still admin) and
    // no admin is left.
    const second = await createUser({ email: email("second"), password: "secret-1234", isAdmin: true });
    const blocker = await blockingConnection(fresh);
    let results: PromiseSettledResult<unknown>[];
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE users IN SHARE MODE");
      const racing = Promise.allSettled([
        changeAccount(first, { id: second.id }, "demote"),
        changeAccount(second, { id: first.id }, "demote"),
      ]);
      await waitersOn(blocker, 2);
      await blocker.query("ROLLBACK");
      results = await racing;
    } finally {
      await blocker.end();
    }
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.reason).toBeInstanceOf(AdminGuardError);
    const { rows } = await fresh.pool.query("SELECT 1 FROM users WHERE is_admin");
    expect(rows).toHaveLength(1);
  });

  it("counts a suspended admin as no admin", async () => {
    const { rows } = await fresh.pool.query<{ id: string }>(
      "SELECT id::text AS id FROM users WHERE is_admin",
    );
    const remaining = rows[0]?.id ?? "";
    const other = await createUser({ email: email("third"), password: "secret-1234", isAdmin: true });
    await changeAccount(CLI_OPERATOR, { id: other.id }, "suspend");
    await expect(changeAccount(CLI_OPERATOR, { id: remaining }, "demote")).rejects.toThrow(AdminGuardError);
  });
});
