import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import type { Database } from "../db/client.ts";
import { generateKey, type NewKey } from "../keys/key.ts";
import type { CallRecord } from "../recorder/call-record.ts";
import { startSampleApi, type SampleApi } from "../sample-api/server.ts";
import { monthOf } from "../time/calendar.ts";
import { startGateway, type Gateway, type GatewayConfig, type GatewayOptions } from "./server.ts";

// Test data goes in with plain SQL: the keys data layer is written by another engineer
// at the same time, and these tests are about the gateway, not about it.

export type SeededPlan = "free" | "basic" | "advanced" | "vip";

/** A fresh account on one of the seeded plans; unique email, so tests never share one. */
export async function createAccount(pool: pg.Pool, plan: SeededPlan = "vip"): Promise<string> {
  const result = await pool.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, plan_id)
     SELECT $1, 'not-a-real-hash', id FROM plans WHERE slug = $2 RETURNING id::text`,
    [`gateway-${randomUUID()}@example.com`, plan],
  );
  return result.rows[0]!.id;
}

export type TestKey = { id: string; key: string; hash: string };

/** A new key for an account, as the dashboard would create it. */
export async function createKey(
  pool: pg.Pool,
  userId: string,
  options: { status?: "active" | "inactive"; expiresAt?: Date; generated?: NewKey } = {},
): Promise<TestKey> {
  const key = options.generated ?? generateKey();
  const result = await pool.query<{ id: string }>(
    `INSERT INTO api_keys (user_id, name, hash, prefix, last4, status, expires_at)
     VALUES ($1, 'test key', $2, $3, $4, $5, $6) RETURNING id::text`,
    [userId, key.hash, key.prefix, key.last4, options.status ?? "active", options.expiresAt ?? null],
  );
  return { id: result.rows[0]!.id, key: key.key, hash: key.hash };
}

/** The calls recorded for an account, oldest first. */
export async function callsOf(pool: pg.Pool, userId: string) {
  const result = await pool.query<{
    request_id: string;
    key_id: string;
    method: string;
    path: string;
    status: number;
    latency_ms: number;
    upstream_latency_ms: number | null;
    request_bytes: string;
    response_bytes: string;
    ip: string;
    user_agent: string | null;
    error_code: string | null;
    billable: boolean;
  }>(`SELECT * FROM calls WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  return result.rows;
}

/** SUM(usage_daily) columns for an account this UTC month. */
export async function usageOf(pool: pg.Pool, userId: string) {
  const result = await pool.query<{ calls: number; failures: number; billable: number }>(
    `SELECT COALESCE(SUM(calls), 0)::int AS calls, COALESCE(SUM(failures), 0)::int AS failures,
            COALESCE(SUM(billable), 0)::int AS billable
     FROM usage_daily WHERE user_id = $1 AND day >= $2::date`,
    [userId, monthOf(Date.now())],
  );
  return result.rows[0]!;
}

/** Polls until `check` returns true (or throws the last failure after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export type TestGateway = {
  gateway: Gateway;
  upstream: SampleApi;
  url: string;
  dataDir: string;
  close: () => Promise<void>;
};

/** A gateway on a free port in front of a fresh sample API, with its own spool folder. */
export async function startTestGateway(
  database: Database,
  config: Partial<GatewayConfig> = {},
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const upstream = await startSampleApi(0, "127.0.0.1", { chunkDelayMs: 40 });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-gateway-"));
  const gateway = await startGateway(
    {
      GATEWAY_PORT: 0,
      HOSTNAME: "127.0.0.1",
      UPSTREAM_AUTH_HEADER: undefined,
      UPSTREAM_TIMEOUT_MS: 30_000,
      GATEWAY_BODY_LIMIT: 10 * 1024 * 1024,
      TRUST_PROXY: false,
      dataDir,
      upstreamUrl: upstream.url,
      ...config,
    },
    database,
    { log: () => undefined, ...options },
  );
  return {
    gateway,
    upstream,
    url: gateway.url,
    dataDir,
    close: async () => {
      await gateway.close();
      await upstream.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `total` calls with at most `concurrency` in flight; resolves with each call's result. */
export async function burst<T>(
  total: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      results[i] = await call(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Call records on disk in a spool folder, in sealed and still-open files alike. */
export async function spooledRecords(dir: string): Promise<number> {
  let count = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const text = await fs.readFile(path.join(dir, name), "utf8").catch(() => "");
    count += text.split("\n").filter(Boolean).length;
  }
  return count;
}

/** A call record as the gateway would queue it. */
export function testRecord(userId: string, keyId: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    requestId: randomUUID(),
    userId,
    keyId,
    method: "GET",
    path: "/v2/tokens",
    status: 200,
    latencyMs: 3,
    upstreamLatencyMs: 2,
    query: null,
    outcome: "completed",
    ttfbMs: null,
    upstreamDoneMs: null,
    gatewayMs: null,
    requestBytes: 0,
    responseBytes: 120,
    ip: "127.0.0.1",
    userAgent: "test",
    errorCode: null,
    billable: true,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}
