import { describe, expect, it } from "vitest";
import { demoTraffic } from "./demo-traffic.ts";

const userId = "11111111-1111-4111-8111-111111111111";
const keyIds = ["22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"];
const now = new Date("2026-11-26T12:00:00Z");

describe("demo traffic", () => {
  const calls = demoTraffic({ userId, keyIds, now });

  it("is a few thousand calls over the last 30 days, never in the future, oldest first", () => {
    expect(calls.length).toBeGreaterThan(2_000);
    expect(calls.length).toBeLessThan(6_000);
    const first = calls[0]?.createdAt ?? "";
    expect(first >= "2026-10-28").toBe(true);
    expect(calls.every((c) => c.createdAt <= now.toISOString())).toBe(true);
    expect([...calls].sort((a, b) => a.createdAt.localeCompare(b.createdAt))).toEqual(calls);
    expect(new Set(calls.map((c) => c.requestId)).size).toBe(calls.length);
  });

  it("includes 4xx, 5xx and 429s, and only refused calls are not billable", () => {
    const statuses = new Set(calls.map((c) => c.status));
    for (const status of [200, 400, 404, 429, 500, 502]) expect(statuses).toContain(status);
    for (const call of calls) expect(call.billable).toBe(![401, 403, 413, 429].includes(call.status));
    expect(new Set(calls.map((c) => c.keyId))).toEqual(new Set(keyIds));
  });

  it("is the same for the same seed", () => {
    expect(demoTraffic({ userId, keyIds, now }).slice(0, 20)).toEqual(calls.slice(0, 20));
  });
});
