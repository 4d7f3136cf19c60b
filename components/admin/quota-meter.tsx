import { formatCount } from "@/lib/format.ts";

/** "1,234 / 20,000" with a thin bar, red from 90 %. */
export function QuotaMeter({ email, used, quota }: { email: string; used: number; quota: number }) {
  const percent = quota > 0 ? Math.min(100, (used / quota) * 100) : 0;
  return (
    <div className="flex min-w-32 flex-col gap-1">
      <span className="tabular-nums">
        {formatCount(used)} / {formatCount(quota)}
      </span>
      <div
        className="h-1.5 w-full rounded-full bg-surface-muted"
        role="meter"
        aria-label={`Quota used by ${email}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div
          className={percent >= 90 ? "h-full rounded-full bg-danger" : "h-full rounded-full bg-accent"}
          style={{ width: `${percent}%` }}
        />
      </div>
    </div>
  );
}
