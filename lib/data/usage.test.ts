import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../actor.ts";
import { testDatabase } from "../db/test-database.ts";
import type { CallRecord } from "../recorder/call-record.ts";
import { writeCalls } from "../recorder/sql.ts";
import { createKey } from "./keys.ts";
import { createTestUser } from "./keys-test-support.ts";
import { getQuota, getUsageOverview } from "./usage.ts";

const database = testDatabase();
const NOW = new Date("2026-11-26T12:00:00.000Z");
const DAY = 86_400_000;

function call(user: SessionUser, keyId: string, at: Date, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    requestId: `req_${randomUUID()}`,
    userId: user.id,
    keyId,
    method: "GET",
    path: "/v2/price",
    status: 200,
    latencyMs: 10,
    upstreamLatencyMs: 9,
    query: null,
    outcome: "completed",
    ttfbMs: null,
    upstreamDoneMs: null,
    gatewayMs: null,
    requestBytes: 0,
    responseBytes: 100,
    ip: "203.0.113.7",
    userAgent: null,
    errorCode: null,
    billable: true,
    createdAt: at.toISOString(),
    ...overrides,
  };
}

describe("usage overview", () => {
  let alice: SessionUser;
  let bob: SessionUser;
  let prod: string;
  let staging: string;
  let idle: string;

  beforeAll(async () => {
    alice = await createTestUser(database, "usage-alice");
    bob = await createTestUser(database, "usage-bob");
    await database.pool.query(
      "UPDATE users SET plan_id = (SELECT id FROM plans WHERE slug = 'basic') WHERE id = $1",
      [alice.id],
    );
    prod = (await createKey(alice, { name: "Production" })).id;
    staging = (await createKey(alice, { name: "Staging" })).id;
    idle = (await createKey(alice, { name: "Idle" })).id;
    await database.pool.query("UPDATE api_keys SET created_at = $2 WHERE id = $1", [
      idle,
      new Date(NOW.getTime() - 60 * DAY),
    ]);
    const bobKey = (await createKey(bob, { name: "Bob" })).id;
    const records: CallRecord[] = [];
    // This month (November): 5 OK + 2 failures (one 429 not billable) on the 26th, 3 OK on the 2nd.
    for (let i = 0; i < 5; i++) records.push(call(alice, prod, new Date(NOW.getTime() - i * 60_000)));
    records.push(call(alice, prod, NOW, { status: 500, path: "/v1/chat/completions" }));
    records.push(call(alice, staging, NOW, { status: 429, errorCode: "rate_limited", billable: false }));
    for (let i = 0; i < 3; i++) records.push(call(alice, staging, new Date("2026-11-02T23:59:59.000Z")));
    // Last month, still inside the 30-day window: counts in the graph, not in the quota.
    records.push(
      call(alice, prod, new Date("2026-10-31T23:59:59.999Z"), { status: 404, path: "/v2/tokens" }),
    );
    // Outside the window entirely.
    records.push(call(alice, prod, new Date(NOW.getTime() - 45 * DAY)));
    await writeCalls(database.pool, records);
    await writeCalls(database.pool, [call(bob, bobKey, NOW), call(bob, bobKey, NOW, { status: 503 })]);
  });

  it("reports this UTC month's billable calls against the plan", async () => {
    const quota = await getQuota(alice, NOW);
    expect(quota).toMatchObject({
      used: 9,
      limit: 20_000,
      remaining: 19_991,
      plan: { slug: "basic", name: "Basic", rpm: 60 },
    });
    expect(quota.resetsAt.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect((await getQuota(bob, NOW)).used).toBe(2);
  });

  it("gives 30 zero-filled UTC days split into successful and failed", async () => {
    const { days, totals } = await getUsageOverview(alice, NOW);
    expect(days).toHaveLength(30);
    expect(days[0]?.day).toBe("2026-10-28");
    expect(days.at(-1)).toEqual({ day: "2026-11-26", success: 5, failed: 2 });
    expect(days.find((d) => d.day === "2026-11-02")).toEqual({ day: "2026-11-02", success: 3, failed: 0 });
    expect(days.find((d) => d.day === "2026-10-31")).toEqual({ day: "2026-10-31", success: 0, failed: 1 });
    expect(days.find((d) => d.day === "2026-11-15")).toEqual({ day: "2026-11-15", success: 0, failed: 0 });
    expect(totals).toEqual({ calls: 11, failures: 3, errorRate: 27.3 });
  });

  it("ranks endpoints by calls and by failures", async () => {
    const { topByCalls, topByFailures } = await getUsageOverview(alice, NOW);
    expect(topByCalls[0]).toEqual({ path: "/v2/price", calls: 9, failures: 1 });
    expect(topByCalls.map((e) => e.path)).toEqual(["/v2/price", "/v1/chat/completions", "/v2/tokens"]);
    expect(topByFailures.map((e) => e.failures)).toEqual([1, 1, 1]);
  });

  it("shows usage per key and flags keys unused for the whole window", async () => {
    const { keys } = await getUsageOverview(alice, NOW);
    expect(keys.map((k) => [k.name, k.calls, k.unused])).toEqual([
      ["Production", 7, false],
      ["Staging", 4, false],
      ["Idle", 0, true],
    ]);
    expect(keys[0]?.lastUsedAt?.toISOString()).toBe(NOW.toISOString());
  });

  it("shows nothing of other accounts", async () => {
    const overview = await getUsageOverview(bob, NOW);
    expect(overview.totals).toEqual({ calls: 2, failures: 1, errorRate: 50 });
    expect(overview.keys.map((k) => k.name)).toEqual(["Bob"]);
    const fresh = await createTestUser(database, "usage-new");
    const empty = await getUsageOverview(fresh, NOW);
    expect(empty.totals.calls).toBe(0);
    expect(empty.days.every((d) => d.success === 0 && d.failed === 0)).toBe(true);
    expect(empty.keys).toEqual([]);
    expect(empty.quota).toMatchObject({ used: 0, limit: 1_000, remaining: 1_000, percent: 0 });
  });
});
