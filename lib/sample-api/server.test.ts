import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSampleApi, type SampleApi } from "./server.ts";

let api: SampleApi;
beforeAll(async () => {
  api = await startSampleApi(0, "127.0.0.1", { chunkDelayMs: 5, maxDelayMs: 100 });
});
afterAll(() => api.close());

async function get(path: string) {
  const res = await fetch(api.url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("sample API", () => {
  it("lists tokens and prices them deterministically", async () => {
    const tokens = await get("/v2/tokens");
    expect(tokens.status).toBe(200);
    expect(tokens.body.count).toBeGreaterThan(5);
    const a = await get("/v2/price?symbol=btc");
    const b = await get("/v2/price?symbol=BTC");
    expect(a.status).toBe(200);
    expect(a.body.symbol).toBe("BTC");
    expect(typeof a.body.price_usd).toBe("number");
    expect(a.body.price_usd).toBe(b.body.price_usd);
  });

  it("grades tokens and answers 400 JSON for a missing or unknown symbol", async () => {
    expect((await get("/v2/trader-grades?symbol=ETH")).body.trader_grade).toEqual(expect.any(Number));
    expect((await get("/v2/investor-grades?symbol=ETH")).body.investor_grade).toEqual(expect.any(Number));
    expect((await get("/v2/price")).status).toBe(400);
    const unknown = await get("/v2/trader-grades?symbol=NOPE");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ status: 400 });
  });

  it("answers /status/{code}, caps /delay and 404s unknown paths", async () => {
    expect((await get("/status/418")).status).toBe(418);
    const delayed = await get("/delay/20");
    expect(delayed.body.delayed_ms).toBe(20);
    // This API's cap is 100 ms: a longer delay answers after 100 ms, saying so.
    expect((await get("/delay/60000")).body.delayed_ms).toBe(100);
    expect((await get("/nope")).status).toBe(404);
  });

  it("echoes method, path, query, headers and body size", async () => {
    const res = await fetch(`${api.url}/echo?x=1`, {
      method: "PATCH",
      body: "hello",
      headers: { "x-a": "b" },
    });
    const echo = (await res.json()) as Record<string, unknown>;
    expect(echo).toMatchObject({ method: "PATCH", path: "/echo", query: { x: "1" }, bodyBytes: 5 });
    expect((echo.headers as Record<string, string>)["x-a"]).toBe("b");
  });

  it("streams chat completions as SSE ending with usage and [DONE]", async () => {
    const res = await fetch(`${api.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const events = (await res.text()).trim().split("\n\n");
    expect(events.at(-1)).toBe("data: [DONE]");
    const last = JSON.parse(events.at(-2)!.slice(6)) as { usage: { total_tokens: number } };
    expect(last.usage.total_tokens).toBeGreaterThan(0);
    const bad = await fetch(`${api.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(bad.status).toBe(400);
  });
});
