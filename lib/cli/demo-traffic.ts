import type { CallRecord } from "../recorder/call-record.ts";
import { outcomeOf } from "../schemas/outcome.ts";

// Realistic-looking traffic for `demo seed`: a weekly rhythm, business hours, a slow
// growth trend, a few endpoints of the sample API, and the failures people debug with
// the call log (bad requests, 404s, rate limiting bursts, one bad afternoon of 5xx).

type Endpoint = { method: string; path: string; weight: number; requestBytes: number; responseBytes: number };

const ENDPOINTS: Endpoint[] = [
  { method: "GET", path: "/v2/price", weight: 40, requestBytes: 0, responseBytes: 180 },
  { method: "GET", path: "/v2/tokens", weight: 25, requestBytes: 0, responseBytes: 2_400 },
  { method: "POST", path: "/v1/chat/completions", weight: 20, requestBytes: 420, responseBytes: 1_900 },
  { method: "GET", path: "/v2/trader-grades", weight: 10, requestBytes: 0, responseBytes: 640 },
  { method: "GET", path: "/v2/investor-grades", weight: 5, requestBytes: 0, responseBytes: 610 },
];

const USER_AGENTS = ["python-requests/2.32.3", "node-fetch/3.3.2", "curl/8.5.0", "axios/1.7.9"];

/** A small seeded PRNG (mulberry32) so a seed gives the same traffic every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = random() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1] as T;
}

type Outcome = { status: number; errorCode: string | null; billable: boolean; weight: number };

// Gateway refusals (401/403/429) never reached the upstream, so they are not billable (docs/gateway.md#what-counts-against-the-quota).
const NORMAL: Outcome[] = [
  { status: 200, errorCode: null, billable: true, weight: 900 },
  { status: 201, errorCode: null, billable: true, weight: 5 },
  { status: 400, errorCode: null, billable: true, weight: 25 },
  { status: 404, errorCode: null, billable: true, weight: 15 },
  { status: 429, errorCode: "rate_limited", billable: false, weight: 30 },
  { status: 500, errorCode: null, billable: true, weight: 10 },
  { status: 502, errorCode: "upstream_unreachable", billable: true, weight: 4 },
  { status: 504, errorCode: "upstream_timeout", billable: true, weight: 3 },
  { status: 401, errorCode: "key_expired", billable: false, weight: 2 },
];
const INCIDENT: Outcome[] = [
  { status: 200, errorCode: null, billable: true, weight: 40 },
  { status: 500, errorCode: null, billable: true, weight: 30 },
  { status: 502, errorCode: "upstream_unreachable", billable: true, weight: 20 },
  { status: 504, errorCode: "upstream_timeout", billable: true, weight: 10 },
];

export type DemoTrafficOptions = {
  userId: string;
  /** The keys calls are spread over; the first one gets most traffic. */
  keyIds: readonly string[];
  now: Date;
  days?: number;
  /** Average calls per weekday at the start of the window. */
  perDay?: number;
  seed?: number;
};

/** Call records for the last `days` UTC days up to `now`, oldest first, never in the future. */
export function demoTraffic(options: DemoTrafficOptions): CallRecord[] {
  const { userId, keyIds, now, days = 30, perDay = 110, seed = 42 } = options;
  const random = seededRandom(seed);
  const keyWeights = keyIds.map((id, i) => ({ id, weight: i === 0 ? 6 : Math.max(1, 3 - i) }));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const incidentDay = Math.max(1, days - 6);
  const ips = Array.from({ length: 6 }, (_, i) => `203.0.113.${10 + i * 7}`);
  const records: CallRecord[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const dayStart = today - d * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const growth = 1 + (days - d) / days / 2;
    const count = Math.round(perDay * growth * (weekend ? 0.35 : 1) * (0.8 + random() * 0.4));
    const dayIndex = days - 1 - d;
    for (let i = 0; i < count; i++) {
      // Business hours in UTC, with a thinner tail through the night.
      const hour = random() < 0.8 ? 8 + Math.floor(random() * 10) : Math.floor(random() * 24);
      const at = dayStart + hour * 3_600_000 + Math.floor(random() * 3_600_000);
      if (at > now.getTime()) continue;
      const incident = dayIndex === incidentDay && hour >= 13 && hour < 16;
      const outcome = pick(incident ? INCIDENT : NORMAL, random);
      const endpoint = pick(ENDPOINTS, random);
      const reachedUpstream = outcome.billable && outcome.errorCode === null;
      const upstreamMs = Math.round(
        (endpoint.path.startsWith("/v1/chat") ? 600 : 25) * (0.5 + random() * 1.5) +
          (outcome.status >= 500 ? 300 : 0),
      );
      const latencyMs =
        outcome.errorCode === "upstream_timeout"
          ? 30_000 + Math.floor(random() * 40)
          : reachedUpstream
            ? upstreamMs + 1 + Math.floor(random() * 3)
            : 1 + Math.floor(random() * 3);
      records.push({
        requestId: `demo_${seed}_${dayStart / 1000}_${i}_${Math.floor(random() * 1e9).toString(36)}`,
        userId,
        keyId: pick(keyWeights, random).id,
        method: endpoint.method,
        path: endpoint.path,
        status: outcome.status,
        latencyMs,
        upstreamLatencyMs: reachedUpstream ? upstreamMs : null,
        query: null,
        outcome: outcomeOf(outcome.errorCode),
        ttfbMs: null,
        upstreamDoneMs: null,
        gatewayMs: null,
        requestBytes: endpoint.requestBytes,
        responseBytes: outcome.status < 400 ? endpoint.responseBytes : 120,
        ip: ips[Math.floor(random() * ips.length)] ?? "203.0.113.10",
        userAgent: USER_AGENTS[Math.floor(random() * USER_AGENTS.length)] ?? null,
        errorCode: outcome.errorCode,
        billable: outcome.billable,
        createdAt: new Date(at).toISOString(),
      });
    }
  }
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
