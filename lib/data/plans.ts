// Plans (docs/gateway.md#what-counts-against-the-quota): the rate limit and monthly quota every account on them shares.
// Reading them is open to any signed-in code; changing them is for admins only, and the
// check is here, in the data layer, not only in the page. Changes set updated_at = now()
// (the database clock) because the gateway refreshes its plan cache by polling it.
import { z } from "zod";
import { type SessionUser, requireAdminActor } from "../actor.ts";
import { db } from "../db/client.ts";
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

const COLUMNS = `id, slug, name, rpm, monthly_quota AS "monthlyQuota", updated_at AS "updatedAt"`;

/** Every plan, cheapest first. */
export async function listPlans(): Promise<Plan[]> {
  const { rows } = await db().pool.query<Plan>(
    `SELECT ${COLUMNS} FROM plans ORDER BY monthly_quota, rpm, id`,
  );
  return rows;
}

/** One plan by slug, or PlanNotFoundError. */
export async function getPlan(slug: string): Promise<Plan> {
  const { rows } = await db().pool.query<Plan>(`SELECT ${COLUMNS} FROM plans WHERE slug = $1`, [
    slug.trim().toLowerCase(),
  ]);
  const plan = rows[0];
  if (!plan) throw new PlanNotFoundError(slug);
  return plan;
}

/** Admins only: changes a plan's name, rate limit and/or quota. Throws ZodError on bad values. */
export async function updatePlan(actor: SessionUser, slug: string, changes: PlanChanges): Promise<Plan> {
  requireAdminActor(actor);
  const parsed = planChangesSchema.parse(changes);
  const { rows } = await db().pool.query<Plan>(
    `UPDATE plans SET
       name = COALESCE($2, name),
       rpm = COALESCE($3, rpm),
       monthly_quota = COALESCE($4, monthly_quota),
       updated_at = now()
     WHERE slug = $1
     RETURNING ${COLUMNS}`,
    [slug.trim().toLowerCase(), parsed.name ?? null, parsed.rpm ?? null, parsed.monthlyQuota ?? null],
  );
  const plan = rows[0];
  if (!plan) throw new PlanNotFoundError(slug);
  return plan;
}

/** Admins only: adds a plan. A taken slug is refused by the unique index (PlanExistsError). */
export async function createPlan(actor: SessionUser, input: NewPlan): Promise<Plan> {
  requireAdminActor(actor);
  const plan = newPlanSchema.parse(input);
  const { rows } = await db().pool.query<Plan>(
    `INSERT INTO plans (slug, name, rpm, monthly_quota) VALUES ($1, $2, $3, $4)
     ON CONFLICT (slug) DO NOTHING
     RETURNING ${COLUMNS}`,
    [plan.slug, plan.name, plan.rpm, plan.monthlyQuota],
  );
  const created = rows[0];
  if (!created) throw new PlanExistsError(plan.slug);
  return created;
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
  const normalised = slug.trim().toLowerCase();
  if (normalised === DEFAULT_PLAN) {
    throw new PlanInUseError(`Plan "${DEFAULT_PLAN}" is where new accounts start: it cannot be deleted`);
  }
  try {
    const { rows } = await db().pool.query<Plan>(`DELETE FROM plans WHERE slug = $1 RETURNING ${COLUMNS}`, [
      normalised,
    ]);
    const deleted = rows[0];
    if (!deleted) throw new PlanNotFoundError(slug);
    return deleted;
  } catch (error) {
    // 23001 restrict_violation (ON DELETE RESTRICT), 23503 for a plain foreign key.
    const code = (error as { code?: string }).code;
    if (code !== "23001" && code !== "23503") throw error;
    const { rows } = await db().pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM users JOIN plans ON plans.id = users.plan_id WHERE plans.slug = $1",
      [normalised],
    );
    const accounts = Number(rows[0]?.n ?? 0);
    throw new PlanInUseError(
      `Plan "${normalised}" has ${countOf(accounts, "account")} on it: move them to another plan first`,
    );
  }
}

/** Admins only: how many accounts are on each plan, by slug (plans nobody is on are absent). */
export async function countUsersByPlan(actor: SessionUser): Promise<Record<string, number>> {
  requireAdminActor(actor);
  const { rows } = await db().pool.query<{ slug: string; n: number }>(
    "SELECT p.slug, count(*)::int AS n FROM users u JOIN plans p ON p.id = u.plan_id GROUP BY p.slug",
  );
  return Object.fromEntries(rows.map((row) => [row.slug, row.n]));
}
