import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { cn } from "@/components/ui/cn.ts";
import type { QuotaStatus } from "@/lib/data/usage.ts";
import { ResetTime } from "@/components/ui/local-time.tsx";
import { formatCount, formatPercent, formatUtc } from "@/lib/format.ts";

/** This month's quota bar: "8,750 / 20,000 calls", percent, remaining and when it resets. */
export function QuotaCard({ quota }: { quota: QuotaStatus }) {
  const tone = quota.percent >= 100 ? "bg-danger" : quota.percent >= 80 ? "bg-warning" : "bg-accent";
  return (
    <Card className="md:col-span-2">
      <CardHeader>
        <CardTitle>Monthly quota</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <p className="text-2xl font-semibold tabular-nums" data-testid="quota-usage">
            {formatCount(quota.used)} / {formatCount(quota.limit)} calls
          </p>
          <p className="text-sm font-medium text-fg-muted tabular-nums">
            {formatPercent(quota.percent)} used
          </p>
        </div>
        <div
          role="progressbar"
          aria-label="Monthly quota used"
          aria-valuemin={0}
          aria-valuemax={quota.limit}
          aria-valuenow={Math.min(quota.used, quota.limit)}
          aria-valuetext={`${formatCount(quota.used)} of ${formatCount(quota.limit)} calls`}
          className="h-3 w-full overflow-hidden rounded-full bg-surface-muted"
        >
          <div
            className={cn("h-full rounded-full transition-all", tone)}
            style={{ width: `${quota.percent}%` }}
          />
        </div>
        <div className="flex flex-col gap-1 text-sm text-fg-muted sm:flex-row sm:justify-between">
          <span>
            <span className="font-medium text-fg tabular-nums">{formatCount(quota.remaining)}</span> calls
            remaining
          </span>
          <span>
            Resets <ResetTime value={quota.resetsAt} utcLabel={formatUtc(quota.resetsAt)} />
          </span>
        </div>
      </CardContent>
    </Card>
  );
}
