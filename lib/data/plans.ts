// Plans (docs/gateway.md#what-counts-against-the-quota): the rate limit and monthly quota every account on them shares.
// Reading them is open to any signed-in code; changing them is for admins only, and the
// check is here, in the data layer, not only in the page. The gateway re-reads each cached
// key with its account's plan every 250 ms, so a change applies to calls within a second.
import { z } from "zod";
import { type SessionUser, requireAdminActor } from "../actor.ts";
import { db, isPrismaError } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { countOf } from "../format.ts";

export type Plan = {
  id: number;
  slug: string;
  name: string;
  /** Requests per minute, shared by all of an account's keys. */
  rpm: number;
  /** Calls per calendar month (UTC), shared by all of an account's keys. */
  monthlyQuota: number;
  updatedAt: Date;
};

/** No plan has this slug (or id). */
export class PlanNotFoundError extends Error {
  constructor(slug: string) {
    super(`No plan "${slug}"`);
    this.name = "PlanNotFoundError";
  }
}

const count = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(2_000_000_000, `${what} is too large`);

export const planSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "Use 1–40 lowercase letters, digits or dashes");

/** What an admin may change on a plan; every field optional, at least one given. */
export const planChangesSchema = z
  .object({
    name: z.string().trim().min(1, "Give the plan a name").max(60, "Use at most 60 characters").optional(),
    rpm: count("Requests per minute").optional(),
    monthlyQuota: count("Monthly quota").optional(),
  })
  .refine((c) => c.name !== undefined || c.rpm !== undefined || c.monthlyQuota !== undefined, {
    error: "Nothing to change",
  });
export type PlanChanges = z.input<typeof planChangesSchema>;

/** A complete new plan. */
export const newPlanSchema = z.object({
  slug: planSlugSchema,
  name: z.string().trim().min(1, "Give the plan a name").max(60, "Use at most 60 characters"),
  rpm: count("Requests per minute"),
  monthlyQuota: count("Monthly quota"),
});
export type NewPlan = z.input<typeof newPlanSchema>;

// What a Plan is: selected explicitly, so a column added later does not leak out unseen.
const PLAN = {
  id: true,
  slug: true,
  name: true,
  rpm: true,
  monthlyQuota: true,
  updatedAt: true,
} as const satisfies Prisma.PlanSelect;

const normalise = (slug: string) => slug.trim().toLowerCase();

/** Every plan, cheapest first. */
export async function listPlans(): Promise<Plan[]> {
  return db().prisma.plan.findMany({
    select: PLAN,
    orderBy: [{ monthlyQuota: "asc" }, { rpm: "asc" }, { id: "asc" }],
  });
}

/** One plan by slug, or PlanNotFoundError. */
export async function getPlan(slug: string): Promise<Plan> {
  const plan = await db().prisma.plan.findUnique({ where: { slug: normalise(slug) }, select: PLAN });
  if (!plan) throw new PlanNotFoundError(slug);
  return plan;
}

/** Admins only: changes a plan's name, rate limit and/or quota. Throws ZodError on bad values. */
export async function updatePlan(actor: SessionUser, slug: string, changes: PlanChanges): Promise<Plan> {
  requireAdminActor(actor);
  const { name, rpm, monthlyQuota } = planChangesSchema.parse(changes);
  try {
    return await db().prisma.plan.update({
      where: { slug: normalise(slug) },
      data: { name, rpm, monthlyQuota, updatedAt: new Date() },
      select: PLAN,
    });
  } catch (error) {
    if (isPrismaError(error, "P2025")) throw new PlanNotFoundError(slug);
    throw error;
  }
}

/** Admins only: adds a plan. A taken slug is refused by the unique index (PlanExistsError). */
export async function createPlan(actor: SessionUser, input: NewPlan): Promise<Plan> {
  requireAdminActor(actor);
  const plan = newPlanSchema.parse(input);
  try {
    return await db().prisma.plan.create({ data: plan, select: PLAN });
  } catch (error) {
    if (isPrismaError(error, "P2002")) throw new PlanExistsError(plan.slug);
    throw error;
  }
}

/** A plan with this slug already exists. */
export class PlanExistsError extends Error {
  constructor(slug: string) {
    super(`A plan "${slug}" already exists`);
    this.name = "PlanExistsError";
  }
}

/** The plan is in use (accounts are on it, or new accounts start on it), so it cannot be deleted. */
export class PlanInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInUseError";
  }
}

/** The plan sign-up and `users create` put new accounts on. */
export const DEFAULT_PLAN = "free";

/**
 * Admins only: deletes a plan nobody is on. Throws PlanInUseError while accounts use it
 * (the users → plans foreign key makes this safe against a concurrent move onto the plan),
 * PlanNotFoundError for an unknown slug.
 */
export async function deletePlan(actor: SessionUser, slug: string): Promise<Plan> {
  requireAdminActor(actor);
  const normalised = normalise(slug);
  if (normalised === DEFAULT_PLAN) {
    throw new PlanInUseError(`Plan "${DEFAULT_PLAN}" is where new accounts start: it cannot be deleted`);
  }
  try {
    return await db().prisma.plan.delete({ where: { slug: normalised }, select: PLAN });
  } catch (error) {
    if (isPrismaError(error, "P2025")) throw new PlanNotFoundError(slug);
    // The users → plans foreign key (ON DELETE RESTRICT) refused: say how many are on it.
    if (!isPrismaError(error, "P2003")) throw error;
    const accounts = await db().prisma.user.count({ where: { plan: { slug: normalised } } });
    throw new PlanInUseError(
      `Plan "${normalised}" has ${countOf(accounts, "account")} on it: move them to another plan first`,
    );
  }
}

/** Admins only: how many accounts are on each plan, by slug (plans nobody is on are absent). */
export async function countUsersByPlan(actor: SessionUser): Promise<Record<string, number>> {
  requireAdminActor(actor);
  const plans = await db().prisma.plan.findMany({
    select: { slug: true, _count: { select: { users: true } } },
  });
  return Object.fromEntries(
    plans.filter((plan) => plan._count.users > 0).map((plan) => [plan.slug, plan._count.users]),
  );
}
