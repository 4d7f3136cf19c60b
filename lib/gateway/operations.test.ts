import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { createAccount, createKey, startTestGateway, type TestGateway } from "./test-helpers.ts";

const database = testDatabase();
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway(database, { METRICS_PORT: 0 });
});
afterAll(() => t.close());

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(t.gateway.metricsUrl!)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe("health checks and metrics", () => {
  it("answers /healthz and /readyz without a key and records neither", async () => {
    const committed = t.gateway.stats().committedRecords;
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { database: "ok", redis: "not configured", recorder: "ok", accepting: "ok" },
    });
    await t.gateway.flush();
    expect(t.gateway.stats().committedRecords).toBe(committed);
    expect(t.gateway.stats().pendingRecords).toBe(0);
    // Any other path still needs a key.
    expect((await fetch(`${t.url}/healthz/x`)).status).toBe(401);
  });

  it("exports calls by status class and outcome, latencies, refusals and the recorder's state", async () => {
    const key = await createKey(database.pool, await createAccount(database.pool, "free")); // 1 req/min
    const forwarded = Number(
      (await metric('tollgate_gateway_calls_total{status_class="2xx",outcome="forwarded"}')) ?? 0,
    );
    const limited = (await metric("tollgate_gateway_rate_limited_total")) ?? 0;
    const headers = { "x-api-key": key.key };
    expect((await fetch(`${t.url}/v2/price?symbol=BTC`, { headers })).status).toBe(200);
    expect((await fetch(`${t.url}/v2/price?symbol=BTC`, { headers })).status).toBe(429);
    await t.gateway.flush();

    expect(await metric('tollgate_gateway_calls_total{status_class="2xx",outcome="forwarded"}')).toBe(
      forwarded + 1,
    );
    expect(await metric("tollgate_gateway_rate_limited_total")).toBe(limited + 1);
    expect(
      await metric('tollgate_gateway_calls_total{status_class="4xx",outcome="rate_limited"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric("tollgate_gateway_call_duration_seconds_count")).toBeGreaterThanOrEqual(2);
    expect(await metric("tollgate_gateway_upstream_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(await metric("tollgate_gateway_quota_exceeded_total")).toBe(0);
    expect(await metric("tollgate_recorder_batch_write_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(await metric("tollgate_recorder_queue_length")).toBe(0);
    expect(await metric("tollgate_recorder_spooled_records")).toBe(0);
    expect(await metric("tollgate_redis_fallback")).toBe(0);
    // The gateway's own port does not serve them.
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
  });
});
