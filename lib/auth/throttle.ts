// Failed sign-in throttling (SPEC §3), kept in PostgreSQL (sign_in_attempts) so it holds
// across restarts and across several dashboard processes.
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

/**
 * Seconds until this email and IP may try again, or 0 when they may now. Once the limit is
 * reached, the wait ends when the oldest failure that keeps the count at the limit ages
 * out of the window: the limit-th newest failure + the window.
 */
export async function signInRetryAfter(email: string, ip: string): Promise<number> {
  const { perEmail, perIp, windowMinutes } = SIGN_IN_LIMITS;
  const { rows } = await db().pool.query<{ wait: number | null }>(
    `WITH by_email AS (
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
     ) + make_interval(mins => $5) - now()))::int AS wait`,
    [email, ip, perEmail, perIp, windowMinutes],
  );
  return Math.max(0, rows[0]?.wait ?? 0);
}

/** Records one failed attempt and drops this email's attempts too old to matter. */
export async function recordFailedSignIn(email: string, ip: string): Promise<void> {
  await db().pool.query(
    `WITH gone AS (
       DELETE FROM sign_in_attempts WHERE email = $1 AND created_at < now() - interval '1 day'
     )
     INSERT INTO sign_in_attempts (email, ip) VALUES ($1, $2)`,
    [email, ip],
  );
}

/** A successful sign-in forgives that email's earlier failures (not the IP's). */
export async function clearFailedSignIns(email: string): Promise<void> {
  await db().pool.query("DELETE FROM sign_in_attempts WHERE email = $1", [email]);
}
