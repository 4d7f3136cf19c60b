import Link from "next/link";
import { cn } from "@/components/ui/cn.ts";
import { ANALYTICS_RANGES, type AnalyticsRange } from "@/lib/schemas/analytics.ts";
import { analyticsHref } from "./analytics-links.ts";

const LABELS: Record<AnalyticsRange, string> = {
  "24h": "24 h",
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
};

/** Links to the same analytics over 24 hours (hourly) or 7, 30, 90 days (daily). */
export function RangePicker({ range, endpoint }: { range: AnalyticsRange; endpoint?: string }) {
  return (
    <nav aria-label="Range" className="inline-flex rounded-md border border-border p-0.5 text-sm">
      {ANALYTICS_RANGES.map((option) => (
        <Link
          key={option}
          href={analyticsHref(option, endpoint)}
          aria-current={option === range ? "page" : undefined}
          className={cn(
            "rounded px-2.5 py-1 whitespace-nowrap text-fg-muted hover:text-fg",
            option === range && "bg-surface-muted font-medium text-fg",
          )}
        >
          {LABELS[option]}
        </Link>
      ))}
    </nav>
  );
}
