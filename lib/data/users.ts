// Accounts (README, "Security": sign-up and sessions). Sign-up and sign-in use the unauthenticated functions here
// (createUser, findUserForSignIn); everything that lists or changes other accounts takes
// the acting user and refuses non-admins here in the data layer, whatever the page did.
import { z } from "zod";
import { displayNameSchema, emailSchema } from "../auth/account.schema.ts";
import { newPasswordSchema } from "../auth/new-password.schema.ts";
import { type SessionUser, requireAdminActor } from "../actor.ts";
import { hashPassword } from "../auth/password.ts";
import { db, isPrismaError, QUEUED_TRANSACTION } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { monthOf } from "../time/calendar.ts";
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

// The columns of a SessionUser.
const SESSION_USER = {
  id: true,
  email: true,
  name: true,
  isAdmin: true,
} as const satisfies Prisma.UserSelect;

/** Emails are stored trimmed and lowercased. */
const normaliseEmail = (email: string) => email.trim().toLowerCase();

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
  try {
    return await db().prisma.$transaction(async (tx) => {
      // Raw: Prisma has no call for an advisory lock.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
      const plan = await tx.plan.findUnique({ where: { slug: user.planSlug }, select: { id: true } });
      if (!plan) throw new PlanNotFoundError(user.planSlug);
      const first = (await tx.user.findFirst({ select: { id: true } })) === null;
      const created = await tx.user.create({
        data: {
          email: user.email,
          name: user.name,
          passwordHash: user.passwordHash,
          planId: plan.id,
          isAdmin: user.isAdmin || first,
        },
        select: { ...SESSION_USER, createdAt: true },
      });
      return { ...created, planSlug: user.planSlug };
    }, QUEUED_TRANSACTION);
  } catch (error) {
    if (isPrismaError(error, "P2002")) throw new EmailTakenError();
    throw error;
  }
}

/**
 * For sign-in only: the account with this (normalised) email, its password hash and session
 * version; a suspended account is not found.
 */
export async function findUserForSignIn(
  email: string,
): Promise<(SessionUser & { passwordHash: string; sessionVersion: number }) | null> {
  return db().prisma.user.findFirst({
    where: { email: normaliseEmail(email), suspendedAt: null },
    select: { ...SESSION_USER, passwordHash: true, sessionVersion: true },
  });
}

/**
 * The account behind a session, fresh from the database: null when it is deleted or the
 * session was issued under an older session version (signed out, password changed), or the
 * account is suspended. The admin flag is current.
 */
export async function findSessionUser(id: string, sessionVersion: number): Promise<SessionUser | null> {
  if (!z.uuid().safeParse(id).success) return null;
  return db().prisma.user.findFirst({
    where: { id, sessionVersion, suspendedAt: null },
    select: SESSION_USER,
  });
}

/** The account with this email (any case), suspended or not, or null: who a CLI command acts as. */
export async function findUserByEmail(email: string): Promise<SessionUser | null> {
  return db().prisma.user.findUnique({ where: { email: normaliseEmail(email) }, select: SESSION_USER });
}

/** Names an account by id (admin pages) or email (the CLI). */
export type UserRef = { id: string } | { email: string };

/** The unique lookup for a UserRef; an id that is not a UUID cannot name an account. */
function whereUser(ref: UserRef): Prisma.UserWhereUniqueInput {
  if ("email" in ref) return { email: normaliseEmail(ref.email) };
  if (!z.uuid().safeParse(ref.id).success) throw new UserNotFoundError(ref.id);
  return { id: ref.id };
}

const describe = (ref: UserRef) => ("id" in ref ? ref.id : ref.email);

/**
 * Admins only: moves an account to another plan. Sets updated_at = now() so the
 * gateway's cache picks up the new limits. Throws UserNotFoundError, PlanNotFoundError.
 */
export async function setUserPlan(actor: SessionUser, ref: UserRef, planSlug: string): Promise<UserSummary> {
  requireAdminActor(actor);
  const slug = planSlug.trim().toLowerCase();
  const plan = await db().prisma.plan.findUnique({ where: { slug }, select: { id: true } });
  if (!plan) throw new PlanNotFoundError(slug);
  try {
    const user = await db().prisma.user.update({
      where: whereUser(ref),
      data: { planId: plan.id, updatedAt: new Date() },
      select: { ...SESSION_USER, createdAt: true },
    });
    return { ...user, planSlug: slug };
  } catch (error) {
    if (isPrismaError(error, "P2025")) throw new UserNotFoundError(describe(ref));
    throw error;
  }
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

// Raw: the month's usage is a lateral sum over the rollup and the page carries a window
// count, which Prisma cannot express in one query.
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

/** The users-with-usage query; the month is the UTC month of `now` (lib/time/calendar.ts). */
function usersWithUsage(now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT u.id::text AS id, u.email, u.name, u.is_admin AS "isAdmin", u.created_at AS "createdAt",
           u.suspended_at AS "suspendedAt", p.slug AS "planSlug", p.name AS "planName",
           p.monthly_quota AS "monthlyQuota", COALESCE(m.calls, 0)::text AS "callsThisMonth",
           count(*) OVER ()::text AS total
    FROM users u
    JOIN plans p ON p.id = u.plan_id
    LEFT JOIN LATERAL (
      SELECT SUM(d.billable) AS calls FROM usage_daily d
      WHERE d.user_id = u.id AND d.day >= ${monthOf(now)}::date
    ) m ON true`;
}

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
  const matches = Prisma.sql`(${pattern} = '%%' OR u.email ILIKE ${pattern} OR u.name ILIKE ${pattern})`;
  const rows = z.array(z.unknown()).parse(
    await db().prisma.$queryRaw`
      ${usersWithUsage(new Date())}
      WHERE ${matches}
      ORDER BY u.created_at DESC, u.id
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
  );
  const users = rows.map((row) => userWithUsageRow.parse(row));
  // A page past the end has no rows and so no window count: ask for the total alone.
  const total =
    rows[0] === undefined
      ? z
          .tuple([totalRow])
          .parse(await db().prisma.$queryRaw`SELECT count(*)::text AS total FROM users u WHERE ${matches}`)[0]
          .total
      : totalRow.parse(rows[0]).total;
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
  const rows = z
    .array(userWithUsageRow)
    .parse(await db().prisma.$queryRaw`${usersWithUsage(new Date())} WHERE u.id = ${id}::uuid`);
  if (!rows[0]) throw new UserNotFoundError(id);
  return rows[0];
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

/** The column changes of each account change (delete aside). */
function changeData(change: AccountChange, suspendedAt: Date | null): Prisma.UserUpdateInput {
  const updatedAt = new Date();
  switch (change) {
    case "promote":
      return { isAdmin: true, updatedAt };
    case "demote":
      return { isAdmin: false, updatedAt };
    case "suspend":
      // The gateway re-reads cached keys with their account every 250 ms, so keys stop within 1 s.
      return { suspendedAt: suspendedAt ?? updatedAt, updatedAt };
    case "unsuspend":
      return { suspendedAt: null, updatedAt };
  }
}

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
  const where = whereUser(ref);
  const target = await db().prisma.$transaction(async (tx) => {
    // Raw: Prisma has no call for an advisory lock.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK})`;
    const found = await tx.user.findUnique({
      where,
      select: { id: true, email: true, isAdmin: true, suspendedAt: true },
    });
    if (!found) throw new UserNotFoundError(describe(ref));
    if (found.id === actor.id && change !== "promote" && change !== "unsuspend") {
      throw new AdminGuardError(`You cannot ${VERB[change]} your own account`);
    }
    const activeAdmin = found.isAdmin && found.suspendedAt === null;
    if (activeAdmin && (change === "demote" || change === "suspend" || change === "delete")) {
      const another = await tx.user.findFirst({
        where: { isAdmin: true, suspendedAt: null, id: { not: found.id } },
        select: { id: true },
      });
      if (!another) {
        throw new AdminGuardError(`${found.email} is the last admin: promote another account first`);
      }
    }
    // Keys and rollups cascade; calls are deleted by the trigger of migration 0006.
    if (change === "delete") await tx.user.delete({ where: { id: found.id } });
    else await tx.user.update({ where: { id: found.id }, data: changeData(change, found.suspendedAt) });
    return { id: found.id, email: found.email };
  }, QUEUED_TRANSACTION);
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
  const { count } = await db().prisma.user.updateMany({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
  });
  return count === 1;
}

/**
 * Sign-out: ends every session of the account, but only when the signing-out token is
 * still current, so replaying an already revoked cookie at the sign-out route cannot
 * sign its owner out again.
 */
export async function endSessionsFrom(userId: string, sessionVersion: number): Promise<void> {
  if (!z.uuid().safeParse(userId).success) return;
  await db().prisma.user.updateMany({
    where: { id: userId, sessionVersion },
    data: { sessionVersion: { increment: 1 } },
  });
}

/** Replaces an account's password (already validated by the caller) and ends its sessions. */
export async function setPassword(userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db().prisma.user.updateMany({
    where: { id: userId },
    data: { passwordHash, sessionVersion: { increment: 1 }, updatedAt: new Date() },
  });
}
