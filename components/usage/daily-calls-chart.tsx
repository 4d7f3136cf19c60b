"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { callLogHref } from "@/lib/schemas/call-filters.ts";
import type { DailyCount } from "@/lib/time/calendar.ts";
import { countOf, formatCount, formatDay } from "@/lib/format.ts";

type TooltipProps = {
  active?: boolean;
  label?: string | number;
  payload?: readonly { payload?: DailyCount }[];
};

function DayTooltip({ active, payload }: TooltipProps) {
  const day = payload?.[0]?.payload;
  if (!active || !day) return null;
  const total = day.success + day.failed;
  return (
    <div className="rounded-md border border-border bg-surface px-3 py-2 text-sm shadow-lg">
      <p className="font-medium">{formatDay(day.day)} (UTC)</p>
      <p className="text-fg-muted tabular-nums">{countOf(total, "call")}</p>
      <p className="text-success tabular-nums">{formatCount(day.success)} successful</p>
      <p className="text-danger tabular-nums">{formatCount(day.failed)} failed</p>
      {total > 0 ? (
        <p className="mt-1 text-xs text-fg-muted">Click green for the successes, red for the failures</p>
      ) : null}
    </div>
  );
}

/**
 * The last 30 days of calls, successful and failed stacked. Clicking a day's red segment
 * opens that UTC day's failures in the call log, the green one its successes (the list under
 * the chart offers the same links to keyboard and screen-reader users).
 */
export function DailyCallsChart({ days }: { days: DailyCount[] }) {
  const router = useRouter();
  const open = (index: number, status: "success" | "failed") => {
    const day = days[index]?.day;
    if (day) router.push(callLogHref({ status, from: day, to: day }));
  };
  return (
    <div className="h-72 w-full" data-testid="daily-calls-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis
            dataKey="day"
            tickFormatter={formatDay}
            tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
            tickLine={false}
            axisLine={{ stroke: "var(--border)" }}
            minTickGap={16}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
            tickLine={false}
            axisLine={false}
            tickFormatter={(value: number) => formatCount(value)}
          />
          <Tooltip cursor={{ fill: "var(--surface-muted)" }} content={<DayTooltip />} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            dataKey="success"
            name="Successful"
            stackId="calls"
            fill="var(--success)"
            className="cursor-pointer"
            onClick={(_, index) => open(index, "success")}
            isAnimationActive={false}
          />
          <Bar
            dataKey="failed"
            name="Failed"
            stackId="calls"
            fill="var(--danger)"
            radius={[3, 3, 0, 0]}
            className="cursor-pointer"
            onClick={(_, index) => open(index, "failed")}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
