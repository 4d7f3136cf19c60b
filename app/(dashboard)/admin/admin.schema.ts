import { z } from "zod";
import { planSlugSchema } from "@/lib/data/plans.ts";
import { redactedQueryParamsInput } from "@/lib/schemas/capture-settings.ts";

/** The per-user plan selector. */
export const setUserPlanSchema = z.object({
  userId: z.uuid({ error: "Unknown user" }),
  plan: planSlugSchema,
});

/** A plan card's form: every field is submitted, so every field is required here. */
export const updatePlanSchema = z.object({
  slug: planSlugSchema,
  name: z.string().trim().min(1, "Give the plan a name").max(60, "Use at most 60 characters"),
  rpm: z.string().trim().min(1, "Enter requests per minute"),
  monthlyQuota: z.string().trim().min(1, "Enter a monthly quota"),
});

/** The call capture card: the redacted query parameter names, separated by commas or new lines. */
export const captureSettingsSchema = z.object({ redactedQueryParams: redactedQueryParamsInput });
