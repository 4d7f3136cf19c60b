import type { Metadata } from "next";
import { CaptureSettingsForm } from "@/components/admin/capture-settings-form.tsx";
import { PlanForm } from "@/components/admin/plan-form.tsx";
import { UsersTable } from "@/components/admin/users-table.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { requireAdmin } from "@/lib/auth/session.ts";
import { listPlans } from "@/lib/data/plans.ts";
import { getCaptureSettings } from "@/lib/data/settings.ts";
import { listUsersWithUsage } from "@/lib/data/users.ts";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  // 404 for non-admins here; the data layer refuses them again on every call.
  const admin = await requireAdmin();
  const [users, plans, capture] = await Promise.all([
    listUsersWithUsage(admin),
    listPlans(),
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
            {users.length} {users.length === 1 ? "account" : "accounts"}, newest first. Calls are billable
            calls since 00:00 UTC on the 1st.
          </CardDescription>
        </CardHeader>
        <CardContent className="px-0 sm:px-2">
          <UsersTable users={users} plans={plans} />
        </CardContent>
      </Card>

      <section aria-labelledby="plans-heading" className="flex flex-col gap-3">
        <div className="flex flex-col gap-1">
          <h2 id="plans-heading" className="text-lg font-semibold">
            Plans
          </h2>
          <p className="text-sm text-fg-muted">
            The rate limit and monthly quota are shared by all keys of an account on the plan.
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {plans.map((plan) => (
            <PlanForm
              key={plan.slug}
              plan={{ slug: plan.slug, name: plan.name, rpm: plan.rpm, monthlyQuota: plan.monthlyQuota }}
            />
          ))}
        </div>
      </section>

      <CaptureSettingsForm settings={capture} />
    </div>
  );
}
