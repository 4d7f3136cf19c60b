import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../actor.ts";
import { testDatabase } from "../db/test-database.ts";
import type { CallRecord } from "../recorder/call-record.ts";
import { writeCalls } from "../recorder/sql.ts";
import { encodeCursor, parseCallFilters, type CallFilters } from "../schemas/call-filters.ts";
import { callBatches, getCall, getCallDetail, listCalls, listKeyOptions, type CallPage } from "./calls.ts";
import { createKey, deleteKey } from "./keys.ts";
import { createTestUser } from "./keys-test-support.ts";

const database = testDatabase();
const BASE = Date.parse("2026-11-10T12:00:00.000Z");

function call(
  user: SessionUser,
  keyId: string,
  minute: number,
  overrides: Partial<CallRecord> = {},
): CallRecord {
  return {
    requestId: `req_${randomUUID()}`,
    userId: user.id,
    keyId,
    method: "GET",
    path: "/v2/price",
    status: 200,
    latencyMs: 12,
    upstreamLatencyMs: 10,
    query: null,
    outcome: "completed",
    ttfbMs: null,
    upstreamDoneMs: null,
    gatewayMs: null,
    requestBytes: 0,
    responseBytes: 180,
    ip: "203.0.113.7",
    userAgent: "vitest",
    errorCode: null,
    billable: true,
    createdAt: new Date(BASE + minute * 60_000).toISOString(),
    ...overrides,
  };
}

function filters(query: string): CallFilters {
  const parsed = parseCallFilters(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return parsed.filters;
}

async function allPages(user: SessionUser, query: string, pageSize: number): Promise<string[]> {
  const seen: string[] = [];
  let page: CallPage = await listCalls(user, filters(query), pageSize);
  for (;;) {
    seen.push(...page.rows.map((r) => r.requestId));
    if (!page.older) return seen;
    page = await listCalls(user, { ...filters(query), cursor: page.older }, pageSize);
  }
}

/** A user's 2xx calls, newest first, straight from SQL: what the call log must list. */
async function successIdsNewestFirst(user: SessionUser): Promise<string[]> {
  const result = await database.pool.query<{ id: string }>(
    // calls.id, not the output column "id" (text): 93 sorts after 109 as text.
    `SELECT id::text FROM calls WHERE user_id = $1 AND status BETWEEN 200 AND 299
     ORDER BY calls.created_at DESC, calls.id DESC`,
    [user.id],
  );
  return result.rows.map((r) => r.id);
}

describe("call log data", () => {
  let alice: SessionUser;
  let bob: SessionUser;
  let aliceKey: string;
  let aliceKey2: string;
  let bobKey: string;
  const aliceCalls: CallRecord[] = [];

  beforeAll(async () => {
    alice = await createTestUser(database, "calls-alice");
    bob = await createTestUser(database, "calls-bob");
    aliceKey = (await createKey(alice, { name: "Production" })).id;
    aliceKey2 = (await createKey(alice, { name: "Staging" })).id;
    bobKey = (await createKey(bob, { name: "Bob's" })).id;
    for (let i = 0; i < 30; i++) {
      aliceCalls.push(
        call(alice, i % 3 === 0 ? aliceKey2 : aliceKey, i, {
          status: i % 10 === 9 ? 502 : i % 5 === 4 ? 404 : 200,
          path: i % 2 === 0 ? "/v2/price" : "/v1/chat/completions",
          ip: i % 7 === 0 ? "198.51.100.1" : "203.0.113.7",
        }),
      );
    }
    // Two calls in the same millisecond: the id breaks the tie so neither is skipped.
    aliceCalls.push(call(alice, aliceKey, 15), call(alice, aliceKey, 15));
    await writeCalls(database.pool, aliceCalls);
    await writeCalls(database.pool, [call(bob, bobKey, 5), call(bob, bobKey, 6, { status: 500 })]);
  });

  it("lists newest first with the key's name and label", async () => {
    const page = await listCalls(alice, filters(""), 5);
    expect(page.rows).toHaveLength(5);
    expect(page.rows[0]?.createdAt.toISOString()).toBe(new Date(BASE + 29 * 60_000).toISOString());
    const times = page.rows.map((r) => r.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(page.rows[0]).toMatchObject({ keyName: "Production", method: "GET" });
    expect(page.rows[0]?.keyLabel).toMatch(/^tg_\w{4}…\w{4}$/);
    expect(page.newer).toBeNull();
    expect(page.older).not.toBeNull();
  });

  it("never shows another user's calls, and another user's call id is not found", async () => {
    const bobRows = await allPages(bob, "", 50);
    expect(bobRows).toHaveLength(2);
    const aliceIds = new Set(aliceCalls.map((c) => c.requestId));
    expect(bobRows.some((id) => aliceIds.has(id))).toBe(false);
    const alicesCall = (await listCalls(alice, filters(""), 1)).rows[0];
    expect(await getCall(alice, alicesCall?.id ?? "")).toMatchObject({ requestId: alicesCall?.requestId });
    expect(await getCall(bob, alicesCall?.id ?? "")).toBeNull();
    expect(await getCall(bob, "not-a-number")).toBeNull();
    // Filtering by Alice's key as Bob still shows only Bob's (none).
    expect((await listCalls(bob, filters(`key=${aliceKey}`))).rows).toEqual([]);
    expect((await listKeyOptions(bob)).map((k) => k.id)).toEqual([bobKey]);
  });

  it("offers live keys first, newest first, then deleted ones, labelled", async () => {
    const carol = await createTestUser(database, "calls-carol");
    const ids: string[] = [];
    for (const name of ["first", "second", "third"]) ids.push((await createKey(carol, { name })).id);
    await deleteKey(carol, ids[2]!);
    const options = await listKeyOptions(carol);
    expect(options.map((k) => k.id)).toEqual([ids[1], ids[0], ids[2]]);
    expect(options.map((k) => k.deleted)).toEqual([false, false, true]);
    expect(options[2]!.label).toMatch(/^third \(tg_.+….{4}\) — deleted$/);
  });

  it("filters by key, status class, exact code, endpoint, ip and time range", async () => {
    const count = async (query: string) => (await allPages(alice, query, 50)).length;
    const matching = (predicate: (c: CallRecord) => boolean) => aliceCalls.filter(predicate).length;
    expect(await count("")).toBe(32);
    expect(await count(`key=${aliceKey2}`)).toBe(matching((c) => c.keyId === aliceKey2));
    expect(await count("status=5xx")).toBe(matching((c) => c.status >= 500));
    expect(await count("status=4xx")).toBe(matching((c) => c.status >= 400 && c.status < 500));
    expect(await count("status=2xx")).toBe(matching((c) => c.status < 300));
    expect(await count("status=404")).toBe(matching((c) => c.status === 404));
    expect(await count("endpoint=/v1/chat/completions")).toBe(
      matching((c) => c.path === "/v1/chat/completions"),
    );
    expect(await count("ip=198.51.100.1")).toBe(matching((c) => c.ip === "198.51.100.1"));
    const from = new Date(BASE + 10 * 60_000).toISOString();
    const to = new Date(BASE + 20 * 60_000).toISOString();
    // from inclusive, to exclusive: minutes 10..19, plus the two extra calls at minute 15.
    expect(await count(`from=${from}&to=${to}`)).toBe(12);
    expect(await count("status=5xx&endpoint=/v1/chat/completions")).toBe(
      matching((c) => c.status >= 500 && c.path === "/v1/chat/completions"),
    );
  });

  it("filters by failed, success, comma lists, error code, method, search and endpoint pattern", async () => {
    const carol = await createTestUser(database, "calls-carol");
    const key = (await createKey(carol, { name: "Carol's" })).id;
    const calls = [
      call(carol, key, 1, { status: 200, path: "/v2/price" }),
      call(carol, key, 2, { status: 429, errorCode: "rate_limited", billable: false }),
      call(carol, key, 3, { status: 503, path: "/status/503" }),
      call(carol, key, 4, { status: 404, path: "/status/404", method: "POST" }),
      call(carol, key, 5, { status: 200, path: "/v1/items/42", method: "DELETE" }),
      call(carol, key, 6, { status: 502, errorCode: "upstream_unreachable", path: "/v1/items/43" }),
      call(carol, key, 7, { status: 200, path: "/v1/items/43/reviews" }),
      call(carol, key, 8, { status: 200, path: "/v2/50%_off" }),
    ];
    const aborted = call(carol, key, 10, { status: 200, path: "/v1/chat/completions" });
    await writeCalls(database.pool, [...calls, aborted]);
    // Set directly: whatever writes them, a hang-up is a failure and a query is searchable.
    await database.pool.query(
      "UPDATE calls SET outcome = 'client_aborted', query = 'stream=true&symbol=DOGEZZ' WHERE request_id = $1",
      [aborted.requestId],
    );
    const paths = async (query: string) => {
      const ids: string[] = [];
      for await (const batch of callBatches(carol, filters(query), 2)) ids.push(...batch.map((r) => r.path));
      const page = (await listCalls(carol, filters(query))).rows.map((r) => r.path);
      // The page and the export agree, and both are newest first.
      expect(ids).toEqual(page);
      return page;
    };
    expect(await paths("status=failed")).toEqual([
      "/v1/chat/completions",
      "/v1/items/43",
      "/status/404",
      "/status/503",
      "/v2/price",
    ]);
    expect(await paths("status=success")).toHaveLength(4);
    expect(await paths("status=2xx")).toHaveLength(5);
    // Text in the query string is found too.
    expect(await paths("q=dogezz")).toEqual(["/v1/chat/completions"]);
    expect(await paths("status=429,503")).toEqual(["/status/503", "/v2/price"]);
    // Overlapping terms list a call once.
    expect(await paths("status=failed,5xx,502")).toHaveLength(5);
    expect(await paths("status=2xx,404")).toHaveLength(6);
    expect(await paths("error=rate_limited")).toEqual(["/v2/price"]);
    expect(await paths("error=key_disabled")).toEqual([]);
    expect(await paths("method=delete")).toEqual(["/v1/items/42"]);
    expect(await paths("endpoint=/status/:code")).toEqual(["/status/404", "/status/503"]);
    expect(await paths("endpoint=/v1/items/:id")).toEqual(["/v1/items/43", "/v1/items/42"]);
    expect(await paths("endpoint=/v1/items/:id&status=failed")).toEqual(["/v1/items/43"]);
    expect(await paths("q=ITEMS/43")).toEqual(["/v1/items/43/reviews", "/v1/items/43"]);
    // % and _ in a search are literal characters, not wildcards.
    expect(await paths("q=50%_")).toEqual(["/v2/50%_off"]);
    expect(await paths("q=0%")).toEqual(["/v2/50%_off"]);
    expect(await paths(`q=${calls[2]?.requestId.slice(4)}`)).toEqual([]);
    // A bare request id finds its call (request ids are UUIDs; the test's have a prefix).
    const probe = { ...call(carol, key, 9), requestId: randomUUID() };
    await writeCalls(database.pool, [probe]);
    expect(await paths(`q=${probe.requestId.toUpperCase()}`)).toEqual(["/v2/price"]);
  });

  it("groups paths into endpoint patterns in SQL", async () => {
    const pattern = async (path: string) =>
      (await database.pool.query<{ p: string }>("SELECT endpoint_pattern($1) AS p", [path])).rows[0]?.p;
    expect(await pattern("/status/404")).toBe("/status/:code");
    expect(await pattern("/status/404/extra")).toBe("/status/:code/extra");
    expect(await pattern("/v1/items/123")).toBe("/v1/items/:id");
    expect(await pattern("/v1/items/123/reviews/9")).toBe("/v1/items/:id/reviews/:id");
    expect(await pattern("/v1/files/0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f")).toBe("/v1/files/:id");
    expect(await pattern("/v1/files/file_8fa9c2d1e3b4a5f6")).toBe("/v1/files/:id");
    // Version segments, words and short codes stay.
    expect(await pattern("/v2/price")).toBe("/v2/price");
    expect(await pattern("/v1/chat/completions")).toBe("/v1/chat/completions");
    expect(await pattern("/v2/trader-grades")).toBe("/v2/trader-grades");
    expect(await pattern("/")).toBe("/");
  });

  it("pages through every row exactly once, also while new calls arrive", async () => {
    const first = await listCalls(alice, filters(""), 7);
    // New calls land at the top: the next page continues from the cursor, unaffected.
    await writeCalls(database.pool, [call(alice, aliceKey, 100), call(alice, aliceKey, 101)]);
    const seen = first.rows.map((r) => r.requestId);
    let cursor = first.older;
    while (cursor) {
      const page = await listCalls(alice, { ...filters(""), cursor }, 7);
      seen.push(...page.rows.map((r) => r.requestId));
      cursor = page.older;
    }
    expect(seen).toHaveLength(32);
    expect(new Set(seen)).toEqual(new Set(aliceCalls.map((c) => c.requestId)));
  });

  it("reads a forged but well-formed cursor as an empty page, not an error", async () => {
    const far = await listCalls(alice, filters("cursor=o.999999999999999.9223372036854775807"));
    expect(far.rows.length).toBeGreaterThan(0);
    const none = await listCalls(alice, filters("cursor=o.1.1"));
    expect(none.rows).toEqual([]);
    expect(none.newer).not.toBeNull();
  });

  it("goes back to newer pages with a newer cursor", async () => {
    const expected = await successIdsNewestFirst(alice);
    const first = await listCalls(alice, filters("status=2xx"), 4);
    expect(first.rows.map((r) => r.id)).toEqual(expected.slice(0, 4));
    expect(first.newer).toBeNull();
    const second = await listCalls(alice, { ...filters("status=2xx"), cursor: first.older ?? undefined }, 4);
    expect(second.rows.map((r) => r.id)).toEqual(expected.slice(4, 8));
    expect(second.newer).not.toBeNull();
    const back = await listCalls(alice, { ...filters("status=2xx"), cursor: second.newer ?? undefined }, 4);
    expect(back.rows.map((r) => r.id)).toEqual(expected.slice(0, 4));
    // The newest rows are back on top: no newer page beyond them.
    expect(back.newer).toBeNull();
    // A cursor from the URL works the same as the object.
    const viaUrl = await listCalls(alice, filters(`status=2xx&cursor=${encodeCursor(first.older!)}`), 4);
    expect(viaUrl.rows.map((r) => r.id)).toEqual(expected.slice(4, 8));
  });

  it("exports in batches, newest first, with every matching row", async () => {
    const batches: number[] = [];
    const ids: string[] = [];
    for await (const batch of callBatches(alice, filters("status=2xx"), 5)) {
      batches.push(batch.length);
      ids.push(...batch.map((r) => r.id));
    }
    const expected = await successIdsNewestFirst(alice);
    expect(expected.length).toBeGreaterThan(10);
    expect(ids).toEqual(expected);
    expect(Math.max(...batches)).toBeLessThanOrEqual(5);
    const bobExport: string[] = [];
    for await (const batch of callBatches(bob, filters(""))) bobExport.push(...batch.map((r) => r.requestId));
    expect(bobExport).toHaveLength(2);
  });
});

describe("one call's detail", () => {
  it("returns the call with its captured payload to its owner only", async () => {
    const carol = await createTestUser(database, "detail-carol");
    const dave = await createTestUser(database, "detail-dave");
    const key = (await createKey(carol, { name: "Detail" })).id;
    const failed = call(carol, key, 100, {
      path: "/v2/price",
      query: "symbol=DOGEZZ&key=[REDACTED]",
      status: 400,
      ttfbMs: 4.5,
      upstreamDoneMs: 4.75,
      gatewayMs: 0.25,
      payload: {
        request: {
          headers: [
            ["accept", "application/json"],
            ["x-api-key", "[REDACTED]"],
          ],
          body: null,
          bytes: 0,
          truncated: false,
          contentType: null,
        },
        response: {
          headers: [["content-type", "application/json"]],
          body: '{"error":"unknown symbol"}',
          bytes: 26,
          truncated: false,
          contentType: "application/json",
        },
      },
    });
    // Recent: payloads older than PAYLOAD_RETENTION_DAYS go when any test gateway starts.
    const now = Date.now();
    failed.createdAt = new Date(now - 1000).toISOString();
    const plain = call(carol, key, 101, { createdAt: new Date(now).toISOString() });
    await writeCalls(database.pool, [failed, plain]);
    const [failedRow, plainRow] = (await listCalls(carol, filters(""))).rows.sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : 1,
    );

    const detail = await getCallDetail(carol, failedRow?.id ?? "");
    expect(detail).toMatchObject({
      requestId: failed.requestId,
      query: "symbol=DOGEZZ&key=[REDACTED]",
      outcome: "completed",
      ttfbMs: 4.5,
      upstreamDoneMs: 4.75,
      gatewayMs: 0.25,
      // Both sides come back as they were captured.
      payload: failed.payload,
    });
    expect((await getCallDetail(carol, plainRow?.id ?? ""))?.payload).toBeNull();
    expect(await getCallDetail(dave, failedRow?.id ?? "")).toBeNull();
    expect(await getCallDetail(carol, "1; DROP TABLE calls")).toBeNull();
  });
});
