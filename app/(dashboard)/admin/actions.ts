"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { NotAdminError, type SessionUser } from "@/lib/actor.ts";
import { fieldErrors, keepValues, type FormState } from "@/lib/auth/form-state.ts";
import { requireUser } from "@/lib/auth/session.ts";
import {
  createPlan,
  deletePlan,
  PlanExistsError,
  PlanInUseError,
  PlanNotFoundError,
  updatePlan,
} from "@/lib/data/plans.ts";
import { setRedactedQueryParams } from "@/lib/data/settings.ts";
import { AdminGuardError, changeAccount, setUserPlan, UserNotFoundError } from "@/lib/data/users.ts";
import {
  captureSettingsSchema,
  changeAccountSchema,
  createPlanSchema,
  deletePlanSchema,
  deleteUserSchema,
  setUserPlanSchema,
  updatePlanSchema,
} from "./admin.schema.ts";

/** Refusals an admin can cause and read: shown as the form's error. */
const EXPECTED = [
  PlanNotFoundError,
  PlanExistsError,
  PlanInUseError,
  UserNotFoundError,
  AdminGuardError,
] as const;

/**
 * The one wrapper every admin action goes through: the session decides the actor (fresh
 * from the database), zod decides the input, the data layer refuses non-admins, and
 * expected refusals come back as form errors rather than stack traces.
 */
async function adminAction<S extends z.ZodType>(
  schema: S,
  formData: FormData,
  work: (actor: SessionUser, input: z.output<S>) => Promise<string>,
): Promise<FormState> {
  const actor = await requireUser();
  const values = keepValues(formData);
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  try {
    const message = await work(actor, parsed.data);
    revalidatePath("/admin", "layout");
    return { ok: true, message, values };
  } catch (error) {
    if (error instanceof z.ZodError) return { fieldErrors: fieldErrors(error), values };
    if (error instanceof NotAdminError) return { error: "Not found", values };
    if (EXPECTED.some((type) => error instanceof type)) return { error: (error as Error).message, values };
    throw error;
  }
}

/** Moves a user to another plan. */
export async function setUserPlanAction(_previous: FormState, formData: FormData): Promise<FormState> {
  return adminAction(setUserPlanSchema, formData, async (actor, { userId, plan }) => {
    const user = await setUserPlan(actor, { id: userId }, plan);
    return `${user.email} is now on ${user.planSlug}`;
  });
}

/** Edits a plan's name, rate limit and monthly quota. */
export async function updatePlanAction(_previous: FormState, formData: FormData): Promise<FormState> {
  return adminAction(updatePlanSchema, formData, async (actor, { slug, ...changes }) => {
    const plan = await updatePlan(actor, slug, changes);
    return `Saved ${plan.name}`;
  });
}

/** Replaces the query parameter names whose values the call log stores as [REDACTED]. */
export async function updateCaptureSettingsAction(
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  return adminAction(captureSettingsSchema, formData, async (actor, { redactedQueryParams }) => {
    const names = await setRedactedQueryParams(actor, redactedQueryParams);
    return names.length === 0
      ? "Saved: no query parameter is redacted now (tg_ keys still are)"
      : `Saved ${names.length} ${names.length === 1 ? "name" : "names"}; gateways apply them within seconds`;
  });
}

/** Adds a plan. */
export async function createPlanAction(_previous: FormState, formData: FormData): Promise<FormState> {
  return adminAction(createPlanSchema, formData, async (actor, plan) => {
    const created = await createPlan(actor, plan);
    return `Created ${created.name}`;
  });
}

/** Deletes a plan nobody is on. */
export async function deletePlanAction(_previous: FormState, formData: FormData): Promise<FormState> {
  return adminAction(deletePlanSchema, formData, async (actor, { slug }) => {
    const plan = await deletePlan(actor, slug);
    return `Deleted ${plan.name}`;
  });
}

const DONE = {
  promote: "is now an admin",
  demote: "is no longer an admin",
  suspend: "is suspended: its keys are refused and its sessions ended",
  unsuspend: "is active again",
} as const;

/** Promotes, demotes, suspends or unsuspends an account. */
export async function changeAccountAction(_previous: FormState, formData: FormData): Promise<FormState> {
  return adminAction(changeAccountSchema, formData, async (actor, { userId, change }) => {
    const user = await changeAccount(actor, { id: userId }, change);
    return `${user.email} ${DONE[change]}`;
  });
}

/** Deletes an account with its keys and calls, then goes back to the users list. */
export async function deleteUserAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const state = await adminAction(deleteUserSchema, formData, async (actor, { userId }) => {
    const user = await changeAccount(actor, { id: userId }, "delete");
    return `Deleted ${user.email}`;
  });
  // redirect() throws, so it must run outside adminAction's try.
  if (state.ok) redirect("/admin");
  return state;
}
