import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { generateKey } from "../keys/key.ts";
import {
  callsOf,
  createAccount,
  createKey,
  eventually,
  startTestGateway,
  type TestGateway,
} from "./test-helpers.ts";

const database = testDatabase();
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway(database);
});
afterAll(() => t.close());

type ErrorBody = { error: { code: string; message: string; request_id: string } };

async function call(path: string, headers: Record<string, string> = {}, init: RequestInit = {}) {
  const res = await fetch(t.url + path, { ...init, headers });
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text) as ErrorBody };
}

async function expectError(path: string, headers: Record<string, string>, status: number, code: string) {
  const { res, json } = await call(path, headers);
  expect(res.status).toBe(status);
  const body = json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "request_id"]);
  expect(body.error.code).toBe(code);
  expect(body.error.request_id).toBe(res.headers.get("x-request-id"));
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return res;
}

describe("docs/gateway.md error table", () => {
  it("401 missing_api_key without a key header, and nothing recorded", async () => {
    // A keyed call first, so there is an account the gateway could wrongly book them to.
    const key = await createKey(database.pool, await createAccount(database.pool));
    expect((await call("/v2/tokens", { "x-api-key": key.key })).res.status).toBe(200);
    const ids = [
      await expectError("/v2/tokens", {}, 401, "missing_api_key"),
      await expectError("/v2/tokens", { authorization: "Basic abc" }, 401, "missing_api_key"),
    ].map((res) => res.headers.get("x-request-id"));
    await t.gateway.flush();
    const recorded = await database.pool.query("SELECT 1 FROM calls WHERE request_id = ANY($1)", [ids]);
    expect(recorded.rowCount).toBe(0);
  });

  it("401 invalid_api_key for a malformed key, a bad checksum and an unknown key", async () => {
    await expectError("/v2/tokens", { authorization: "Bearer nope" }, 401, "invalid_api_key");
    const good = generateKey().key;
    const badChecksum = good.slice(0, -1) + (good.endsWith("A") ? "B" : "A");
    await expectError("/v2/tokens", { "x-api-key": badChecksum }, 401, "invalid_api_key");
    await expectError("/v2/tokens", { "x-api-key": good }, 401, "invalid_api_key");
  });

  it("401 invalid_api_key for a deleted key; the call is still recorded for its account", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    await database.pool.query("UPDATE api_keys SET deleted_at = now() WHERE id = $1", [key.id]);
    await expectError("/v2/tokens", { authorization: `Bearer ${key.key}` }, 401, "invalid_api_key");
    await t.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    expect(rows.map((r) => [r.status, r.error_code, r.billable])).toEqual([[401, "invalid_api_key", false]]);
  });

  it("401 key_expired past the expiry, 403 key_disabled when inactive", async () => {
    const userId = await createAccount(database.pool);
    const expired = await createKey(database.pool, userId, { expiresAt: new Date(Date.now() - 1000) });
    const disabled = await createKey(database.pool, userId, { status: "inactive" });
    await expectError("/v2/tokens", { authorization: `Bearer ${expired.key}` }, 401, "key_expired");
    await expectError("/v2/tokens", { "x-api-key": disabled.key }, 403, "key_disabled");
    await t.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    expect(rows.map((r) => [r.key_id, r.status, r.error_code, r.billable])).toEqual([
      [expired.id, 401, "key_expired", false],
      [disabled.id, 403, "key_disabled", false],
    ]);
  });

  it("429 rate_limited over the plan's req/min with Retry-After ≤ 60", async () => {
    const userId = await createAccount(database.pool, "free"); // 1 req/min
    const key = await createKey(database.pool, userId);
    const first = await call("/v2/tokens", { "x-api-key": key.key });
    expect(first.res.status).toBe(200);
    const res = await expectError("/v2/tokens", { "x-api-key": key.key }, 429, "rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("413 payload_too_large for a declared body over the limit, not billable", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const body = new Uint8Array(10 * 1024 * 1024 + 1);
    const res = await fetch(`${t.url}/echo`, { method: "POST", headers: { "x-api-key": key.key }, body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe("payload_too_large");
    await t.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    expect(rows.map((r) => [r.status, r.error_code, r.billable])).toEqual([
      [413, "payload_too_large", false],
    ]);
  });

  it("every response carries a fresh X-Request-Id; a client-sent one is not trusted", async () => {
    const a = await call("/x");
    const b = await call("/x");
    expect(a.res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.res.headers.get("x-request-id")).not.toBe(b.res.headers.get("x-request-id"));
    const sent = randomUUID();
    const spoofed = await call("/x", { "x-request-id": sent });
    expect(spoofed.json().error.request_id).toBe(spoofed.res.headers.get("x-request-id"));
    expect(spoofed.res.headers.get("x-request-id")).not.toBe(sent);

    // A forwarded, recorded call: neither the answer, the upstream nor the record sees it.
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const echoed = await call("/echo", { "x-api-key": key.key, "x-request-id": sent });
    expect(echoed.res.status).toBe(200);
    const own = echoed.res.headers.get("x-request-id");
    expect(own).toMatch(/^[0-9a-f-]{36}$/);
    expect(own).not.toBe(sent);
    const upstream = JSON.parse(echoed.text) as { headers: Record<string, string> };
    expect(upstream.headers["x-request-id"]).toBe(own);
    await t.gateway.flush();
    expect((await callsOf(database.pool, userId)).map((r) => r.request_id)).toEqual([own]);
  });

  it("records calls within 2 s without an explicit flush", async () => {
    const userId = await createAccount(database.pool);
    const key = await createKey(database.pool, userId);
    const { res } = await call("/v2/price?symbol=BTC", { "x-api-key": key.key });
    expect(res.status).toBe(200);
    const waited = await eventually(async () => (await callsOf(database.pool, userId)).length === 1, 2_000);
    expect(waited).toBeLessThan(2_000);
  });
});
