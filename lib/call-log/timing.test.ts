import { describe, expect, it } from "vitest";
import { formatMs, timingSegments } from "./timing.ts";

describe("timing segments", () => {
  it("never blame the upstream's streaming time on the gateway", () => {
    // A streamed chat completion: headers at 7 ms, last event at 864 ms, 1.2 ms of gateway work.
    const segments = timingSegments({
      latencyMs: 865,
      upstreamLatencyMs: 7,
      upstreamDoneMs: 864.5,
      gatewayMs: 1.2,
    });
    expect(segments).toEqual([
      { kind: "gateway", label: "Gateway, before forwarding", ms: expect.closeTo(0.7, 5) as number },
      { kind: "waiting", label: "Upstream, until its headers", ms: expect.closeTo(6.3, 5) as number },
      { kind: "streaming", label: "Upstream, sending the body", ms: 857.5 },
      { kind: "gateway", label: "Gateway, after the upstream finished", ms: 0.5 },
    ]);
  });

  it("show a forwarded call that got no answer as forwarded, and a refusal as gateway time", () => {
    expect(
      timingSegments({ latencyMs: 30_001, upstreamLatencyMs: null, upstreamDoneMs: 30_000, gatewayMs: 1 }),
    ).toEqual([
      { kind: "waiting", label: "Upstream, no answer", ms: 30_000 },
      { kind: "gateway", label: "Gateway, after the upstream finished", ms: 1 },
    ]);
    expect(
      timingSegments({ latencyMs: 2, upstreamLatencyMs: null, upstreamDoneMs: null, gatewayMs: null }),
    ).toEqual([{ kind: "gateway", label: "Gateway (not forwarded)", ms: 2 }]);
  });

  it("still show the wait for a sub-millisecond upstream whose whole milliseconds round to nothing", () => {
    // As recorded for a local upstream: total 1 ms, headers at 0 ms, done at 0.6 ms, 0.35 ms gateway.
    const segments = timingSegments({
      latencyMs: 1,
      upstreamLatencyMs: 0,
      upstreamDoneMs: 0.6,
      gatewayMs: 0.35,
    });
    expect(segments.map((s) => s.label)).toEqual([
      "Upstream, until its headers",
      "Upstream, sending the body",
      "Gateway, after the upstream finished",
    ]);
    expect(formatMs(segments[0]!.ms)).toBe("< 0.1 ms");
  });

  it("formats small and large times readably", () => {
    expect(formatMs(0.42)).toBe("0.4 ms");
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(1_240)).toBe("1.24 s");
  });
});
