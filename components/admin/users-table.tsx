import Link from "next/link";
import { LocalTime, TimeZoneHeader } from "@/components/ui/local-time.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { ServerAction } from "@/lib/action-state.ts";
import type { Plan } from "@/lib/data/plans.ts";
import type { UserWithUsage } from "@/lib/data/users.ts";
import { AccountBadges } from "./account-badges.tsx";
import { QuotaMeter } from "./quota-meter.tsx";
import { UserPlanForm } from "./user-plan-form.tsx";

function UserLink({ user }: { user: UserWithUsage }) {
  return (
    <Link href={`/admin/users/${user.id}`} className="font-medium break-all text-accent hover:underline">
      {user.email}
    </Link>
  );
}

/**
 * Accounts with their plan, this month's usage against the quota and a plan selector: a
 * table from tablet width up, one card per account on a phone (a five-column table does
 * not fit 390 px without hiding what matters).
 */
export function UsersTable({
  users,
  plans,
  setPlanAction,
}: {
  users: UserWithUsage[];
  plans: Plan[];
  setPlanAction: ServerAction;
}) {
  const options = plans.map(({ slug, name }) => ({ slug, name }));
  const planForm = (user: UserWithUsage) => (
    <UserPlanForm
      userId={user.id}
      email={user.email}
      planSlug={user.planSlug}
      plans={options}
      action={setPlanAction}
    />
  );
  return (
    <>
      <div className="hidden md:block">
        <Table aria-label="Users">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Email</TableHeaderCell>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Plan</TableHeaderCell>
              <TableHeaderCell>Calls this month</TableHeaderCell>
              <TableHeaderCell>
                <TimeZoneHeader label="Created" />
              </TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {users.map((user) => (
              <TableRow key={user.id}>
                <TableCell>
                  <span className="flex flex-wrap items-center gap-2">
                    <UserLink user={user} />
                    <AccountBadges isAdmin={user.isAdmin} suspended={user.suspendedAt !== null} />
                  </span>
                </TableCell>
                <TableCell className="text-fg-muted">{user.name ?? "—"}</TableCell>
                <TableCell>{planForm(user)}</TableCell>
                <TableCell>
                  <QuotaMeter email={user.email} used={user.callsThisMonth} quota={user.monthlyQuota} />
                </TableCell>
                <TableCell className="whitespace-nowrap text-fg-muted">
                  <LocalTime value={user.createdAt} seconds={false} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <ul aria-label="Users" className="flex flex-col divide-y divide-border md:hidden">
        {users.map((user) => (
          <li key={user.id} className="flex flex-col gap-3 px-4 py-4">
            <div className="flex flex-wrap items-center gap-2">
              <UserLink user={user} />
              <AccountBadges isAdmin={user.isAdmin} suspended={user.suspendedAt !== null} />
            </div>
            {user.name ? <p className="-mt-2 text-sm text-fg-muted">{user.name}</p> : null}
            <QuotaMeter email={user.email} used={user.callsThisMonth} quota={user.monthlyQuota} />
            {planForm(user)}
            <p className="text-xs text-fg-muted">
              Created <LocalTime value={user.createdAt} seconds={false} withZone />
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
