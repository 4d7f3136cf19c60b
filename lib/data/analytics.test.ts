import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../actor.ts";
import { bucketOf } from "../analytics/histogram.ts";
import { testDatabase } from "../db/test-database.ts";
import type { CallRecord } from "../recorder/call-record.ts";
import { writeCalls } from "../recorder/sql.ts";
import { getAnalytics, windowOf } from "./analytics.ts";
import { createKey } from "./keys.ts";
import { createTestUser } from "./keys-test-support.ts";

const database = testDatabase();
const NOW = new Date("2026-11-20T15:40:00.000Z");

describe("latency and failure analytics", () => {
  let user: SessionUser;
  let other: SessionUser;
  const calls: CallRecord[] = [];

  function call(minutesAgo: number, overrides: Partial<CallRecord>, owner = user, keyId = ""): CallRecord {
    return {
      requestId: randomUUID(),
      userId: owner.id,
      keyId,
      method: "GET",
      path: "/v2/price",
      query: null,
      status: 200,
      outcome: "completed",
      latencyMs: 20,
      upstreamLatencyMs: 18,
      ttfbMs: null,
      upstreamDoneMs: null,
      gatewayMs: null,
      requestBytes: 0,
      responseBytes: 100,
      ip: "203.0.113.7",
      userAgent: null,
      errorCode: null,
      billable: true,
      createdAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
      ...overrides,
    };
  }

  beforeAll(async () => {
    user = await createTestUser(database, "analytics");
    other = await createTestUser(database, "analytics-other");
    const key = (await createKey(user, { name: "k" })).id;
    const otherKey = (await createKey(other, { name: "k" })).id;
    // /v2/price: 100 calls at 10..109 ms over the last hour and a half.
    for (let i = 0; i < 100; i++) calls.push(call(i, { latencyMs: 10 + i }, user, key));
    calls.push(
      // Status endpoints collapse into one pattern; two refusals, an upstream error, a hang-up.
      call(5, { path: "/status/503", status: 503, latencyMs: 40 }, user, key),
      call(
        6,
        {
          path: "/status/429",
          status: 429,
          errorCode: "rate_limited",
          outcome: "refused",
          billable: false,
          latencyMs: 0,
        },
        user,
        key,
      ),
      call(
        7,
        {
          path: "/status/404",
          status: 429,
          errorCode: "rate_limited",
          outcome: "refused",
          billable: false,
          latencyMs: 1,
        },
        user,
        key,
      ),
      call(
        8,
        {
          path: "/v1/chat/completions",
          status: 200,
          outcome: "client_aborted",
          errorCode: "client_closed_request",
          latencyMs: 900,
        },
        user,
        key,
      ),
      // Three days ago: only in the 7-day view.
      call(3 * 1440, { path: "/v2/price", status: 500, latencyMs: 5_000 }, user, key),
    );
    await writeCalls(database.pool, calls);
    // Another account's calls never show.
    await writeCalls(database.pool, [call(1, { status: 500, latencyMs: 9_999 }, other, otherKey)]);
  });

  it("buckets latencies in SQL exactly as the reader expects", async () => {
    const values = [0, 1, 2, 3, 7, 10, 99, 100, 101, 250, 1_000, 29_999, 123_456, 10_000_000];
    const { rows } = await database.pool.query<{ b: number }>(
      "SELECT latency_bucket(v) AS b FROM unnest($1::float8[]) WITH ORDINALITY AS t(v, i) ORDER BY i",
      [values],
    );
    expect(rows.map((row) => row.b)).toEqual(values.map(bucketOf));
  });

  it("gives percentiles per endpoint pattern and failures by kind for the last 24 hours", async () => {
    const analytics = await getAnalytics(user, { range: "24h" }, NOW);
    expect(analytics.window.buckets).toHaveLength(24);
    expect(analytics.window.buckets.at(-1)).toBe("2026-11-20T15:00:00.000Z");
    const price = analytics.endpoints.find((e) => e.endpoint === "/v2/price");
    expect(price).toMatchObject({ calls: 100, refused: 0, upstreamErrors: 0, aborted: 0 });
    // Exact p50 is 59 ms, p95 104, p99 108: the histogram reads within its ±12 %.
    expect(price?.p50).toBeGreaterThanOrEqual(52);
    expect(price?.p50).toBeLessThanOrEqual(66);
    expect(price?.p99).toBeGreaterThanOrEqual(95);
    expect(price?.p99).toBeLessThanOrEqual(121);
    const status = analytics.endpoints.find((e) => e.endpoint === "/status/:code");
    expect(status).toMatchObject({ calls: 3, refused: 2, upstreamErrors: 1, aborted: 0 });
    // Refusals are not latency: only the forwarded 503 counts.
    expect(status?.p50).toBeGreaterThanOrEqual(35);
    expect(analytics.endpoints.find((e) => e.endpoint === "/v1/chat/completions")).toMatchObject({
      aborted: 1,
    });
    expect(analytics.totals).toMatchObject({ calls: 104, refused: 2, upstreamErrors: 1, aborted: 1 });
    // The hour series adds up to the same calls, newest hour last.
    expect(analytics.series.reduce((sum, point) => sum + point.calls, 0)).toBe(104);
    expect(analytics.series.at(-1)?.calls).toBeGreaterThan(0);
  });

  it("groups failures by endpoint × status × error code with first and last seen and an example", async () => {
    const { failures } = await getAnalytics(user, { range: "24h" }, NOW);
    const limited = failures.find((f) => f.errorCode === "rate_limited");
    expect(limited).toMatchObject({ endpoint: "/status/:code", status: 429, calls: 2, outcome: "refused" });
    expect(limited?.firstSeen.toISOString()).toBe(calls[102]?.createdAt);
    expect(limited?.lastSeen.toISOString()).toBe(calls[101]?.createdAt);
    expect(limited?.exampleRequestId).toBe(calls[101]?.requestId);
    // …and its row id, so the table links straight to that call.
    const { rows } = await database.pool.query<{ id: string }>(
      "SELECT id::text AS id FROM calls WHERE request_id = $1",
      [calls[101]?.requestId],
    );
    expect(limited?.exampleCallId).toBe(rows[0]?.id);
    expect(failures.find((f) => f.outcome === "client_aborted")).toMatchObject({ status: 200, calls: 1 });
    expect(failures.some((f) => f.status === 500)).toBe(false);
    const week = await getAnalytics(user, { range: "7d" }, NOW);
    expect(week.failures.find((f) => f.status === 500)).toMatchObject({ endpoint: "/v2/price", calls: 1 });
  });

  it("scopes the series and failures to one endpoint, and longer ranges read the daily rollup", async () => {
    const scoped = await getAnalytics(user, { range: "7d", endpoint: "/status/:code" }, NOW);
    expect(scoped.window.buckets).toEqual(windowOf("7d", NOW).buckets);
    expect(scoped.window.buckets.at(-1)).toBe("2026-11-20");
    expect(scoped.totals).toMatchObject({ endpoint: "/status/:code", calls: 3 });
    expect(scoped.series.reduce((sum, point) => sum + point.calls, 0)).toBe(3);
    expect(scoped.failures.every((f) => f.endpoint === "/status/:code")).toBe(true);
    // Every endpoint is still listed, to switch to another.
    expect(scoped.endpoints.map((e) => e.endpoint)).toContain("/v2/price");
    const week = await getAnalytics(user, { range: "7d" }, NOW);
    expect(week.totals.calls).toBe(105);
    expect(week.series.find((p) => p.at === "2026-11-17")).toMatchObject({ calls: 1 });
    expect(week.series.find((p) => p.at === "2026-11-17")?.p50).toBeGreaterThan(4_000);
  });

  it("rebuilds the same rollups from the raw calls as the recorder keeps (the migration's backfill)", async () => {
    const snapshot = async () =>
      Promise.all(
        ["usage_hourly", "usage_endpoint_daily", "failures_hourly", "failures_daily"].map(
          async (table) =>
            (
              await database.pool.query<Record<string, unknown>>(
                `SELECT * FROM ${table} WHERE user_id = $1 ORDER BY 2, 3${table.startsWith("failures") ? ", 4, 5" : ""}`,
                [user.id],
              )
            ).rows,
        ),
      );
    const kept = await snapshot();
    expect(kept[0]?.length).toBeGreaterThan(0);
    await database.pool.query("SELECT rebuild_analytics_rollups($1)", [user.id]);
    expect(await snapshot()).toEqual(kept);
  });

  it("counts a replayed batch once", async () => {
    await writeCalls(database.pool, calls.slice(0, 10));
    expect((await getAnalytics(user, { range: "24h" }, NOW)).totals.calls).toBe(104);
  });
});
