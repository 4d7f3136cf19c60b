"use server";

import { AuthError } from "next-auth";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ActionState } from "@/lib/action-state.ts";
import { Refusal, runAction } from "@/lib/action.ts";
import { signIn, signOut, ThrottledSignIn } from "@/lib/auth/config.ts";
import { signInSchema } from "@/lib/auth/credentials.ts";
import { requestIp } from "@/lib/auth/request-ip.ts";
import { RETURN_TO_COOKIE, safeReturnTo } from "@/lib/auth/return-to.ts";
import { signUp } from "@/lib/auth/sign-up.ts";
import { retryAfterMinutes, signInRetryAfter, TooManyAttemptsError } from "@/lib/auth/throttle.ts";
import { env } from "@/lib/env.ts";
import { signUpFormSchema } from "./sign-up/sign-up.schema.ts";

const WRONG_CREDENTIALS = "Incorrect email or password.";

async function throttledMessage(email: string): Promise<string | undefined> {
  const wait = await signInRetryAfter(email, requestIp(await headers()));
  return wait > 0 ? `Too many attempts, try again in ${retryAfterMinutes(wait)}.` : undefined;
}

/**
 * Starts a session through next-auth. On success signIn() throws Next's redirect to the page
 * the visitor asked for before signing in (or "/"), which must propagate; only next-auth's
 * own errors become refusals.
 */
async function startSession(email: string, password: string): Promise<void> {
  const jar = await cookies();
  const redirectTo = safeReturnTo(jar.get(RETURN_TO_COOKIE)?.value);
  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (error) {
    if (error instanceof ThrottledSignIn) {
      throw new Refusal((await throttledMessage(email)) ?? "Too many attempts, try again in a few minutes.");
    }
    if (error instanceof AuthError) throw new Refusal(WRONG_CREDENTIALS);
    // Signed in: the redirect is on its way, so the remembered page is used up.
    if (jar.has(RETURN_TO_COOKIE)) jar.delete(RETURN_TO_COOKIE);
    throw error;
  }
}

/** The sign-in form: zod field errors, throttling, then next-auth's Credentials sign-in. */
export async function signInAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return runAction(
    null,
    signInSchema,
    formData,
    async (_nobody, { email, password }) => {
      const throttled = await throttledMessage(email);
      if (throttled) throw new Refusal(throttled);
      await startSession(email, password);
      return "Signed in";
    },
    { keep: ["email"] },
  );
}

/**
 * The sign-up form: creates the account (the first one becomes admin), throttled per client
 * address, then sends the visitor to sign in. A taken email ends the same way as a new one,
 * so the form does not reveal who has an account.
 */
export async function signUpAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return runAction(
    null,
    signUpFormSchema,
    formData,
    async (_nobody, input) => {
      try {
        await signUp(input, requestIp(await headers()), env().SIGN_UP_LIMIT);
      } catch (error) {
        if (!(error instanceof TooManyAttemptsError)) throw error;
        throw new Refusal(
          `Too many sign-ups from your network, try again in ${retryAfterMinutes(error.retryAfterSeconds)}.`,
        );
      }
      redirect("/sign-in?signed-up=1");
    },
    { keep: ["email", "name"] },
  );
}

/** Ends the session (every session of the account: see endSessionsFrom) and returns to sign-in. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
