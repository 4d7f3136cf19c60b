"use server";

import { redirect } from "next/navigation";
import type { z } from "zod";
import type { ActionState } from "@/lib/action-state.ts";
import type { SessionUser } from "@/lib/actor.ts";
import { userAction } from "@/lib/auth/action.ts";
import {
  createPlan,
  deletePlan,
  PlanExistsError,
  PlanInUseError,
  PlanNotFoundError,
  updatePlan,
} from "@/lib/data/plans.ts";
import { setRedactedQueryParams } from "@/lib/data/settings.ts";
import { countOf } from "@/lib/format.ts";
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

/**
 * Every admin action: the data layer refuses non-admins (shown as "Not found"), the
 * refusals an admin can cause are shown as the form's error, the fields of the plan and
 * capture forms are put back after a failure, and a success refreshes the admin pages.
 */
function adminAction<S extends z.ZodType>(
  schema: S,
  formData: FormData,
  work: (actor: SessionUser, input: z.output<S>) => Promise<string>,
): Promise<ActionState> {
  return userAction(schema, formData, work, {
    refresh: "/admin",
    refusals: [PlanNotFoundError, PlanExistsError, PlanInUseError, UserNotFoundError, AdminGuardError],
    keep: ["slug", "name", "rpm", "monthlyQuota", "redactedQueryParams"],
  });
}

/** Moves a user to another plan. */
export async function setUserPlanAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return adminAction(setUserPlanSchema, formData, async (actor, { userId, plan }) => {
    const user = await setUserPlan(actor, { id: userId }, plan);
    return `${user.email} is now on ${user.planSlug}`;
  });
}

/** Edits a plan's name, rate limit and monthly quota. */
export async function updatePlanAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return adminAction(updatePlanSchema, formData, async (actor, { slug, ...changes }) => {
    const plan = await updatePlan(actor, slug, changes);
    return `Saved ${plan.name}`;
  });
}

/** Replaces the query parameter names whose values the call log stores as [REDACTED]. */
export async function updateCaptureSettingsAction(
  _previous: unknown,
  formData: FormData,
): Promise<ActionState> {
  return adminAction(captureSettingsSchema, formData, async (actor, { redactedQueryParams }) => {
    const names = await setRedactedQueryParams(actor, redactedQueryParams);
    return names.length === 0
      ? "Saved: no query parameter is redacted now (tg_ keys still are)"
      : `Saved ${countOf(names.length, "name")}; gateways apply them within seconds`;
  });
}

/** Adds a plan. */
export async function createPlanAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return adminAction(createPlanSchema, formData, async (actor, plan) => {
    const created = await createPlan(actor, plan);
    return `Created ${created.name}`;
  });
}

/** Deletes a plan nobody is on. */
export async function deletePlanAction(_previous: unknown, formData: FormData): Promise<ActionState> {
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
export async function changeAccountAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return adminAction(changeAccountSchema, formData, async (actor, { userId, change }) => {
    const user = await changeAccount(actor, { id: userId }, change);
    return `${user.email} ${DONE[change]}`;
  });
}

/** Deletes an account with its keys and calls, then goes back to the users list. */
export async function deleteUserAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  const state = await adminAction(deleteUserSchema, formData, async (actor, { userId }) => {
    const user = await changeAccount(actor, { id: userId }, "delete");
    return `Deleted ${user.email}`;
  });
  if (state.status === "ok") redirect("/admin");
  return state;
}
