// Sign-in and sign-up attempts (sign_in_attempts, sign_up_attempts), the storage of the
// throttle in lib/auth/throttle.ts: kept in PostgreSQL so the limits hold across restarts
// and across several dashboard processes. The limits themselves are the caller's.
import { z } from "zod";
import { db, QUEUED_TRANSACTION } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";

/** How many failed sign-ins per email and per IP a window allows. */
export type SignInLimits = { perEmail: number; perIp: number; windowMinutes: number };

type Tx = Prisma.TransactionClient;

// Advisory-lock namespaces (the two-key form), so an email and an IP never share a lock.
const EMAIL_LOCK = 7_461_210;
const IP_LOCK = 7_461_211;
const SIGN_UP_LOCK = 7_461_212;

const waitRow = z.tuple([z.object({ wait: z.number().nullable() })]);

/** Attempts older than a day are deleted as new ones are counted. */
const dayAgo = () => new Date(Date.now() - 86_400_000);

// Raw: "the limit-th newest attempt in the window" is an OFFSET per key inside one statement.
async function signInWait(
  tx: Pick<Tx, "$queryRaw">,
  email: string,
  ip: string,
  limits: SignInLimits,
): Promise<number> {
  const window = Prisma.sql`make_interval(mins => ${limits.windowMinutes})`;
  const [{ wait }] = waitRow.parse(
    await tx.$queryRaw`
      WITH by_email AS (
        SELECT created_at FROM sign_in_attempts
        WHERE email = ${email} AND created_at > now() - ${window}
        ORDER BY created_at DESC OFFSET ${limits.perEmail - 1} LIMIT 1
      ), by_ip AS (
        SELECT created_at FROM sign_in_attempts
        WHERE ip = ${ip} AND created_at > now() - ${window}
        ORDER BY created_at DESC OFFSET ${limits.perIp - 1} LIMIT 1
      )
      SELECT ceil(extract(epoch FROM GREATEST(
        (SELECT created_at FROM by_email), (SELECT created_at FROM by_ip)
      ) + ${window} - now()))::int AS wait`,
  );
  return Math.max(0, wait ?? 0);
}

/**
 * Seconds until this email and IP may try again, or 0 when they may now (a read only, for
 * the form's message). Once a limit is reached, the wait ends when the oldest failure that
 * keeps the count at the limit ages out of the window: the limit-th newest failure + the window.
 */
export function signInRetryAfter(email: string, ip: string, limits: SignInLimits): Promise<number> {
  return signInWait(db().prisma, email, ip, limits);
}

/**
 * Runs `body` in a transaction holding the given advisory locks, taken in the order given
 * (every caller uses one fixed order, so two callers cannot deadlock).
 */
function underLocks<T>(locks: [namespace: number, key: string][], body: (tx: Tx) => Promise<T>): Promise<T> {
  return db().prisma.$transaction(async (tx) => {
    for (const [namespace, key] of locks) {
      // Raw: Prisma has no call for an advisory lock.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${namespace}::int, hashtext(${key}))`;
    }
    return body(tx);
  }, QUEUED_TRANSACTION);
}

/**
 * Counts one sign-in attempt for this email and IP, or returns the wait in seconds when they
 * are throttled (nothing counted then). Counted under per-email and per-IP advisory locks,
 * so concurrent attempts queue and only the first `perEmail` find room. The attempt stays
 * counted as a failure unless clearSignInAttempts() forgives it.
 */
export function reserveSignInAttempt(email: string, ip: string, limits: SignInLimits): Promise<number> {
  return underLocks(
    [
      [EMAIL_LOCK, email],
      [IP_LOCK, ip],
    ],
    async (tx) => {
      const wait = await signInWait(tx, email, ip, limits);
      if (wait === 0) {
        await tx.signInAttempt.deleteMany({ where: { email, createdAt: { lt: dayAgo() } } });
        await tx.signInAttempt.create({ data: { email, ip } });
      }
      return wait;
    },
  );
}

/**
 * Counts one sign-up from this IP, or returns the wait in seconds when the IP already made
 * `limit` sign-ups in the last hour (nothing counted then), under a per-IP lock like sign-in.
 */
export function reserveSignUp(ip: string, limit: number): Promise<number> {
  return underLocks([[SIGN_UP_LOCK, ip]], async (tx) => {
    // Raw: the limit-th newest sign-up of the hour, as for sign-in.
    const rows = z.array(z.object({ wait: z.number() })).parse(
      await tx.$queryRaw`
        SELECT ceil(extract(epoch FROM created_at + interval '1 hour' - now()))::int AS wait
        FROM sign_up_attempts WHERE ip = ${ip} AND created_at > now() - interval '1 hour'
        ORDER BY created_at DESC OFFSET ${limit - 1} LIMIT 1`,
    );
    const wait = Math.max(0, rows[0]?.wait ?? 0);
    if (wait > 0) return wait;
    await tx.signUpAttempt.deleteMany({ where: { ip, createdAt: { lt: dayAgo() } } });
    await tx.signUpAttempt.create({ data: { ip } });
    return 0;
  });
}

/** Forgives every counted sign-in attempt of this email (not of its IPs). */
export async function clearSignInAttempts(email: string): Promise<void> {
  await db().prisma.signInAttempt.deleteMany({ where: { email } });
}
