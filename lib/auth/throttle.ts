// Failed sign-in throttling (README, "Security"), kept in PostgreSQL (sign_in_attempts) so it holds
// across restarts and across several dashboard processes.
import type { PoolClient } from "pg";
import { db } from "../db/client.ts";

/** The windows: more failures than this within WINDOW_MINUTES blocks further attempts. */
export const SIGN_IN_LIMITS = { perEmail: 5, perIp: 30, windowMinutes: 15 } as const;

/** Thrown (and mapped to 429 / a form error) while an email or IP is throttled. */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts, try again in ${retryAfterMinutes(retryAfterSeconds)}`);
    this.name = "TooManyAttemptsError";
  }
}

/** "N minutes" (rounded up, at least 1) for a wait in seconds. */
export function retryAfterMinutes(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

// Advisory-lock namespaces (the two-key form), so an email and an IP never share a lock.
const EMAIL_LOCK = 7_461_210;
const IP_LOCK = 7_461_211;
const SIGN_UP_LOCK = 7_461_212;

const WAIT_SQL = `WITH by_email AS (
     SELECT created_at FROM sign_in_attempts
     WHERE email = $1 AND created_at > now() - make_interval(mins => $5)
     ORDER BY created_at DESC OFFSET $3 - 1 LIMIT 1
   ), by_ip AS (
     SELECT created_at FROM sign_in_attempts
     WHERE ip = $2 AND created_at > now() - make_interval(mins => $5)
     ORDER BY created_at DESC OFFSET $4 - 1 LIMIT 1
   )
   SELECT ceil(extract(epoch FROM GREATEST(
     (SELECT created_at FROM by_email), (SELECT created_at FROM by_ip)
   ) + make_interval(mins => $5) - now()))::int AS wait`;

async function waitSeconds(client: Queryable, email: string, ip: string): Promise<number> {
  const { perEmail, perIp, windowMinutes } = SIGN_IN_LIMITS;
  const { rows } = await client.query<{ wait: number | null }>(WAIT_SQL, [
    email,
    ip,
    perEmail,
    perIp,
    windowMinutes,
  ]);
  return Math.max(0, rows[0]?.wait ?? 0);
}

type Queryable = Pick<PoolClient, "query">;

/**
 * Seconds until this email and IP may try again, or 0 when they may now (a read only, for
 * the form's message; the sign-in itself goes through reserveSignInAttempt). Once the limit
 * is reached, the wait ends when the oldest failure that keeps the count at the limit ages
 * out of the window: the limit-th newest failure + the window.
 */
export function signInRetryAfter(email: string, ip: string): Promise<number> {
  return waitSeconds(db().pool, email, ip);
}

/**
 * Runs `body` in a transaction holding the given advisory locks, taken in the order given
 * (every caller uses one fixed order, so two callers cannot deadlock).
 */
async function underLocks<T>(
  locks: [namespace: number, key: string][],
  body: (client: Queryable) => Promise<T>,
): Promise<T> {
  const client = await db().pool.connect();
  try {
    await client.query("BEGIN");
    for (const [namespace, key] of locks) {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [namespace, key]);
    }
    const result = await body(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Counts one attempt for this email and IP before the password is checked, or returns the
 * wait in seconds when they are throttled (nothing counted then). Counting first, under
 * per-email and per-IP advisory locks, is what makes the limit hold under concurrency:
 * a hundred simultaneous guesses queue on the lock and only the first `perEmail` find
 * room. The attempt stays counted as a failure unless clearFailedSignIns() forgives it.
 */
export function reserveSignInAttempt(email: string, ip: string): Promise<number> {
  return underLocks(
    [
      [EMAIL_LOCK, email],
      [IP_LOCK, ip],
    ],
    async (client) => {
      const wait = await waitSeconds(client, email, ip);
      if (wait === 0) {
        await client.query(
          `WITH gone AS (
             DELETE FROM sign_in_attempts WHERE email = $1 AND created_at < now() - interval '1 day'
           )
           INSERT INTO sign_in_attempts (email, ip) VALUES ($1, $2)`,
          [email, ip],
        );
      }
      return wait;
    },
  );
}

/**
 * Counts one sign-up from this IP, or returns the wait in seconds when the IP already made
 * `limit` sign-ups in the last hour (nothing counted then). Counted under a per-IP lock, like
 * sign-in, so a burst of parallel sign-ups cannot all slip under the limit.
 */
export function reserveSignUp(ip: string, limit: number): Promise<number> {
  return underLocks([[SIGN_UP_LOCK, ip]], async (client) => {
    const { rows } = await client.query<{ wait: number | null }>(
      `SELECT ceil(extract(epoch FROM created_at + interval '1 hour' - now()))::int AS wait
       FROM sign_up_attempts WHERE ip = $1 AND created_at > now() - interval '1 hour'
       ORDER BY created_at DESC OFFSET $2 - 1 LIMIT 1`,
      [ip, limit],
    );
    const wait = Math.max(0, rows[0]?.wait ?? 0);
    if (wait === 0) {
      await client.query(
        `WITH gone AS (DELETE FROM sign_up_attempts WHERE ip = $1 AND created_at < now() - interval '1 day')
         INSERT INTO sign_up_attempts (ip) VALUES ($1)`,
        [ip],
      );
    }
    return wait;
  });
}

/** A successful sign-in forgives that email's failures, its own reserved attempt included (not the IP's). */
export async function clearFailedSignIns(email: string): Promise<void> {
  await db().pool.query("DELETE FROM sign_in_attempts WHERE email = $1", [email]);
}
