import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import {
  burst,
  callsOf,
  createAccount,
  createKey,
  startTestGateway,
  type TestGateway,
} from "./test-helpers.ts";

const database = testDatabase();
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway(database);
});
afterAll(() => t.close());

describe("load", () => {
  it("a burst of 5,000 calls leaves exactly 5,000 records and rollups", async () => {
    // Ten vip accounts (600 req/min each) so every call is forwarded, none rate limited.
    const accounts = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const userId = await createAccount(database.pool, "vip");
        return { userId, key: (await createKey(database.pool, userId)).key };
      }),
    );
    const statuses = await burst(5000, 64, async (i) => {
      const account = accounts[i % accounts.length]!;
      const res = await fetch(`${t.url}/v2/price?symbol=BTC`, { headers: { "x-api-key": account.key } });
      await res.arrayBuffer();
      return res.status;
    });
    expect(statuses.filter((s) => s === 200)).toHaveLength(5000);
    await t.gateway.flush();
    const ids = accounts.map((a) => a.userId);
    const { rows } = await database.pool.query<{ calls: number; rollup: number; billable: number }>(
      `SELECT (SELECT count(*) FROM calls WHERE user_id = ANY($1::uuid[]))::int AS calls,
              (SELECT COALESCE(SUM(calls), 0) FROM usage_daily WHERE user_id = ANY($1::uuid[]))::int AS rollup,
              (SELECT COALESCE(SUM(billable), 0) FROM usage_daily WHERE user_id = ANY($1::uuid[]))::int AS billable`,
      [ids],
    );
    expect(rows[0]).toEqual({ calls: 5000, rollup: 5000, billable: 5000 });
  });
});

describe("the official openai client", () => {
  it("completes a chat completion through the gateway, streaming and not", async () => {
    const userId = await createAccount(database.pool, "vip");
    const key = await createKey(database.pool, userId);
    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });

    const completion = await client.chat.completions.create({
      model: "sample-1",
      messages: [{ role: "user", content: "What is BTC doing?" }],
    });
    expect(completion.choices[0]?.message.content).toContain("Tollgate sample model");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: "sample-1",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Stream it" }],
    });
    let text = "";
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text).toContain("Tollgate sample model");
    expect(usage).toBeGreaterThan(0);

    await t.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    expect(rows.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/v1/chat/completions", 200],
      ["POST", "/v1/chat/completions", 200],
    ]);
    expect(rows.every((r) => r.user_agent?.startsWith("OpenAI/JS"))).toBe(true);
  });
});
