import type { SessionUser } from "../actor.ts";
import { db } from "../db/client.ts";
import { lastUtcDays, utcMonth, zeroFillDays, type DailyCount } from "../time/calendar.ts";
import { errorRate, quotaSummary, type Quota } from "../usage/quota.ts";

// Everything here reads the usage_daily rollup (and api_keys, plans), never the raw
// calls table: the overview costs the same at ten calls or ten million.

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
  const { rows } = await db().pool.query<{
    slug: string;
    name: string;
    rpm: number;
    monthly_quota: number;
    used: string;
  }>(
    `SELECT p.slug, p.name, p.rpm, p.monthly_quota,
            (SELECT COALESCE(SUM(u.billable), 0) FROM usage_daily u
              WHERE u.user_id = $1 AND u.day >= $2::date AND u.day < $3::date)::text AS used
       FROM users us JOIN plans p ON p.id = us.plan_id
      WHERE us.id = $1`,
    [user.id, month.start.toISOString().slice(0, 10), month.resetsAt.toISOString().slice(0, 10)],
  );
  const row = rows[0];
  if (!row) throw new Error("account not found");
  return {
    ...quotaSummary(Number(row.used), row.monthly_quota),
    resetsAt: month.resetsAt,
    plan: { slug: row.slug, name: row.name, rpm: row.rpm },
  };
}

/** The overview page in one call: quota, 30-day daily series, error rate, top endpoints, per-key usage. */
export async function getUsageOverview(user: SessionUser, now = new Date()): Promise<UsageOverview> {
  const days = lastUtcDays(now, WINDOW_DAYS);
  const since = days[0] ?? "";
  const pool = db().pool;
  const [quota, daily, endpoints, keys] = await Promise.all([
    getQuota(user, now),
    pool.query<{ day: string; calls: string; failures: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, SUM(calls)::text AS calls, SUM(failures)::text AS failures
         FROM usage_daily WHERE user_id = $1 AND day >= $2::date
        GROUP BY day`,
      [user.id, since],
    ),
    // Grouped by pattern (migration 0010_1) so /status/404 and /status/503 are one endpoint.
    pool.query<{ path: string; calls: string; failures: string }>(
      `SELECT endpoint_pattern(path) AS path, SUM(calls)::text AS calls, SUM(failures)::text AS failures
         FROM usage_daily WHERE user_id = $1 AND day >= $2::date
        GROUP BY 1`,
      [user.id, since],
    ),
    pool.query<{
      id: string;
      name: string;
      prefix: string;
      last4: string;
      status: "active" | "inactive";
      deleted: boolean;
      last_used_at: Date | null;
      created_at: Date;
      calls: string | null;
      failures: string | null;
      last_day: string | null;
    }>(
      `SELECT k.id, k.name, k.prefix, k.last4, k.status, k.deleted_at IS NOT NULL AS deleted, k.last_used_at, k.created_at,
              u.calls::text AS calls, u.failures::text AS failures, u.last_day
         FROM api_keys k
         LEFT JOIN (SELECT key_id, SUM(calls) AS calls, SUM(failures) AS failures,
                           to_char(MAX(day), 'YYYY-MM-DD') AS last_day
                      FROM usage_daily WHERE user_id = $1 AND day >= $2::date GROUP BY key_id) u
           ON u.key_id = k.id
        WHERE k.user_id = $1 AND (k.deleted_at IS NULL OR u.calls > 0)`,
      [user.id, since],
    ),
  ]);

  const series = zeroFillDays(
    days,
    daily.rows.map((row) => {
      const failed = Number(row.failures);
      return { day: row.day, success: Number(row.calls) - failed, failed };
    }),
  );
  const calls = series.reduce((sum, day) => sum + day.success + day.failed, 0);
  const failures = series.reduce((sum, day) => sum + day.failed, 0);
  const byPath = endpoints.rows.map((row) => ({
    path: row.path,
    calls: Number(row.calls),
    failures: Number(row.failures),
  }));

  return {
    since,
    quota,
    days: series,
    totals: { calls, failures, errorRate: errorRate(calls, failures) },
    topByCalls: [...byPath].sort((a, b) => b.calls - a.calls || a.path.localeCompare(b.path)).slice(0, 5),
    topByFailures: byPath
      .filter((row) => row.failures > 0)
      .sort((a, b) => b.failures - a.failures || a.path.localeCompare(b.path))
      .slice(0, 5),
    keys: keys.rows
      .map((row): KeyUsage => {
        const keyCalls = Number(row.calls ?? 0);
        return {
          id: row.id,
          name: row.name,
          label: `${row.prefix}…${row.last4}`,
          status: row.status,
          deleted: row.deleted,
          calls: keyCalls,
          failures: Number(row.failures ?? 0),
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
  const { rows } = await db().pool.query<{ path: string }>(
    `SELECT path FROM usage_daily WHERE user_id = $1 AND day >= $2::date
      GROUP BY path ORDER BY SUM(calls) DESC, path LIMIT 50`,
    [user.id, since],
  );
  return rows.map((row) => row.path);
}
