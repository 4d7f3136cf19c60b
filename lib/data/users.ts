// Accounts (SPEC §3). Sign-up and sign-in use the unauthenticated functions here
// (createUser, findUserForSignIn); everything that lists or changes other accounts takes
// the acting user and refuses non-admins here in the data layer, whatever the page did.
import { z } from "zod";
import { displayNameSchema, emailSchema } from "../auth/account.schema.ts";
import { newPasswordSchema } from "../auth/new-password.schema.ts";
import { requireAdminActor } from "../auth/admin.ts";
import { hashPassword } from "../auth/password.ts";
import type { SessionUser } from "../auth/session.ts";
import { db } from "../db/client.ts";
import { PlanNotFoundError } from "./plans.ts";

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
  planSlug: z.string().trim().toLowerCase().min(1).default("free"),
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

/** For sign-in only: the account with this (normalised) email, its password hash and session version. */
export async function findUserForSignIn(
  email: string,
): Promise<(SessionUser & { passwordHash: string; sessionVersion: number }) | null> {
  const { rows } = await db().pool.query<SessionUser & { passwordHash: string; sessionVersion: number }>(
    `SELECT id::text AS id, email, name, is_admin AS "isAdmin", password_hash AS "passwordHash",
            session_version AS "sessionVersion"
     FROM users WHERE email = $1`,
    [email.trim().toLowerCase()],
  );
  return rows[0] ?? null;
}

/**
 * The account behind a session, fresh from the database: null when it is deleted or the
 * session was issued under an older session version (signed out, password changed,
 * suspended). The admin flag is current.
 */
export async function findSessionUser(id: string, sessionVersion: number): Promise<SessionUser | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const { rows } = await db().pool.query<SessionUser>(
    `SELECT id::text AS id, email, name, is_admin AS "isAdmin" FROM users
     WHERE id = $1 AND session_version = $2`,
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
};

/** Admins only: every account with its plan and this UTC month's billable calls, newest first. */
export async function listUsersWithUsage(actor: SessionUser): Promise<UserWithUsage[]> {
  requireAdminActor(actor);
  const { rows } = await db().pool.query<Omit<UserWithUsage, "callsThisMonth"> & { callsThisMonth: string }>(
    `SELECT u.id::text AS id, u.email, u.name, u.is_admin AS "isAdmin", u.created_at AS "createdAt",
            p.slug AS "planSlug", p.name AS "planName", p.monthly_quota AS "monthlyQuota",
            COALESCE(m.calls, 0)::int8 AS "callsThisMonth"
     FROM users u
     JOIN plans p ON p.id = u.plan_id
     LEFT JOIN LATERAL (
       SELECT SUM(d.billable) AS calls FROM usage_daily d
       WHERE d.user_id = u.id AND d.day >= date_trunc('month', now() AT TIME ZONE 'UTC')::date
     ) m ON true
     ORDER BY u.created_at DESC, u.id`,
  );
  return rows.map((row) => ({ ...row, callsThisMonth: Number(row.callsThisMonth) }));
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
