import { createUser, EmailTakenError } from "../data/users.ts";
import { reserveSignUp, TooManyAttemptsError } from "./throttle.ts";

export type SignUpInput = { email: string; password: string; name: string | null };

/**
 * Creates an account for the sign-up form, throttled per client address (`limit` sign-ups
 * an hour). An email that already has an account gets exactly the same outcome as a new
 * one (no error, same work: createUser hashes the password before it finds the email
 * taken), so the form cannot be used to find out who has an account. Tollgate sends no
 * mail yet; once it does, the owner of the existing account is the one to tell.
 * Throws TooManyAttemptsError while the address is throttled.
 */
export async function signUp(input: SignUpInput, ip: string, limit: number): Promise<void> {
  const wait = await reserveSignUp(ip, limit);
  if (wait > 0) throw new TooManyAttemptsError(wait);
  try {
    await createUser({ email: input.email, password: input.password, name: input.name ?? undefined });
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
  }
}
