import type { Metadata } from "next";
import Link from "next/link";
import { AnalyticsSection } from "@/components/usage/analytics-section.tsx";
import { DailyCallsChart } from "@/components/usage/daily-calls-chart.tsx";
import { GetStarted } from "@/components/usage/get-started.tsx";
import { KeyUsageCard } from "@/components/usage/key-usage.tsx";
import { QuotaCard } from "@/components/usage/quota-card.tsx";
import { StatCard } from "@/components/usage/stat-card.tsx";
import { TopEndpoints } from "@/components/usage/top-endpoints.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { requireUser } from "@/lib/auth/session.ts";
import { getAnalytics } from "@/lib/data/analytics.ts";
import { getUsageOverview } from "@/lib/data/usage.ts";
import { parseAnalyticsView } from "@/lib/schemas/analytics.ts";
import { env } from "@/lib/env.ts";
import { callLogHref } from "@/lib/schemas/call-filters.ts";
import { countOf, formatCount, formatDay, formatPercent } from "@/lib/format.ts";

export const metadata: Metadata = { title: "Overview" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const [overview, analytics] = await Promise.all([
    getUsageOverview(user),
    getAnalytics(user, parseAnalyticsView(await searchParams)),
  ]);
  const { quota, totals, days } = overview;
  const hasCalls = totals.calls > 0;
  const hasKey = overview.keys.some((key) => !key.deleted);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">Overview</h1>
        <p className="text-sm text-fg-muted">
          Usage of your API keys. Days and months are UTC; the quota resets at 00:00 UTC on the 1st.
        </p>
      </div>

      <div className="grid gap-4 md:grid-cols-3">
        <QuotaCard quota={quota} />
        <StatCard
          title="Plan"
          value={quota.plan.name}
          detail={`${countOf(quota.plan.rpm, "request")}/min · ${formatCount(quota.limit)} calls/month`}
        />
        {hasCalls ? null : <GetStarted gatewayUrl={env().GATEWAY_URL} hasKey={hasKey} />}
      </div>

      {hasCalls ? (
        <>
          <div className="grid gap-4 md:grid-cols-3">
            <Card className="md:col-span-2">
              <CardHeader>
                <CardTitle>Daily calls</CardTitle>
                <CardDescription>
                  Last 30 days (UTC). Click a day&apos;s red segment for its failures, green for its
                  successes.
                </CardDescription>
              </CardHeader>
              <CardContent>
                <DailyCallsChart days={days} />
                <details className="mt-3 text-sm">
                  <summary className="cursor-pointer text-fg-muted">Show as a list</summary>
                  <ul className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-3">
                    {days.map((day) => (
                      <li key={day.day}>
                        <Link href={callLogHref({ from: day.day, to: day.day })} className="hover:underline">
                          {formatDay(day.day)}: {countOf(day.success + day.failed, "call")}
                        </Link>
                        {day.failed > 0 ? (
                          <>
                            ,{" "}
                            <Link
                              href={callLogHref({ status: "failed", from: day.day, to: day.day })}
                              className="text-danger hover:underline"
                            >
                              {formatCount(day.failed)} failed
                            </Link>
                          </>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </details>
              </CardContent>
            </Card>
            <StatCard
              title="Error rate"
              value={formatPercent(totals.errorRate)}
              detail={
                <>
                  {formatCount(totals.failures)} of {countOf(totals.calls, "call")} failed in the last 30
                  days.{" "}
                  {totals.failures > 0 ? (
                    <Link
                      href={callLogHref({ status: "failed", from: overview.since })}
                      className="text-accent underline"
                    >
                      See the failed calls
                    </Link>
                  ) : null}
                </>
              }
            />
          </div>
          <div className="grid gap-4 md:grid-cols-2">
            <TopEndpoints
              title="Top endpoints"
              description="By calls, last 30 days."
              endpoints={overview.topByCalls}
              measure="calls"
              empty="No calls in the last 30 days."
              since={overview.since}
            />
            <TopEndpoints
              title="Most failing endpoints"
              description="By failed calls (status 400 and above, or the client hung up), last 30 days."
              endpoints={overview.topByFailures}
              measure="failures"
              empty="No failed calls in the last 30 days."
              since={overview.since}
            />
          </div>
        </>
      ) : null}

      {hasCalls ? <AnalyticsSection analytics={analytics} /> : null}

      <KeyUsageCard keys={overview.keys} since={overview.since} />
    </div>
  );
}
