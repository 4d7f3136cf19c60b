import { z } from "zod";

/** An email as stored: trimmed and lowercased, so "Ann@X.io " and "ann@x.io" are one account. */
export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address")
  .max(254, "That email address is too long")
  .pipe(z.email({ error: "Enter a valid email address, like you@example.com" }));

/** The shortest new password accepted (the sign-up form shows it; see new-password.schema.ts). */
export const PASSWORD_MIN_LENGTH = 10;

/** An optional display name; blank means none. */
export const displayNameSchema = z
  .string()
  .trim()
  .max(100, "Use at most 100 characters")
  .optional()
  .transform((name) => (name ? name : null));
