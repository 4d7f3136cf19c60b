import type { Metadata } from "next";
import { CaptureSettingsForm } from "@/components/admin/capture-settings-form.tsx";
import { PlanForm } from "@/components/admin/plan-form.tsx";
import { UserPager } from "@/components/admin/user-pager.tsx";
import { UserSearch } from "@/components/admin/user-search.tsx";
import { UsersTable } from "@/components/admin/users-table.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { requireAdmin } from "@/lib/auth/session.ts";
import { countUsersByPlan, DEFAULT_PLAN, listPlans } from "@/lib/data/plans.ts";
import { getCaptureSettings } from "@/lib/data/settings.ts";
import { listUsersWithUsage, userListQuerySchema } from "@/lib/data/users.ts";
import { countOf } from "@/lib/format.ts";
import {
  createPlanAction,
  deletePlanAction,
  setUserPlanAction,
  updateCaptureSettingsAction,
  updatePlanAction,
} from "./actions.ts";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // 404 for non-admins here; the data layer refuses them again on every call.
  const admin = await requireAdmin();
  const { q, page } = userListQuerySchema.parse(await searchParams);
  const [list, plans, planUsers, capture] = await Promise.all([
    listUsersWithUsage(admin, { q, page }),
    listPlans(),
    countUsersByPlan(admin),
    getCaptureSettings(admin),
  ]);
  return (
    <div className="flex flex-col gap-8">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
        <p className="text-sm text-fg-muted">
          Accounts, their plans and this month&apos;s usage. Months are calendar months in UTC; changes reach
          the gateway within seconds.
        </p>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Users</CardTitle>
          <CardDescription>
            {q ? `${countOf(list.total, "account")} matching “${q}”` : countOf(list.total, "account")}, newest
            first. Calls are billable calls since 00:00 UTC on the 1st. Open an account to see its keys,
            suspend or delete it.
          </CardDescription>
          <div className="pt-2">
            <UserSearch query={q} />
          </div>
        </CardHeader>
        <CardContent className="px-0 sm:px-2">
          {list.users.length === 0 ? (
            <p className="px-4 text-sm text-fg-muted sm:px-5">No accounts match.</p>
          ) : (
            <UsersTable users={list.users} plans={plans} setPlanAction={setUserPlanAction} />
          )}
          <UserPager query={q} page={list.page} pages={list.pages} />
        </CardContent>
      </Card>

      <section aria-labelledby="plans-heading" className="flex flex-col gap-3">
        <div className="flex flex-col gap-1">
          <h2 id="plans-heading" className="text-lg font-semibold">
            Plans
          </h2>
          <p className="text-sm text-fg-muted">
            The rate limit and monthly quota are shared by all keys of an account on the plan. A plan can be
            deleted once no account is on it.
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {plans.map((plan) => (
            <PlanForm
              key={plan.slug}
              plan={{ slug: plan.slug, name: plan.name, rpm: plan.rpm, monthlyQuota: plan.monthlyQuota }}
              users={planUsers[plan.slug] ?? 0}
              deletable={plan.slug !== DEFAULT_PLAN}
              action={updatePlanAction}
              deleteAction={deletePlanAction}
            />
          ))}
          <PlanForm action={createPlanAction} />
        </div>
      </section>

      <CaptureSettingsForm settings={capture} updateAction={updateCaptureSettingsAction} />
    </div>
  );
}
