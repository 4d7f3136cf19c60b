// The call log keeps what a debugger needs (issue 8, points 1 and 2): the redacted query,
// headers and capped bodies per capture mode, true timings, outcomes and sizes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { withSettingsLock } from "../data/settings-test-support.ts";
import { generateKey } from "../keys/key.ts";
import type { GatewayConfig } from "./server.ts";
import {
  createAccount,
  createKey,
  eventually,
  startTestGateway,
  usageOf,
  type SeededPlan,
  type TestGateway,
} from "./test-helpers.ts";

const database = testDatabase();

type Row = {
  request_id: string;
  path: string;
  query: string | null;
  status: number;
  outcome: string;
  error_code: string | null;
  latency_ms: number;
  upstream_latency_ms: number | null;
  ttfb_ms: number | null;
  upstream_done_ms: number | null;
  gateway_ms: number | null;
  request_bytes: string;
  response_bytes: string;
  billable: boolean;
  request_headers: [string, string][] | null;
  response_headers: [string, string][] | null;
  request_body: string | null;
  response_body: string | null;
  request_body_bytes: string | null;
  response_body_bytes: string | null;
  request_truncated: boolean | null;
  response_truncated: boolean | null;
  request_content_type: string | null;
  response_content_type: string | null;
  has_payload: boolean;
};

/** The account's calls, oldest first, each with its payload columns (null when none was captured). */
async function recorded(t: TestGateway, userId: string, count: number): Promise<Row[]> {
  let rows: Row[] = [];
  await eventually(async () => {
    await t.gateway.flush();
    const result = await database.pool.query<Row>(
      `SELECT c.request_id, c.path, c.query, c.status, c.outcome::text AS outcome, c.error_code, c.latency_ms,
              c.upstream_latency_ms, c.ttfb_ms, c.upstream_done_ms, c.gateway_ms, c.request_bytes,
              c.response_bytes, c.billable, p.request_headers, p.response_headers, p.request_body,
              p.response_body, p.request_body_bytes, p.response_body_bytes, p.request_truncated,
              p.response_truncated, p.request_content_type, p.response_content_type,
              p.request_id IS NOT NULL AS has_payload
         FROM calls c
         LEFT JOIN call_payloads p ON p.request_id = c.request_id AND p.created_at = c.created_at
        WHERE c.user_id = $1 ORDER BY c.created_at, c.id`,
      [userId],
    );
    rows = result.rows;
    return rows.length >= count;
  });
  return rows;
}

async function account(plan: SeededPlan = "vip"): Promise<{ userId: string; key: string }> {
  const userId = await createAccount(database.pool, plan);
  return { userId, key: (await createKey(database.pool, userId)).key };
}

const gateways: TestGateway[] = [];
async function gatewayWith(config: Partial<GatewayConfig>): Promise<TestGateway> {
  const t = await startTestGateway(database, config);
  gateways.push(t);
  return t;
}
afterAll(async () => {
  for (const t of gateways) await t.close();
});

/** One call first, so the key is cached and the call under test spends no time on a database lookup. */
async function warm(t: TestGateway, key: string): Promise<void> {
  const res = await fetch(`${t.url}/warm`, { headers: { "x-api-key": key } });
  await res.text();
}

const chat = (stream: boolean) =>
  JSON.stringify({ model: "sample", stream, messages: [{ role: "user", content: "hi" }] });

describe("errors mode (the default)", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await gatewayWith({ UPSTREAM_AUTH_HEADER: { name: "x-provider-secret", value: "s3cret" } });
  });

  it("keeps the redacted query, headers and the upstream's error body of a failed call", async () => {
    const { userId, key } = await account();
    const other = generateKey().key;
    const res = await fetch(`${t.url}/v2/price?symbol=DOGEZZ&api_key=hunter2&Token=x&note=${other}`, {
      headers: {
        "x-api-key": key,
        authorization: "Bearer upstream-own-token",
        cookie: "session=abc",
        "x-provider-secret": "client-sent-this",
        "x-trace": `with ${other}`,
      },
    });
    expect(res.status).toBe(400);
    const sent = await res.text();
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({
      path: "/v2/price",
      query: "symbol=DOGEZZ&api_key=[REDACTED]&Token=[REDACTED]&note=[REDACTED]",
      status: 400,
      outcome: "completed",
      has_payload: true,
      response_body: sent,
      response_body_bytes: String(Buffer.byteLength(sent)),
      response_truncated: false,
      response_content_type: "application/json; charset=utf-8",
      request_body: null,
      request_body_bytes: "0",
    });
    expect(sent).toContain("Unknown symbol");
    const requestHeaders = Object.fromEntries(row!.request_headers!.map(([n, v]) => [n.toLowerCase(), v]));
    expect(requestHeaders).toMatchObject({
      "x-api-key": "[REDACTED]",
      authorization: "[REDACTED]",
      cookie: "[REDACTED]",
      "x-provider-secret": "[REDACTED]",
      "x-trace": "with [REDACTED]",
    });
    const responseHeaders = Object.fromEntries(row!.response_headers!);
    expect(responseHeaders["x-request-id"]).toBe(res.headers.get("x-request-id"));
    expect(responseHeaders["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("keeps nothing but the call row for a 2xx call", async () => {
    const { userId, key } = await account();
    const res = await fetch(`${t.url}/echo?symbol=BTC`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "text/plain" },
      body: "hello",
    });
    expect(res.status).toBe(200);
    await res.text();
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({ query: "symbol=BTC", status: 200, outcome: "completed", has_payload: false });
  });

  it("applies the admin's redacted parameter list once saved", async () => {
    const { userId, key } = await account();
    await withSettingsLock(database.pool, async () => {
      const before = await database.pool.query<{ value: unknown }>(
        "SELECT value FROM settings WHERE name = 'redacted_query_params'",
      );
      await database.pool.query(
        `UPDATE settings SET value = '["symbol"]', updated_at = now() WHERE name = 'redacted_query_params'`,
      );
      try {
        await t.gateway.refresh();
        await (await fetch(`${t.url}/v2/price?symbol=BTC&key=1`, { headers: { "x-api-key": key } })).text();
      } finally {
        await database.pool.query("UPDATE settings SET value = $1 WHERE name = 'redacted_query_params'", [
          JSON.stringify(before.rows[0]?.value),
        ]);
        await t.gateway.refresh();
      }
    });
    const [row] = await recorded(t, userId, 1);
    expect(row?.query).toBe("symbol=[REDACTED]&key=1");
  });

  it("keeps a capped prefix of a large request body, with its true size and the truncated flag", async () => {
    const { userId, key } = await account();
    const body = `{"items":"${"é".repeat(20_000)}"}`;
    const res = await fetch(`${t.url}/status/422`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(422);
    await res.text();
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({
      request_body_bytes: String(Buffer.byteLength(body)),
      request_truncated: true,
      request_content_type: "application/json",
      response_truncated: false,
    });
    // 16 KB of a two-byte character: the prefix never ends on half of one.
    expect(Buffer.byteLength(row!.request_body!)).toBeLessThanOrEqual(16 * 1024);
    expect(Buffer.byteLength(row!.request_body!)).toBeGreaterThan(16 * 1024 - 2);
    expect(body.startsWith(row!.request_body!)).toBe(true);
  });

  it("keeps a binary body as its type and size only", async () => {
    const { userId, key } = await account();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const res = await fetch(`${t.url}/status/415`, {
      method: "PUT",
      headers: { "x-api-key": key, "content-type": "image/png" },
      body: png,
    });
    await res.text();
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({
      status: 415,
      request_body: null,
      request_body_bytes: "12",
      request_content_type: "image/png",
    });
  });

  it("records the true timing split of a streamed (SSE) call: the streaming is the upstream's, not the gateway's", async () => {
    const { userId, key } = await account();
    await warm(t, key);
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: chat(true),
    });
    expect(await res.text()).toContain("data: [DONE]");
    const row = (await recorded(t, userId, 2))[1];
    const headers = row!.upstream_latency_ms!;
    const ttfb = row!.ttfb_ms!;
    const done = row!.upstream_done_ms!;
    const streaming = done - ttfb;
    // ~25 events 40 ms apart.
    expect(streaming).toBeGreaterThan(500);
    expect(ttfb).toBeGreaterThanOrEqual(headers - 1);
    expect(done).toBeLessThanOrEqual(row!.latency_ms + 1);
    // Before the upstream was asked + after its last byte: a small part of the call.
    expect(row!.gateway_ms).toBeLessThan(streaming / 5);
    expect(row!.gateway_ms).toBeLessThan(row!.latency_ms - streaming + 1);
    expect(row).toMatchObject({ status: 200, outcome: "completed", has_payload: false });
  });

  it("records a client that hangs up mid-stream as client_aborted with the upstream's status, counted as a failure", async () => {
    const { userId, key } = await account();
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${t.url}/v1/chat/completions`,
        { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" } },
        (res) => {
          let got = 0;
          res.on("data", (chunk: Buffer) => {
            got += chunk.length;
            // Like `| head -c 300`: enough to have started, then gone.
            if (got >= 300) {
              req.destroy();
              resolve();
            }
          });
          res.on("error", () => undefined);
        },
      );
      req.on("error", (error) => (error.message.includes("socket hang up") ? undefined : reject(error)));
      req.end(chat(true));
    });
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({
      status: 200,
      outcome: "client_aborted",
      error_code: "client_closed_request",
      billable: true,
      has_payload: true,
    });
    // Forwarded: the upstream answered and was cut off when the client left.
    expect(row!.upstream_latency_ms).not.toBeNull();
    expect(row!.upstream_done_ms).not.toBeNull();
    expect(Number(row!.response_bytes)).toBeGreaterThanOrEqual(300);
    expect(row!.request_body).toBe(chat(true));
    expect(await usageOf(database.pool, userId)).toMatchObject({ calls: 1, failures: 1 });
  });

  it("records refusals with the bytes actually sent and the declared request size, and their error body", async () => {
    const { userId, key } = await account("free");
    const ok = await fetch(`${t.url}/v2/tokens`, { headers: { "x-api-key": key } });
    await ok.text();
    const limited = await fetch(`${t.url}/echo`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "text/plain" },
      body: "x".repeat(1234),
    });
    expect(limited.status).toBe(429);
    const sent = await limited.text();
    const rows = await recorded(t, userId, 2);
    expect(rows[1]).toMatchObject({
      status: 429,
      outcome: "refused",
      error_code: "rate_limited",
      response_bytes: String(Buffer.byteLength(sent)),
      request_bytes: "1234",
      has_payload: true,
      response_body: sent,
      request_body: null,
      request_body_bytes: "1234",
      ttfb_ms: null,
      upstream_done_ms: null,
      upstream_latency_ms: null,
    });
    expect(Number(rows[1]!.response_bytes)).toBeGreaterThan(100);
    expect(rows[1]!.gateway_ms).toBeGreaterThan(0);
    expect(Object.fromEntries(rows[1]!.response_headers!)["retry-after"]).toMatch(/^\d+$/);
  });

  it("records a 413 with the declared size, and a chunked one with the bytes received", async () => {
    const small = await gatewayWith({ GATEWAY_BODY_LIMIT: 10_000 });
    const { userId, key } = await account();
    const declared = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${small.url}/echo`, {
        method: "POST",
        headers: { "x-api-key": key, "content-length": String(11 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("x".repeat(100));
    });
    expect(declared).toBe(413);
    const chunked = await fetch(`${small.url}/echo`, {
      method: "POST",
      headers: { "x-api-key": key },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 30; i++) controller.enqueue(new Uint8Array(1000).fill(120));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    await chunked.text();
    const rows = await recorded(small, userId, 2);
    expect(rows.map((r) => [r.status, r.outcome, r.error_code])).toEqual([
      [413, "refused", "payload_too_large"],
      [413, "refused", "payload_too_large"],
    ]);
    expect(rows[0]!.request_bytes).toBe(String(11 * 1024 * 1024));
    expect(Number(rows[1]!.request_bytes)).toBeGreaterThan(10_000);
    expect(Number(rows[1]!.response_bytes)).toBeGreaterThan(50);
  });

  it("shows an upstream timeout as forwarded: upstream_error with the time the gateway gave up", async () => {
    const slow = await gatewayWith({ UPSTREAM_TIMEOUT_MS: 300 });
    const { userId, key } = await account();
    const res = await fetch(`${slow.url}/delay/3000`, { headers: { "x-api-key": key } });
    expect(res.status).toBe(504);
    await res.text();
    const [row] = await recorded(slow, userId, 1);
    expect(row).toMatchObject({ outcome: "upstream_error", error_code: "upstream_timeout", billable: true });
    expect(row!.upstream_done_ms).toBeGreaterThanOrEqual(290);
    expect(row!.gateway_ms).toBeLessThan(row!.upstream_done_ms!);
  });
});

describe("capture modes", () => {
  it("all keeps every call's payload, 2xx included, without holding back the client's stream", async () => {
    const t = await gatewayWith({ CAPTURE_BODIES: "all", CAPTURE_MAX_BYTES: 64 });
    const { userId, key } = await account();
    const started = performance.now();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: chat(true),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let firstAt = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      firstAt ||= performance.now() - started;
      text += decoder.decode(value, { stream: true });
    }
    const total = performance.now() - started;
    // The first events arrive while the upstream is still streaming (~1 s of events).
    expect(firstAt).toBeLessThan(total / 3);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({
      status: 200,
      has_payload: true,
      response_truncated: true,
      response_body_bytes: String(Buffer.byteLength(text)),
      response_content_type: expect.stringMatching(/^text\/event-stream/) as unknown,
    });
    expect(row!.response_body).toBe(text.slice(0, 64));
  });

  it("off keeps no payload, even for a failed call, but still the redacted query", async () => {
    const t = await gatewayWith({ CAPTURE_BODIES: "off" });
    const { userId, key } = await account();
    await (await fetch(`${t.url}/status/500?token=abc`, { headers: { "x-api-key": key } })).text();
    const [row] = await recorded(t, userId, 1);
    expect(row).toMatchObject({ status: 500, query: "token=[REDACTED]", has_payload: false });
  });
});

describe("a client that leaves before any answer", () => {
  it("is client_aborted with status 499, forwarded, and the upstream's time until it was cut off", async () => {
    const { userId, key } = await account();
    const upstreamWaits = http.createServer((req, res) => {
      if (req.url === "/warm") res.end("ok");
    });
    await new Promise<void>((resolve) => upstreamWaits.listen(0, "127.0.0.1", resolve));
    const hanging = await gatewayWith({
      upstreamUrl: `http://127.0.0.1:${(upstreamWaits.address() as AddressInfo).port}`,
    });
    try {
      await warm(hanging, key);
      await fetch(`${hanging.url}/anything`, {
        headers: { "x-api-key": key },
        signal: AbortSignal.timeout(300),
      }).catch(() => undefined);
      const row = (await recorded(hanging, userId, 2))[1];
      expect(row).toMatchObject({
        status: 499,
        outcome: "client_aborted",
        billable: true,
        has_payload: true,
      });
      expect(row!.upstream_done_ms).toBeGreaterThanOrEqual(250);
      expect(row!.upstream_latency_ms).toBeNull();
      expect(await usageOf(database.pool, userId)).toMatchObject({ failures: 1 });
    } finally {
      upstreamWaits.closeAllConnections();
      await new Promise((resolve) => upstreamWaits.close(resolve));
    }
  });
});
