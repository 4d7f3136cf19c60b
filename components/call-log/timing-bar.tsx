import { cn } from "@/components/ui/cn.ts";
import { formatMs, timingSegments, type TimingSegment } from "@/lib/call-log/timing.ts";

const COLORS: Record<TimingSegment["kind"], string> = {
  gateway: "bg-fg-muted",
  waiting: "bg-warning",
  streaming: "bg-accent",
  other: "bg-border",
};

/** Where the call's time went: gateway before and after, upstream until headers, streaming. */
export function TimingBar({ call }: { call: Parameters<typeof timingSegments>[0] }) {
  const segments = timingSegments(call);
  const total = segments.reduce((sum, segment) => sum + segment.ms, 0) || 1;
  return (
    <div className="flex flex-col gap-2" data-testid="timing-bar">
      <div className="flex h-3 w-full overflow-hidden rounded-full bg-surface-muted" aria-hidden>
        {segments.map((segment, index) => (
          <span
            key={index}
            className={cn("h-full min-w-0.5", COLORS[segment.kind])}
            style={{ width: `${(segment.ms / total) * 100}%` }}
          />
        ))}
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {segments.map((segment, index) => (
          <li key={index} className="flex items-center gap-1.5">
            <span className={cn("size-2.5 rounded-sm", COLORS[segment.kind])} aria-hidden />
            {segment.label}: <span className="font-medium tabular-nums">{formatMs(segment.ms)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
