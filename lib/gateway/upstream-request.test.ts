import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { callsOf, createAccount, createKey, startTestGateway, type TestGateway } from "./test-helpers.ts";

const database = testDatabase();

/** An upstream that answers every request with the target and headers it received. */
let seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
const upstream = http.createServer((req, res) => {
  seen.push({ url: req.url ?? "", headers: req.headers });
  const body = JSON.stringify({ url: req.url, headers: req.headers });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
let base: string;
let prefixed: TestGateway;
let userId: string;
let key: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  prefixed = await startTestGateway(database, { upstreamUrl: `${base}/api` });
  userId = await createAccount(database.pool, "vip");
  key = (await createKey(database.pool, userId)).key;
});
afterAll(async () => {
  await prefixed.close();
  await new Promise((resolve) => upstream.close(resolve));
});

/** Sends the request target exactly as written (fetch would resolve the dots itself). */
function rawGet(gatewayUrl: string, target: string, headers: Record<string, string> = {}) {
  const { port } = new URL(gatewayUrl);
  const lines = [`GET ${target} HTTP/1.1`, "Host: gateway.test", "Connection: close", `x-api-key: ${key}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("end", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    socket.on("error", reject);
    socket.write(lines.join("\r\n") + "\r\n\r\n");
  });
}

describe("the upstream's base path", () => {
  it("refuses, with 400 invalid_path, every path that climbs out of UPSTREAM_URL's path", async () => {
    const escapes = [
      "/../secret",
      "/%2e%2e/secret",
      "/%2E%2e/secret",
      "/v1/../../secret",
      "/v1/%2e%2e%2f%2e%2e%2fsecret",
      "/v1%2f..%2f..%2fsecret",
      "/..%5csecret",
    ];
    seen = [];
    for (const target of escapes) {
      const res = await rawGet(prefixed.url, target);
      expect(res.status, target).toBe(400);
      expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe("invalid_path");
    }
    expect(seen).toEqual([]);
    await prefixed.gateway.flush();
    const rows = await callsOf(database.pool, userId);
    const refused = rows.filter((r) => r.error_code === "invalid_path");
    expect(refused.map((r) => [r.status, r.billable])).toEqual(escapes.map(() => [400, false]));
  });

  it("forwards paths that stay inside it with their dot segments resolved, the query untouched", async () => {
    const cases: [string, string][] = [
      ["/v1/items", "/api/v1/items"],
      ["/v1/x/../items?next=../../up", "/api/v1/items?next=../../up"],
      ["/v1/./%2e/items", "/api/v1/items"],
      ["/group%2Fproject", "/api/group%2Fproject"],
      ["http://elsewhere.test/v1/../items?q=1", "/api/items?q=1"],
    ];
    for (const [target, upstreamTarget] of cases) {
      const res = await rawGet(prefixed.url, target);
      expect(res.status, target).toBe(200);
      expect((JSON.parse(res.body) as { url: string }).url, target).toBe(upstreamTarget);
    }
  });
});

describe("X-Forwarded-Host and X-Forwarded-Proto", () => {
  const forged = { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" };

  it("are the gateway's own, never the client's, without TRUST_PROXY", async () => {
    seen = [];
    expect((await rawGet(prefixed.url, "/v1/items", forged)).status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["x-forwarded-host"]).toBe("gateway.test");
    expect(seen[0]!.headers["x-forwarded-proto"]).toBe("http");
  });

  it("come from the trusted proxy in front with TRUST_PROXY", async () => {
    const trusting = await startTestGateway(database, { upstreamUrl: base, TRUST_PROXY: true });
    try {
      seen = [];
      expect((await rawGet(trusting.url, "/v1/items", forged)).status).toBe(200);
      expect((await rawGet(trusting.url, "/v1/items")).status).toBe(200);
      expect(seen.map((s) => [s.headers["x-forwarded-host"], s.headers["x-forwarded-proto"]])).toEqual([
        ["evil.example", "https"],
        ["gateway.test", "http"],
      ]);
    } finally {
      await trusting.close();
    }
  });
});
