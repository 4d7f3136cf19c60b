import { ChevronLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AccountActions } from "@/components/admin/account-actions.tsx";
import { AccountBadges } from "@/components/admin/account-badges.tsx";
import { QuotaMeter } from "@/components/admin/quota-meter.tsx";
import { UserKeysTable } from "@/components/admin/user-keys-table.tsx";
import { UserPlanForm } from "@/components/admin/user-plan-form.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { LocalTime } from "@/components/ui/local-time.tsx";
import { requireAdmin } from "@/lib/auth/session.ts";
import { listPlans } from "@/lib/data/plans.ts";
import { getUsageOverview } from "@/lib/data/usage.ts";
import { getUserWithUsage, UserNotFoundError } from "@/lib/data/users.ts";
import { countOf, formatPercent } from "@/lib/format.ts";
import { changeAccountAction, deleteUserAction, setUserPlanAction } from "../../actions.ts";

export const metadata: Metadata = { title: "Account" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const admin = await requireAdmin();
  const { id } = await params;
  const user = await getUserWithUsage(admin, id).catch((error: unknown) => {
    if (error instanceof UserNotFoundError) notFound();
    throw error;
  });
  // The admin reads the account's usage as the account itself would see it.
  const [overview, plans] = await Promise.all([
    getUsageOverview({ id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin }),
    listPlans(),
  ]);
  const suspended = user.suspendedAt !== null;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-2">
        <Link href="/admin" className="flex w-fit items-center gap-1 text-sm text-fg-muted hover:text-fg">
          <ChevronLeft className="size-4" aria-hidden />
          All users
        </Link>
        <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight break-all">
          {user.email}
          <AccountBadges isAdmin={user.isAdmin} suspended={suspended} />
        </h1>
        <p className="text-sm text-fg-muted">
          {user.name ? `${user.name} · ` : null}Created{" "}
          <LocalTime value={user.createdAt} seconds={false} withZone />
          {user.suspendedAt ? (
            <>
              {" "}
              · Suspended <LocalTime value={user.suspendedAt} seconds={false} withZone />: its keys get 403
              account_suspended and it cannot sign in.
            </>
          ) : null}
        </p>
      </div>

      <div className="grid gap-4 md:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Plan and this month</CardTitle>
            <CardDescription>Billable calls since 00:00 UTC on the 1st.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <QuotaMeter email={user.email} used={user.callsThisMonth} quota={user.monthlyQuota} />
            <UserPlanForm
              userId={user.id}
              email={user.email}
              planSlug={user.planSlug}
              plans={plans.map(({ slug, name }) => ({ slug, name }))}
              action={setUserPlanAction}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Account</CardTitle>
            <CardDescription>
              Suspending refuses all its keys within a second and ends its sessions; nothing is deleted.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <AccountActions
              account={{ id: user.id, email: user.email, isAdmin: user.isAdmin, suspended }}
              isSelf={user.id === admin.id}
              changeAction={changeAccountAction}
              deleteAction={deleteUserAction}
            />
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>API keys</CardTitle>
          <CardDescription>
            Last 30 days: {countOf(overview.totals.calls, "call")}, {formatPercent(overview.totals.errorRate)}{" "}
            failed.
          </CardDescription>
        </CardHeader>
        <CardContent className="px-0 sm:px-0">
          <UserKeysTable keys={overview.keys} />
        </CardContent>
      </Card>
    </div>
  );
}
