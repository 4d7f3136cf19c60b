import { z } from "zod";
import { newPlanSchema, planSlugSchema } from "@/lib/data/plans.ts";
import { redactedQueryParamsInput } from "@/lib/schemas/capture-settings.ts";
import { accountChanges } from "@/lib/data/users.ts";

const userId = z.uuid({ error: "Unknown user" });

/** The per-user plan selector. */
export const setUserPlanSchema = z.object({ userId, plan: planSlugSchema });

/** A plan card's form: every field is submitted, so every field is required here. */
export const updatePlanSchema = z.object({
  slug: planSlugSchema,
  name: z.string().trim().min(1, "Give the plan a name").max(60, "Use at most 60 characters"),
  rpm: z.string().trim().min(1, "Enter requests per minute"),
  monthlyQuota: z.string().trim().min(1, "Enter a monthly quota"),
});

/** The call capture card: the redacted query parameter names, separated by commas or new lines. */
export const captureSettingsSchema = z.object({ redactedQueryParams: redactedQueryParamsInput });

/** The new-plan form. */
export const createPlanSchema = newPlanSchema;

/** A plan's delete button. */
export const deletePlanSchema = z.object({ slug: planSlugSchema });

/** Promote, demote, suspend or unsuspend one account. */
export const changeAccountSchema = z.object({ userId, change: z.enum(accountChanges) });

/** Delete one account: the email typed again, so a stray click cannot do it. */
export const deleteUserSchema = z
  .object({ userId, email: z.string(), confirm: z.string().trim().toLowerCase() })
  .refine((form) => form.confirm === form.email.toLowerCase(), {
    error: "Type the account's email to confirm",
    path: ["confirm"],
  });
