// The call detail's timing bar: where a call's time went. "Gateway" is only the time before
// the upstream was asked and after it finished, never the upstream's streaming time.

export type TimingSegment = {
  kind: "gateway" | "waiting" | "streaming" | "other";
  label: string;
  ms: number;
};

type Timings = {
  latencyMs: number;
  upstreamLatencyMs: number | null;
  upstreamDoneMs: number | null;
  gatewayMs: number | null;
};

const clamp = (ms: number) => Math.max(0, ms);

/**
 * The segments of a call's total time, in order; empty ones are left out, except the wait for
 * the upstream: the total and the time to headers are whole milliseconds, so a sub-millisecond
 * upstream can round to nothing, and a forwarded call still shows that it waited for one.
 */
export function timingSegments(call: Timings): TimingSegment[] {
  const { latencyMs, upstreamLatencyMs, upstreamDoneMs, gatewayMs } = call;
  let segments: TimingSegment[];
  if (upstreamDoneMs !== null && gatewayMs !== null) {
    const after = clamp(latencyMs - upstreamDoneMs);
    const before = clamp(gatewayMs - after);
    const headersAt = upstreamLatencyMs ?? upstreamDoneMs;
    segments = [
      { kind: "gateway", label: "Gateway, before forwarding", ms: before },
      {
        kind: "waiting",
        label: upstreamLatencyMs === null ? "Upstream, no answer" : "Upstream, until its headers",
        ms: clamp(headersAt - before),
      },
      { kind: "streaming", label: "Upstream, sending the body", ms: clamp(upstreamDoneMs - headersAt) },
      { kind: "gateway", label: "Gateway, after the upstream finished", ms: after },
    ];
  } else if (upstreamLatencyMs !== null) {
    // Recorded before the gateway measured its own share: only the time to headers is known.
    segments = [
      { kind: "waiting", label: "Until the upstream's headers", ms: upstreamLatencyMs },
      { kind: "other", label: "Body and gateway", ms: clamp(latencyMs - upstreamLatencyMs) },
    ];
  } else {
    segments = [{ kind: "gateway", label: "Gateway (not forwarded)", ms: latencyMs }];
  }
  return segments.filter((segment) => segment.ms > 0 || segment.kind === "waiting");
}

/** Milliseconds with a decimal below 10 ms ("< 0.1 ms", "0.4 ms", "12 ms", "1.24 s"). */
export function formatMs(ms: number): string {
  if (ms < 0.05) return "< 0.1 ms";
  if (ms >= 1_000) return `${(ms / 1_000).toFixed(2)} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
