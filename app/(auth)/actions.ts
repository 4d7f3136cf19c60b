"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { signIn, signOut, ThrottledSignIn } from "@/lib/auth/config.ts";
import { clientIp } from "@/lib/auth/credentials.ts";
import { fieldErrors, keepValues, type FormState } from "@/lib/auth/form-state.ts";
import { retryAfterMinutes, signInRetryAfter } from "@/lib/auth/throttle.ts";
import { createUser, EmailTakenError } from "@/lib/data/users.ts";
import { signInFormSchema } from "./sign-in/sign-in.schema.ts";
import { signUpFormSchema } from "./sign-up/sign-up.schema.ts";

const WRONG_CREDENTIALS = "Incorrect email or password.";

async function throttledMessage(email: string): Promise<string | undefined> {
  const wait = await signInRetryAfter(email, clientIp(await headers()));
  return wait > 0 ? `Too many attempts, try again in ${retryAfterMinutes(wait)}.` : undefined;
}

/**
 * Starts a session through next-auth. On success signIn() throws Next's redirect to "/",
 * which must propagate; only next-auth's own errors become form errors.
 */
async function startSession(email: string, password: string): Promise<FormState | undefined> {
  try {
    await signIn("credentials", { email, password, redirectTo: "/" });
  } catch (error) {
    if (error instanceof ThrottledSignIn) {
      return { error: (await throttledMessage(email)) ?? "Too many attempts, try again in a few minutes." };
    }
    if (error instanceof AuthError) return { error: WRONG_CREDENTIALS };
    throw error;
  }
}

/** The sign-in form: zod field errors, throttling, then next-auth's Credentials sign-in. */
export async function signInAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = keepValues(formData);
  const parsed = signInFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  const { email, password } = parsed.data;
  const throttled = await throttledMessage(email);
  if (throttled) return { error: throttled, values };
  const failed = await startSession(email, password);
  return { ...failed, values };
}

/** The sign-up form: creates the account (the first one becomes admin), then signs in. */
export async function signUpAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = keepValues(formData);
  const parsed = signUpFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  const { email, password, name } = parsed.data;
  try {
    await createUser({ email, password, name: name ?? undefined });
  } catch (error) {
    if (error instanceof EmailTakenError) {
      return {
        fieldErrors: { email: "An account with this email already exists. Sign in instead." },
        values,
      };
    }
    throw error;
  }
  const failed = await startSession(email, password);
  return { ...failed, values };
}

/** Ends the session and returns to the sign-in page. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
