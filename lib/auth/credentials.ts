import { z } from "zod";
import { findUserForSignIn } from "../data/users.ts";
import { emailSchema } from "./account.schema.ts";
import { verifyAgainstDummy, verifyPassword } from "./password.ts";
import type { SessionUser } from "../actor.ts";
import { clearFailedSignIns, reserveSignInAttempt, TooManyAttemptsError } from "./throttle.ts";

/** The sign-in form, and what verifyCredentials accepts. */
export const signInSchema = z.object({
  email: emailSchema,
  // Not the new-password rules: an old account may predate them, and the hash decides.
  password: z
    .string({ error: "Enter your password" })
    .min(1, "Enter your password")
    .max(256, "That password is too long"),
});
export type SignInInput = z.input<typeof signInSchema>;

/**
 * Checks an email and password, throttled per email and per client IP.
 * The attempt is counted before the password is checked, so concurrent guesses cannot all
 * slip under the limit. Returns the user, or null for a wrong email or password (the
 * attempt stays counted); throws TooManyAttemptsError while throttled (the password is
 * then not even checked).
 */
export async function verifyCredentials(
  input: SignInInput | Partial<Record<string, unknown>>,
  ip: string,
): Promise<(SessionUser & { sessionVersion: number }) | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const wait = await reserveSignInAttempt(email, ip);
  if (wait > 0) throw new TooManyAttemptsError(wait);
  const user = await findUserForSignIn(email);
  if (!user) await verifyAgainstDummy(password);
  if (!user || !(await verifyPassword(user.passwordHash, password))) return null;
  await clearFailedSignIns(email);
  const { id, name, isAdmin, sessionVersion } = user;
  return { id, email: user.email, name, isAdmin, sessionVersion };
}
