import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { db } from "../db/client.ts";
import { lastUtcDays, utcMonth, zeroFillDays, type DailyCount } from "../time/calendar.ts";
import { errorRate, quotaSummary, type Quota } from "../usage/quota.ts";

// Everything here reads the usage_daily rollup (and api_keys, plans), never the raw
// calls table: the overview costs the same at ten calls or ten million. The grouped sums
// are raw SQL (rows parsed by the zod schemas below): Prisma's groupBy cannot group by
// endpoint_pattern() nor join the keys to their sums.

/** How many days the overview looks back. */
export const WINDOW_DAYS = 30;

export type QuotaStatus = Quota & {
  /** 00:00 UTC on the 1st of next month. */
  resetsAt: Date;
  plan: { slug: string; name: string; rpm: number };
};

export type EndpointUsage = { path: string; calls: number; failures: number };

export type KeyUsage = {
  id: string;
  name: string;
  label: string;
  status: "active" | "inactive";
  deleted: boolean;
  calls: number;
  failures: number;
  /** Last time the gateway saw the key, or the last UTC day it has calls in the window. */
  lastUsedAt: Date | null;
  createdAt: Date;
  /** Older than the window and no calls in it: a candidate for clean-up. */
  unused: boolean;
};

export type UsageOverview = {
  /** The first UTC day of the window, `YYYY-MM-DD`. */
  since: string;
  quota: QuotaStatus;
  days: DailyCount[];
  totals: { calls: number; failures: number; errorRate: number };
  topByCalls: EndpointUsage[];
  topByFailures: EndpointUsage[];
  keys: KeyUsage[];
};

/** This UTC month's quota for the user's account: used, limit, remaining, percent, reset time, plan. */
export async function getQuota(user: SessionUser, now = new Date()): Promise<QuotaStatus> {
  const month = utcMonth(now);
  const { prisma } = db();
  const [account, usage] = await Promise.all([
    prisma.user.findUnique({
      where: { id: user.id },
      select: { plan: { select: { slug: true, name: true, rpm: true, monthlyQuota: true } } },
    }),
    prisma.usageDaily.aggregate({
      where: { userId: user.id, day: { gte: month.start, lt: month.resetsAt } },
      _sum: { billable: true },
    }),
  ]);
  if (!account) throw new Error("account not found");
  const { monthlyQuota, ...plan } = account.plan;
  return {
    ...quotaSummary(usage._sum.billable ?? 0, monthlyQuota),
    resetsAt: month.resetsAt,
    plan,
  };
}

const count = z.coerce.number();
const dailyRow = z.object({ day: z.string(), calls: count, failures: count });
const endpointRow = z.object({ path: z.string(), calls: count, failures: count });
const keyRow = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  last4: z.string(),
  status: z.enum(["active", "inactive"]),
  deleted: z.boolean(),
  last_used_at: z.date().nullable(),
  created_at: z.date(),
  calls: count.nullable(),
  failures: count.nullable(),
  last_day: z.string().nullable(),
});

/** The overview page in one call: quota, 30-day daily series, error rate, top endpoints, per-key usage. */
export async function getUsageOverview(user: SessionUser, now = new Date()): Promise<UsageOverview> {
  const days = lastUtcDays(now, WINDOW_DAYS);
  const since = days[0] ?? "";
  const { prisma } = db();
  const [quota, daily, endpoints, keys] = await Promise.all([
    getQuota(user, now),
    prisma.$queryRaw`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, SUM(calls)::text AS calls, SUM(failures)::text AS failures
        FROM usage_daily WHERE user_id = ${user.id}::uuid AND day >= ${since}::date
       GROUP BY day`.then((rows) => z.array(dailyRow).parse(rows)),
    // Grouped by pattern (migration 0010_1) so /status/404 and /status/503 are one endpoint.
    prisma.$queryRaw`
      SELECT endpoint_pattern(path) AS path, SUM(calls)::text AS calls, SUM(failures)::text AS failures
        FROM usage_daily WHERE user_id = ${user.id}::uuid AND day >= ${since}::date
       GROUP BY 1`.then((rows) => z.array(endpointRow).parse(rows)),
    prisma.$queryRaw`
      SELECT k.id::text AS id, k.name, k.prefix, k.last4, k.status::text AS status,
             k.deleted_at IS NOT NULL AS deleted, k.last_used_at, k.created_at,
             u.calls::text AS calls, u.failures::text AS failures, u.last_day
        FROM api_keys k
        LEFT JOIN (SELECT key_id, SUM(calls) AS calls, SUM(failures) AS failures,
                          to_char(MAX(day), 'YYYY-MM-DD') AS last_day
                     FROM usage_daily WHERE user_id = ${user.id}::uuid AND day >= ${since}::date GROUP BY key_id) u
          ON u.key_id = k.id
       WHERE k.user_id = ${user.id}::uuid AND (k.deleted_at IS NULL OR u.calls > 0)`.then((rows) =>
      z.array(keyRow).parse(rows),
    ),
  ]);

  const series = zeroFillDays(
    days,
    daily.map((row) => ({ day: row.day, success: row.calls - row.failures, failed: row.failures })),
  );
  const calls = series.reduce((sum, day) => sum + day.success + day.failed, 0);
  const failures = series.reduce((sum, day) => sum + day.failed, 0);

  return {
    since,
    quota,
    days: series,
    totals: { calls, failures, errorRate: errorRate(calls, failures) },
    topByCalls: [...endpoints].sort((a, b) => b.calls - a.calls || a.path.localeCompare(b.path)).slice(0, 5),
    topByFailures: endpoints
      .filter((row) => row.failures > 0)
      .sort((a, b) => b.failures - a.failures || a.path.localeCompare(b.path))
      .slice(0, 5),
    keys: keys
      .map((row): KeyUsage => {
        const keyCalls = row.calls ?? 0;
        return {
          id: row.id,
          name: row.name,
          label: `${row.prefix}…${row.last4}`,
          status: row.status,
          deleted: row.deleted,
          calls: keyCalls,
          failures: row.failures ?? 0,
          lastUsedAt: row.last_used_at ?? (row.last_day ? new Date(`${row.last_day}T00:00:00.000Z`) : null),
          createdAt: row.created_at,
          unused: keyCalls === 0 && row.created_at < new Date(`${since}T00:00:00.000Z`),
        };
      })
      .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name)),
  };
}

/** Endpoints the user has called in the last 90 days, busiest first (suggestions for the endpoint filter). */
export async function listRecentEndpoints(user: SessionUser, now = new Date()): Promise<string[]> {
  const since = lastUtcDays(now, 90)[0] ?? "";
  const rows = await db().prisma.usageDaily.groupBy({
    by: ["path"],
    where: { userId: user.id, day: { gte: new Date(`${since}T00:00:00.000Z`) } },
    _sum: { calls: true },
    orderBy: [{ _sum: { calls: "desc" } }, { path: "asc" }],
    take: 50,
  });
  return rows.map((row) => row.path);
}
