// Accounts (README, "Security": sign-up and sessions). Sign-up and sign-in use the unauthenticated functions here
// (createUser, findUserForSignIn); everything that lists or changes other accounts takes
// the acting user and refuses non-admins here in the data layer, whatever the page did.
import { z } from "zod";
import { displayNameSchema, emailSchema } from "../auth/account.schema.ts";
import { newPasswordSchema } from "../auth/new-password.schema.ts";
import { type SessionUser, requireAdminActor } from "../actor.ts";
import { hashPassword } from "../auth/password.ts";
import { db } from "../db/client.ts";
import { DEFAULT_PLAN, PlanNotFoundError } from "./plans.ts";

/** Sign-up or `users create` with an email that already has an account. */
export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists");
    this.name = "EmailTakenError";
  }
}

/** No account has this id or email. */
export class UserNotFoundError extends Error {
  constructor(what: string) {
    super(`No user ${what}`);
    this.name = "UserNotFoundError";
  }
}

export const newUserSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: displayNameSchema,
  planSlug: z.string().trim().toLowerCase().min(1).default(DEFAULT_PLAN),
  isAdmin: z.boolean().default(false),
});
export type NewUser = z.input<typeof newUserSchema>;

/** An account without its password hash: what may leave the data layer. */
export type UserSummary = SessionUser & { planSlug: string; createdAt: Date };

// Serialises "is this the first account?" across processes: the dashboard, the CLI and a
// second dashboard may all create users at once, and exactly one of them may be first.
const FIRST_USER_LOCK = 7_461_202;

/**
 * Creates an account (sign-up, `users create`). The email is stored trimmed and lowercased.
 * The first account in the database becomes an admin, decided under a transaction-scoped
 * advisory lock so two concurrent sign-ups cannot both be (or both miss being) first.
 * Throws ZodError for bad input, EmailTakenError, PlanNotFoundError.
 */
export async function createUser(input: NewUser): Promise<UserSummary> {
  const { password, ...user } = newUserSchema.parse(input);
  // Hash before taking the lock: it is the slow part and needs no database.
  return insertUser({ ...user, passwordHash: await hashPassword(password) });
}

/**
 * The database half of createUser, for input already validated and hashed (exported so
 * the race test can start many inserts at the same instant).
 */
export async function insertUser(
  user: Omit<z.output<typeof newUserSchema>, "password"> & { passwordHash: string },
): Promise<UserSummary> {
  const client = await db().pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
    const { rows } = await client.query<UserSummary>(
      `INSERT INTO users (email, name, password_hash, plan_id, is_admin)
       SELECT $1, $2, $3, plans.id, $5 OR NOT EXISTS (SELECT 1 FROM users)
       FROM plans WHERE plans.slug = $4
       RETURNING id::text AS id, email, name, is_admin AS "isAdmin", $4 AS "planSlug", created_at AS "createdAt"`,
      [user.email, user.name, user.passwordHash, user.planSlug, user.isAdmin],
    );
    await client.query("COMMIT");
    const created = rows[0];
    if (!created) throw new PlanNotFoundError(user.planSlug);
    return created;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    if ((error as { code?: string }).code === "23505") throw new EmailTakenError();
    throw error;
  } finally {
    client.release();
  }
}

/**
 * For sign-in only: the account with this (normalised) email, its password hash and session
 * version; a suspended account is not found.
 */
export async function findUserForSignIn(
  email: string,
): Promise<(SessionUser & { passwordHash: string; sessionVersion: number }) | null> {
  const { rows } = await db().pool.query<SessionUser & { passwordHash: string; sessionVersion: number }>(
    `SELECT id::text AS id, email, name, is_admin AS "isAdmin", password_hash AS "passwordHash",
            session_version AS "sessionVersion"
     FROM users WHERE email = $1 AND suspended_at IS NULL`,
    [email.trim().toLowerCase()],
  );
  return rows[0] ?? null;
}

/**
 * The account behind a session, fresh from the database: null when it is deleted or the
 * session was issued under an older session version (signed out, password changed), or the
 * account is suspended. The admin flag is current.
 */
export async function findSessionUser(id: string, sessionVersion: number): Promise<SessionUser | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const { rows } = await db().pool.query<SessionUser>(
    `SELECT id::text AS id, email, name, is_admin AS "isAdmin" FROM users
     WHERE id = $1 AND session_version = $2 AND suspended_at IS NULL`,
    [id, sessionVersion],
  );
  return rows[0] ?? null;
}

/** Names an account by id (admin pages) or email (the CLI). */
export type UserRef = { id: string } | { email: string };

/**
 * Admins only: moves an account to another plan. Sets updated_at = now() so the
 * gateway's cache picks up the new limits. Throws UserNotFoundError, PlanNotFoundError.
 */
export async function setUserPlan(actor: SessionUser, ref: UserRef, planSlug: string): Promise<UserSummary> {
  requireAdminActor(actor);
  const slug = planSlug.trim().toLowerCase();
  const byId = "id" in ref;
  if (byId && !z.uuid().safeParse(ref.id).success) throw new UserNotFoundError(ref.id);
  const { rows } = await db().pool.query<UserSummary & { found: boolean }>(
    `WITH target AS (SELECT id FROM users WHERE ${byId ? "id = $1::uuid" : "email = $1"}),
          plan AS (SELECT id, slug FROM plans WHERE slug = $2)
     UPDATE users SET plan_id = plan.id, updated_at = now()
     FROM target, plan
     WHERE users.id = target.id
     RETURNING users.id::text AS id, email, name, is_admin AS "isAdmin", plan.slug AS "planSlug",
               users.created_at AS "createdAt"`,
    [byId ? ref.id : ref.email.trim().toLowerCase(), slug],
  );
  const updated = rows[0];
  if (updated) return updated;
  // Nothing updated: say which half was missing.
  const { rowCount } = await db().pool.query("SELECT 1 FROM plans WHERE slug = $1", [slug]);
  if (!rowCount) throw new PlanNotFoundError(slug);
  throw new UserNotFoundError(byId ? ref.id : ref.email);
}

/** A row of the admin users table. */
export type UserWithUsage = UserSummary & {
  planName: string;
  monthlyQuota: number;
  /** Billable calls this calendar month (UTC), from the daily rollups. */
  callsThisMonth: number;
  /** When an admin suspended the account, or null. */
  suspendedAt: Date | null;
};

// Raw SQL: the month's usage is a lateral sum over the rollup, which Prisma cannot express.
const userWithUsageRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  isAdmin: z.boolean(),
  createdAt: z.date(),
  suspendedAt: z.date().nullable(),
  planSlug: z.string(),
  planName: z.string(),
  monthlyQuota: z.number(),
  callsThisMonth: z.coerce.number(),
});
// zod drops keys a schema does not name, so the list's window count stays out of the rows.
const totalRow = z.object({ total: z.coerce.number() });

const USERS_WITH_USAGE = `
  SELECT u.id::text AS id, u.email, u.name, u.is_admin AS "isAdmin", u.created_at AS "createdAt",
         u.suspended_at AS "suspendedAt", p.slug AS "planSlug", p.name AS "planName",
         p.monthly_quota AS "monthlyQuota", COALESCE(m.calls, 0)::text AS "callsThisMonth",
         count(*) OVER ()::text AS total
  FROM users u
  JOIN plans p ON p.id = u.plan_id
  LEFT JOIN LATERAL (
    SELECT SUM(d.billable) AS calls FROM usage_daily d
    WHERE d.user_id = u.id AND d.day >= date_trunc('month', now() AT TIME ZONE 'UTC')::date
  ) m ON true`;

/** The admin users list's URL: `?q=ada&page=2`. Bad values fall back to the defaults. */
export const userListQuerySchema = z.object({
  q: z.string().trim().max(200).catch("").default(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type UserListQuery = z.input<typeof userListQuerySchema>;

export type UserPage = { users: UserWithUsage[]; total: number; page: number; pages: number };

/** Users per page of the admin list. */
export const USERS_PAGE_SIZE = 25;

/**
 * Admins only: accounts whose email or name contains `q` (any case), newest first, one
 * page at a time, each with its plan and this UTC month's billable calls.
 */
export async function listUsersWithUsage(
  actor: SessionUser,
  query: UserListQuery = {},
  pageSize = USERS_PAGE_SIZE,
): Promise<UserPage> {
  requireAdminActor(actor);
  const { q, page } = userListQuerySchema.parse(query);
  // ILIKE wildcards in the search text are matched literally.
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db().pool.query(
    `${USERS_WITH_USAGE}
     WHERE $1 = '%%' OR u.email ILIKE $1 OR u.name ILIKE $1
     ORDER BY u.created_at DESC, u.id
     LIMIT $2 OFFSET $3`,
    [pattern, pageSize, (page - 1) * pageSize],
  );
  const users = rows.map((row) => userWithUsageRow.parse(row));
  // A page past the end has no rows and so no window count: ask for the total alone.
  const total =
    (rows[0] === undefined ? undefined : totalRow.parse(rows[0]).total) ??
    Number(
      (
        await db().pool.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM users u WHERE $1 = '%%' OR u.email ILIKE $1 OR u.name ILIKE $1`,
          [pattern],
        )
      ).rows[0]?.n ?? 0,
    );
  return {
    users,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / pageSize)),
  };
}

/** Admins only: one account with its plan and this month's usage (the user detail page). */
export async function getUserWithUsage(actor: SessionUser, id: string): Promise<UserWithUsage> {
  requireAdminActor(actor);
  if (!z.uuid().safeParse(id).success) throw new UserNotFoundError(id);
  const { rows } = await db().pool.query(`${USERS_WITH_USAGE} WHERE u.id = $1`, [id]);
  if (!rows[0]) throw new UserNotFoundError(id);
  return userWithUsageRow.parse(rows[0]);
}

/** What an admin can change about another account. */
export const accountChanges = ["promote", "demote", "suspend", "unsuspend"] as const;
export type AccountChange = (typeof accountChanges)[number];

/** The change would leave the actor without their own access or Tollgate without an admin. */
export class AdminGuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdminGuardError";
  }
}

// Serialises changes that take admin power away, so two admins demoting each other at the
// same moment cannot both pass the "another admin remains" check.
const ADMIN_GUARD_LOCK = 7_461_203;

const CHANGE_SQL: Record<AccountChange | "delete", string> = {
  promote: "UPDATE users SET is_admin = true, updated_at = now() WHERE id = $1",
  demote: "UPDATE users SET is_admin = false, updated_at = now() WHERE id = $1",
  // The gateway re-reads cached keys with their account every 250 ms, so keys stop within 1 s.
  suspend: "UPDATE users SET suspended_at = COALESCE(suspended_at, now()), updated_at = now() WHERE id = $1",
  unsuspend: "UPDATE users SET suspended_at = NULL, updated_at = now() WHERE id = $1",
  // Keys and rollups cascade; calls are deleted by the trigger of migration 0006.
  delete: "DELETE FROM users WHERE id = $1",
};

const VERB: Record<AccountChange | "delete", string> = {
  promote: "promote",
  demote: "demote",
  suspend: "suspend",
  unsuspend: "unsuspend",
  delete: "delete",
};

/**
 * Admins only: promotes, demotes, suspends or unsuspends an account, or deletes it. Refuses
 * (AdminGuardError) to act on the actor's own account, or to demote, suspend or delete the
 * last active admin. Suspending also ends the account's sessions. Returns the account's email.
 * Throws UserNotFoundError.
 */
export async function changeAccount(
  actor: SessionUser,
  ref: UserRef,
  change: AccountChange | "delete",
): Promise<{ id: string; email: string }> {
  requireAdminActor(actor);
  const byId = "id" in ref;
  if (byId && !z.uuid().safeParse(ref.id).success) throw new UserNotFoundError(ref.id);
  const client = await db().pool.connect();
  let target: { id: string; email: string };
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK})`);
    const { rows } = await client.query<{ id: string; email: string; admin: boolean }>(
      `SELECT id::text AS id, email, is_admin AND suspended_at IS NULL AS admin FROM users
       WHERE ${byId ? "id = $1::uuid" : "email = $1"} FOR UPDATE`,
      [byId ? ref.id : ref.email.trim().toLowerCase()],
    );
    const found = rows[0];
    if (!found) throw new UserNotFoundError(byId ? ref.id : ref.email);
    if (found.id === actor.id && change !== "promote" && change !== "unsuspend") {
      throw new AdminGuardError(`You cannot ${VERB[change]} your own account`);
    }
    if (found.admin && (change === "demote" || change === "suspend" || change === "delete")) {
      const others = await client.query(
        "SELECT 1 FROM users WHERE is_admin AND suspended_at IS NULL AND id <> $1 LIMIT 1",
        [found.id],
      );
      if (!others.rowCount) {
        throw new AdminGuardError(`${found.email} is the last admin: promote another account first`);
      }
    }
    await client.query(CHANGE_SQL[change], [found.id]);
    await client.query("COMMIT");
    target = { id: found.id, email: found.email };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  if (change === "suspend") await endAllSessions(target.id);
  return target;
}

/**
 * Ends every session of an account: the version its session tokens must carry moves on,
 * so requireUser() refuses all tokens issued before. Called at sign-out, password change
 * and account deletion; call it when suspending an account too. Returns whether the
 * account exists.
 */
export async function endAllSessions(userId: string): Promise<boolean> {
  if (!z.uuid().safeParse(userId).success) return false;
  const { rowCount } = await db().pool.query(
    "UPDATE users SET session_version = session_version + 1 WHERE id = $1",
    [userId],
  );
  return rowCount === 1;
}

/**
 * Sign-out: ends every session of the account, but only when the signing-out token is
 * still current, so replaying an already revoked cookie at the sign-out route cannot
 * sign its owner out again.
 */
export async function endSessionsFrom(userId: string, sessionVersion: number): Promise<void> {
  if (!z.uuid().safeParse(userId).success) return;
  await db().pool.query(
    "UPDATE users SET session_version = session_version + 1 WHERE id = $1 AND session_version = $2",
    [userId, sessionVersion],
  );
}

/** Replaces an account's password (already validated by the caller) and ends its sessions. */
export async function setPassword(userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db().pool.query(
    `UPDATE users SET password_hash = $2, session_version = session_version + 1, updated_at = now()
     WHERE id = $1`,
    [userId, passwordHash],
  );
}
