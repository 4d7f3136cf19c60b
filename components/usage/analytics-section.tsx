import Link from "next/link";
import { Badge, type BadgeVariant } from "@/components/ui/badge.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { LocalTime, TimeZoneHeader } from "@/components/ui/local-time.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { Analytics, FailureGroup } from "@/lib/data/analytics.ts";
import { callLogHref } from "@/lib/schemas/call-filters.ts";
import { countOf, formatCount, formatLatency } from "@/lib/format.ts";
import { analyticsHref, windowFrom } from "./analytics-links.ts";
import { LatencyChart } from "./latency-chart.tsx";
import { RangePicker } from "./range-picker.tsx";
import { StatCard } from "./stat-card.tsx";

const RANGE_TEXT = {
  "24h": "last 24 hours, hourly (UTC)",
  "7d": "last 7 days",
  "30d": "last 30 days",
  "90d": "last 90 days",
};

const KIND: Record<FailureGroup["outcome"], { label: string; variant: BadgeVariant }> = {
  refused: { label: "Refused by the gateway", variant: "warning" },
  upstream_error: { label: "Upstream failed", variant: "danger" },
  completed: { label: "Upstream error", variant: "danger" },
  client_aborted: { label: "Client hung up", variant: "neutral" },
};

/**
 * The overview's latency and failure analytics: failures by kind, p50/p95/p99 per endpoint
 * pattern, latency over time and the failures grouped like an error tracker's issue list,
 * every count linking to the calls behind it.
 */
export function AnalyticsSection({ analytics }: { analytics: Analytics }) {
  const { window, totals, endpoint } = analytics;
  const from = windowFrom(window);
  const failed = totals.refused + totals.upstreamErrors + totals.aborted;
  const scope = endpoint ? `${endpoint}, ${RANGE_TEXT[window.range]}` : RANGE_TEXT[window.range];
  return (
    <section id="analytics" aria-labelledby="analytics-heading" className="flex scroll-mt-4 flex-col gap-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="flex min-w-0 flex-col gap-1">
          <h2 id="analytics-heading" className="text-lg font-semibold">
            Latency and failures
          </h2>
          <p className="text-sm break-words text-fg-muted">
            {endpoint ? (
              <>
                <span className="font-mono">{endpoint}</span> ·{" "}
                <Link href={analyticsHref(window.range)} className="text-accent underline">
                  all endpoints
                </Link>
              </>
            ) : (
              "All endpoints; pick one in the table to see only its calls."
            )}
          </p>
        </div>
        <RangePicker range={window.range} endpoint={endpoint} />
      </div>

      <div className="grid gap-4 sm:grid-cols-3">
        <StatCard
          title="Refused by the gateway"
          value={formatCount(totals.refused)}
          detail="Bad or disabled keys, rate limit, quota, body too large: not sent upstream."
        />
        <StatCard
          title="Upstream errors"
          value={formatCount(totals.upstreamErrors)}
          detail="Forwarded calls the upstream answered with 4xx/5xx, or could not answer (502, 504)."
        />
        <StatCard
          title="Client hang-ups"
          value={formatCount(totals.aborted)}
          detail={
            failed > 0 ? (
              <Link
                href={callLogHref({ status: "failed", endpoint, from })}
                className="text-accent underline"
              >
                See all {countOf(failed, "failed call")}
              </Link>
            ) : (
              "Clients that left before the answer was complete."
            )
          }
        />
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Latency</CardTitle>
          <CardDescription>
            p50, p95 and p99 of the total time of forwarded calls, {scope}.{" "}
            {totals.p50 === null
              ? "No forwarded calls."
              : `Overall p50 ${formatLatency(totals.p50)}, p95 ${formatLatency(totals.p95)}, p99 ${formatLatency(totals.p99)}.`}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <LatencyChart series={analytics.series} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Endpoints</CardTitle>
          <CardDescription>
            Per endpoint pattern, {RANGE_TEXT[window.range]}. Percentiles are within ±12 %.
          </CardDescription>
        </CardHeader>
        <CardContent className="px-0 sm:px-0">
          <Table aria-label="Latency per endpoint">
            <TableHead>
              <tr>
                <TableHeaderCell className="pl-4 sm:pl-5">Endpoint</TableHeaderCell>
                <TableHeaderCell className="text-right">Calls</TableHeaderCell>
                <TableHeaderCell className="text-right">p50</TableHeaderCell>
                <TableHeaderCell className="text-right">p95</TableHeaderCell>
                <TableHeaderCell className="text-right">p99</TableHeaderCell>
                <TableHeaderCell className="text-right">Refused</TableHeaderCell>
                <TableHeaderCell className="text-right">Upstream errors</TableHeaderCell>
                <TableHeaderCell className="pr-4 text-right sm:pr-5">Hang-ups</TableHeaderCell>
              </tr>
            </TableHead>
            <TableBody>
              {analytics.endpoints.map((row) => (
                <TableRow key={row.endpoint} aria-current={row.endpoint === endpoint ? "true" : undefined}>
                  <TableCell className="max-w-72 pl-4 sm:pl-5">
                    <Link
                      href={analyticsHref(window.range, row.endpoint)}
                      className="block truncate font-mono text-xs text-accent hover:underline"
                      title={row.endpoint}
                    >
                      {row.endpoint}
                    </Link>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    <Link href={callLogHref({ endpoint: row.endpoint, from })} className="hover:underline">
                      {formatCount(row.calls)}
                    </Link>
                  </TableCell>
                  <TableCell className="text-right whitespace-nowrap tabular-nums">
                    {formatLatency(row.p50)}
                  </TableCell>
                  <TableCell className="text-right whitespace-nowrap tabular-nums">
                    {formatLatency(row.p95)}
                  </TableCell>
                  <TableCell className="text-right whitespace-nowrap tabular-nums">
                    {formatLatency(row.p99)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.refused)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.upstreamErrors)}</TableCell>
                  <TableCell className="pr-4 text-right tabular-nums sm:pr-5">
                    {formatCount(row.aborted)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Failures by endpoint and status</CardTitle>
          <CardDescription>
            Failed calls grouped by endpoint, status and error code, {scope}; the busiest first.
          </CardDescription>
        </CardHeader>
        <CardContent className="px-0 sm:px-0">
          {analytics.failures.length === 0 ? (
            <p className="px-4 text-sm text-fg-muted sm:px-5">No failed calls in this range.</p>
          ) : (
            <Table aria-label="Failures by endpoint and status">
              <TableHead>
                <tr>
                  <TableHeaderCell className="pl-4 sm:pl-5">Endpoint</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Kind</TableHeaderCell>
                  <TableHeaderCell className="text-right">Count</TableHeaderCell>
                  <TableHeaderCell>
                    <TimeZoneHeader label="First seen" />
                  </TableHeaderCell>
                  <TableHeaderCell>Last seen</TableHeaderCell>
                  <TableHeaderCell className="pr-4 sm:pr-5">Example request</TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody>
                {analytics.failures.map((group) => (
                  <TableRow
                    key={`${group.endpoint} ${group.status} ${group.errorCode ?? ""}`}
                    data-testid="failure-group"
                  >
                    <TableCell className="max-w-64 pl-4 sm:pl-5">
                      <span className="block truncate font-mono text-xs" title={group.endpoint}>
                        {group.endpoint}
                      </span>
                    </TableCell>
                    <TableCell className="whitespace-nowrap">
                      <span className="font-mono tabular-nums">{group.status}</span>
                      {group.errorCode ? (
                        <span className="ml-2 font-mono text-xs text-fg-muted">{group.errorCode}</span>
                      ) : null}
                    </TableCell>
                    <TableCell>
                      <Badge variant={KIND[group.outcome].variant}>{KIND[group.outcome].label}</Badge>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      <Link
                        href={callLogHref({
                          endpoint: group.endpoint,
                          status: group.outcome === "client_aborted" ? "failed" : String(group.status),
                          error: group.errorCode ?? undefined,
                          from,
                        })}
                        className="text-accent hover:underline"
                        aria-label={`${countOf(group.calls, "failed call")} to ${group.endpoint} with status ${group.status}`}
                      >
                        {formatCount(group.calls)}
                      </Link>
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-fg-muted">
                      <LocalTime value={group.firstSeen} seconds={false} />
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-fg-muted">
                      <LocalTime value={group.lastSeen} seconds={false} />
                    </TableCell>
                    <TableCell className="pr-4 sm:pr-5">
                      <Link
                        href={
                          group.exampleCallId
                            ? `/logs/${group.exampleCallId}`
                            : callLogHref({ q: group.exampleRequestId })
                        }
                        className="font-mono text-xs text-accent hover:underline"
                        title={group.exampleRequestId}
                      >
                        {group.exampleRequestId.slice(0, 8)}…
                      </Link>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </section>
  );
}
