"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { LatencyPoint } from "@/lib/data/analytics.ts";
import { countOf, formatDay, formatLatency } from "@/lib/format.ts";

/** A short axis label: "850 ms", "1 s", "1.5 s", "34 s". */
function axisLabel(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1_000).toFixed(1).replace(/\.0$/, "")} s` : `${Math.round(ms / 1_000)} s`;
}

/** "15:00" for an hourly bucket (UTC), "Nov 20" for a day. */
function bucketLabel(at: string): string {
  return at.length > 10 ? `${at.slice(11, 16)}` : formatDay(at);
}

type TooltipProps = { active?: boolean; payload?: readonly { payload?: LatencyPoint }[] };

function PointTooltip({ active, payload }: TooltipProps) {
  const point = payload?.[0]?.payload;
  if (!active || !point) return null;
  return (
    <div className="rounded-md border border-border bg-surface px-3 py-2 text-sm shadow-lg">
      <p className="font-medium">
        {point.at.length > 10
          ? `${formatDay(point.at.slice(0, 10))}, ${bucketLabel(point.at)}`
          : formatDay(point.at)}{" "}
        (UTC)
      </p>
      <p className="text-fg-muted tabular-nums">{countOf(point.calls, "call")}</p>
      {point.p50 === null ? (
        <p className="text-fg-muted">No forwarded calls</p>
      ) : (
        <p className="tabular-nums">
          p50 {formatLatency(point.p50)} · p95 {formatLatency(point.p95)} · p99 {formatLatency(point.p99)}
        </p>
      )}
    </div>
  );
}

// A logarithmic axis: one slow bucket's p99 (a 30 s timeout) must not flatten p50 and p95 of
// every other bucket onto the floor. It starts at 1 ms (log 0 is undefined), so a faster
// percentile is drawn at 1 ms; the tooltip shows the true values.
const atLeastOneMs = (value: number | null) => (value === null ? null : Math.max(1, value));

const PERCENTILES = [
  { key: "p50", colour: "var(--accent)" },
  { key: "p95", colour: "var(--warning)" },
  { key: "p99", colour: "var(--danger)" },
] as const;

/** Powers of ten from 1 ms up to the first one at or above the slowest value. */
function decades(series: LatencyPoint[]): number[] {
  const slowest = Math.max(1, ...series.map((point) => point.p99 ?? 0));
  const ticks = [1];
  while (ticks.at(-1)! < slowest) ticks.push(ticks.at(-1)! * 10);
  return ticks;
}

/** Latency percentiles per hour or day (total time of the calls the gateway forwarded). */
export function LatencyChart({ series }: { series: LatencyPoint[] }) {
  const ticks = decades(series);
  // A line needs two points: a range with one bucket of traffic (a new account's first day)
  // would show an empty chart, so then each percentile is drawn as a dot.
  const dot = series.filter((point) => point.p50 !== null).length < 2 ? { r: 3 } : false;
  return (
    <div className="h-64 w-full" data-testid="latency-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 4 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis
            dataKey="at"
            tickFormatter={bucketLabel}
            tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
            tickLine={false}
            axisLine={{ stroke: "var(--border)" }}
            minTickGap={16}
          />
          <YAxis
            tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
            tickLine={false}
            axisLine={false}
            width={64}
            scale="log"
            domain={[1, ticks.at(-1)!]}
            ticks={ticks}
            tickFormatter={axisLabel}
          />
          <Tooltip content={<PointTooltip />} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {PERCENTILES.map(({ key, colour }) => (
            <Line
              key={key}
              dataKey={(point: LatencyPoint) => atLeastOneMs(point[key])}
              name={key}
              stroke={colour}
              dot={dot}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
