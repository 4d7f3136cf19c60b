// Kept apart from account.schema.ts, which the sign-up form (a client component) imports:
// the common-password list stays on the server.
import { dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";
import { PASSWORD_MIN_LENGTH } from "./account.schema.ts";

/** How many of the most used passwords (zxcvbn's ranked list, shipped with the package) are refused. */
export const COMMON_PASSWORD_COUNT = 10_000;

let common: Set<string> | undefined;

/** Whether a password is among the most common ones (compared in lowercase, as the list is). */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary["passwords-common"].slice(0, COMMON_PASSWORD_COUNT));
  return common.has(password.toLowerCase());
}

/**
 * A new password: at least PASSWORD_MIN_LENGTH characters, not one of the most common
 * passwords, and capped so hashing cannot be abused with megabytes.
 */
export const newPasswordSchema = z
  .string({ error: "Choose a password" })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, "Use at most 256 characters")
  .refine((password) => !isCommonPassword(password), {
    error: "This password is one of the most common ones; choose another",
  });
