// Failed sign-in and sign-up throttling (README, "Security"): the limits and how a refusal
// reads. The attempts are counted in PostgreSQL by lib/data/attempts.ts.
import * as attempts from "../data/attempts.ts";
import { countOf } from "../format.ts";

/** The windows: more failures than this within WINDOW_MINUTES blocks further attempts. */
export const SIGN_IN_LIMITS = {
  perEmail: 5,
  perIp: 30,
  windowMinutes: 15,
} as const satisfies attempts.SignInLimits;

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
  return countOf(minutes, "minute");
}

/**
 * Seconds until this email and IP may try again, or 0 when they may now (a read only, for
 * the form's message; the sign-in itself goes through reserveSignInAttempt).
 */
export function signInRetryAfter(email: string, ip: string): Promise<number> {
  return attempts.signInRetryAfter(email, ip, SIGN_IN_LIMITS);
}

/**
 * Counts one attempt for this email and IP before the password is checked, or returns the
 * wait in seconds when they are throttled (nothing counted then). Counting first, under
 * per-email and per-IP locks, is what makes the limit hold under concurrency: a hundred
 * simultaneous guesses queue and only the first `perEmail` find room.
 */
export function reserveSignInAttempt(email: string, ip: string): Promise<number> {
  return attempts.reserveSignInAttempt(email, ip, SIGN_IN_LIMITS);
}

/** Counts one sign-up from this IP, or returns the wait when it made `limit` in the last hour. */
export function reserveSignUp(ip: string, limit: number): Promise<number> {
  return attempts.reserveSignUp(ip, limit);
}

/** A successful sign-in forgives that email's failures, its own reserved attempt included (not the IP's). */
export function clearFailedSignIns(email: string): Promise<void> {
  return attempts.clearSignInAttempts(email);
}
