import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { NotAdminError, type SessionUser } from "../actor.ts";
import { testDatabase } from "../db/test-database.ts";
import {
  createPlan,
  deletePlan,
  getPlan,
  listPlans,
  PlanExistsError,
  PlanInUseError,
  PlanNotFoundError,
  updatePlan,
} from "./plans.ts";
import { createUser, setUserPlan } from "./users.ts";

const database = testDatabase();
const slug = () => `t-${randomUUID().slice(0, 8)}`;

describe("plans", () => {
  let admin: SessionUser;
  let member: SessionUser;
  beforeAll(async () => {
    admin = await createUser({
      email: `admin-${randomUUID()}@example.com`,
      password: "secret-1234",
      isAdmin: true,
    });
    member = await createUser({ email: `member-${randomUUID()}@example.com`, password: "secret-1234" });
  });

  it("are seeded with the limits in docs/gateway.md", async () => {
    const plans = await listPlans();
    const bySlug = Object.fromEntries(plans.map((p) => [p.slug, [p.rpm, p.monthlyQuota]]));
    expect(bySlug).toMatchObject({
      free: [1, 1_000],
      basic: [60, 20_000],
      advanced: [300, 100_000],
      vip: [600, 1_000_000],
    });
  });

  it("can be created and edited by an admin, bumping updated_at", async () => {
    const s = slug();
    const created = await createPlan(admin, { slug: s, name: "Test", rpm: 5, monthlyQuota: 50 });
    await database.pool.query("UPDATE plans SET updated_at = now() - interval '1 hour' WHERE slug = $1", [s]);
    const updated = await updatePlan(admin, s, { rpm: "7" });
    expect(updated).toMatchObject({ slug: s, name: "Test", rpm: 7, monthlyQuota: 50 });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime() - 1);
    expect(Date.now() - updated.updatedAt.getTime()).toBeLessThan(60_000);
    expect(await getPlan(s)).toMatchObject({ rpm: 7 });
    await expect(createPlan(admin, { slug: s, name: "Again", rpm: 1, monthlyQuota: 1 })).rejects.toThrow(
      PlanExistsError,
    );
  });

  it("refuse rpm or quota below 1, fractions and empty changes", async () => {
    const s = slug();
    await createPlan(admin, { slug: s, name: "Test", rpm: 5, monthlyQuota: 50 });
    await expect(updatePlan(admin, s, { rpm: 0 })).rejects.toThrow(ZodError);
    await expect(updatePlan(admin, s, { monthlyQuota: -3 })).rejects.toThrow(ZodError);
    await expect(updatePlan(admin, s, { rpm: 1.5 })).rejects.toThrow(ZodError);
    await expect(updatePlan(admin, s, {})).rejects.toThrow(ZodError);
    expect(await getPlan(s)).toMatchObject({ rpm: 5, monthlyQuota: 50 });
  });

  it("cannot be changed by a non-admin", async () => {
    await expect(updatePlan(member, "free", { rpm: 1000 })).rejects.toThrow(NotAdminError);
    await expect(createPlan(member, { slug: slug(), name: "X", rpm: 1, monthlyQuota: 1 })).rejects.toThrow(
      NotAdminError,
    );
    expect((await getPlan("free")).rpm).toBe(1);
  });

  it("answer not found for an unknown slug", async () => {
    await expect(updatePlan(admin, "no-such-plan", { rpm: 2 })).rejects.toThrow(PlanNotFoundError);
  });

  it("can be deleted by an admin only when no account is on it", async () => {
    const s = slug();
    await createPlan(admin, { slug: s, name: "Doomed", rpm: 1, monthlyQuota: 1 });
    const user = await createUser({
      email: `on-${randomUUID()}@example.com`,
      password: "secret-1234",
      planSlug: s,
    });
    await expect(deletePlan(member, s)).rejects.toThrow(NotAdminError);
    await expect(deletePlan(admin, s)).rejects.toThrow(`Plan "${s}" has 1 account on it`);
    await expect(deletePlan(admin, s)).rejects.toThrow(PlanInUseError);
    expect((await getPlan(s)).name).toBe("Doomed");
    await setUserPlan(admin, { id: user.id }, "free");
    expect((await deletePlan(admin, ` ${s.toUpperCase()} `)).slug).toBe(s);
    await expect(getPlan(s)).rejects.toThrow(PlanNotFoundError);
    await expect(deletePlan(admin, s)).rejects.toThrow(PlanNotFoundError);
  });

  it("never deletes the plan new accounts start on", async () => {
    await expect(deletePlan(admin, "free")).rejects.toThrow(PlanInUseError);
    expect((await getPlan("free")).slug).toBe("free");
  });
});
