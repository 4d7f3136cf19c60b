import { Badge } from "@/components/ui/badge.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { Plan } from "@/lib/data/plans.ts";
import type { UserWithUsage } from "@/lib/data/users.ts";
import { UserPlanForm } from "./user-plan-form.tsx";

const number = new Intl.NumberFormat("en-US");
const day = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC" });

/** Every account with its plan, this month's usage against the quota, and a plan selector. */
export function UsersTable({ users, plans }: { users: UserWithUsage[]; plans: Plan[] }) {
  const options = plans.map(({ slug, name }) => ({ slug, name }));
  return (
    <Table>
      <TableHead>
        <TableRow>
          <TableHeaderCell>Email</TableHeaderCell>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Plan</TableHeaderCell>
          <TableHeaderCell>Calls this month</TableHeaderCell>
          <TableHeaderCell>Created (UTC)</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {users.map((user) => {
          const percent =
            user.monthlyQuota > 0 ? Math.min(100, (user.callsThisMonth / user.monthlyQuota) * 100) : 0;
          return (
            <TableRow key={user.id}>
              <TableCell className="font-medium">
                <span className="flex items-center gap-2">
                  {user.email}
                  {user.isAdmin ? <Badge variant="accent">Admin</Badge> : null}
                </span>
              </TableCell>
              <TableCell className="text-fg-muted">{user.name ?? "—"}</TableCell>
              <TableCell>
                <UserPlanForm userId={user.id} email={user.email} planSlug={user.planSlug} plans={options} />
              </TableCell>
              <TableCell>
                <div className="flex min-w-40 flex-col gap-1">
                  <span className="tabular-nums">
                    {number.format(user.callsThisMonth)} / {number.format(user.monthlyQuota)}
                  </span>
                  <div
                    className="h-1.5 w-full rounded-full bg-surface-muted"
                    role="meter"
                    aria-label={`Quota used by ${user.email}`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(percent)}
                  >
                    <div
                      className={
                        percent >= 90 ? "h-full rounded-full bg-danger" : "h-full rounded-full bg-accent"
                      }
                      style={{ width: `${percent}%` }}
                    />
                  </div>
                </div>
              </TableCell>
              <TableCell className="whitespace-nowrap text-fg-muted tabular-nums">
                {day.format(user.createdAt)}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
