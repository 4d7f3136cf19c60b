import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import {
  callsOf,
  createAccount,
  createKey,
  eventually,
  startTestGateway,
  usageOf,
  type TestGateway,
} from "./test-helpers.ts";

const database = testDatabase();
let t: TestGateway;
let key: string;
let userId: string;

beforeAll(async () => {
  t = await startTestGateway(database, {
    UPSTREAM_AUTH_HEADER: { name: "x-provider-secret", value: "s3cret" },
  });
  userId = await createAccount(database.pool, "vip");
  key = (await createKey(database.pool, userId)).key;
});
afterAll(() => t.close());

type Echo = {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  bodyBytes: number;
};

describe("forwarding", () => {
  it("forwards method, path, query and body unchanged; strips the key; injects the upstream header; appends XFF", async () => {
    const body = "x".repeat(100_000);
    const res = await fetch(`${t.url}/echo?b=2&a=1&a=3&sp=%20x&empty=`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${key}`,
        "x-forwarded-for": "198.51.100.9",
        "x-custom": "kept",
        "content-type": "text/plain",
      },
      body,
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.method).toBe("PUT");
    expect(echo.path).toBe("/echo");
    expect(echo.rawQuery).toBe("?b=2&a=1&a=3&sp=%20x&empty=");
    expect(echo.bodyBytes).toBe(100_000);
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers["x-api-key"]).toBeUndefined();
    expect(echo.headers["x-provider-secret"]).toBe("s3cret");
    expect(echo.headers["x-forwarded-for"]).toBe("198.51.100.9, 127.0.0.1");
    expect(echo.headers["x-custom"]).toBe("kept");
    expect(echo.headers["x-request-id"]).toBe(res.headers.get("x-request-id"));
  });

  it("keeps Authorization when the key came in x-api-key, and never lets the client set the injected header", async () => {
    const res = await fetch(`${t.url}/echo`, {
      headers: { "x-api-key": key, authorization: "Basic dXNlcjpwYXNz", "x-provider-secret": "forged" },
    });
    const echo = (await res.json()) as Echo;
    expect(echo.headers.authorization).toBe("Basic dXNlcjpwYXNz");
    expect(echo.headers["x-api-key"]).toBeUndefined();
    expect(echo.headers["x-provider-secret"]).toBe("s3cret");
  });

  it("streams a chunked request body of unknown length", async () => {
    const chunks = [new Uint8Array(300_000), new Uint8Array(200_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await fetch(`${t.url}/echo`, {
      method: "POST",
      headers: { "x-api-key": key },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).bodyBytes).toBe(500_000);
  });

  it("answers 413 when a chunked body passes the limit mid-stream, and does not bill it", async () => {
    const account = await createAccount(database.pool, "vip");
    const k = await createKey(database.pool, account);
    const { port } = new URL(t.url);
    // A raw socket: the status line is read whatever the client library would make of the
    // early answer (fetch may report the reset instead of the response).
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      let text = "";
      let sent = 0;
      // One chunk of the chunked encoding: size line, 1 MiB, CRLF.
      const chunk = Buffer.concat([
        Buffer.from("100000\r\n"),
        Buffer.alloc(1024 * 1024),
        Buffer.from("\r\n"),
      ]);
      const pump = () => {
        while (sent <= 12 * 1024 * 1024 && text === "") {
          sent += 1024 * 1024;
          const ok = socket.write(chunk);
          if (!ok) return void socket.once("drain", pump);
        }
        // The body ends, so a gateway that let it through answers now instead of hanging.
        if (text === "") socket.write("0\r\n\r\n");
      };
      socket.on("data", (d: Buffer) => (text += d.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
      socket.write(
        `POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nx-api-key: ${k.key}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      pump();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"payload_too_large"');
    await t.gateway.flush();
    const rows = await callsOf(database.pool, account);
    expect(rows.map((r) => [r.status, r.error_code, r.billable])).toEqual([
      [413, "payload_too_large", false],
    ]);
  });

  it("passes upstream statuses and bodies through, with the gateway's headers", async () => {
    const res = await fetch(`${t.url}/status/503`, { headers: { "x-api-key": key } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 503, message: "Service Unavailable" });
    expect(res.headers.get("ratelimit-policy")).toBe('"vip";q=600;w=60');
    expect(res.headers.get("ratelimit")).toMatch(/^"vip";r=\d+;t=\d+$/);
    expect(res.headers.get("x-quota-limit")).toBe("1000000");
    expect(Number(res.headers.get("x-quota-remaining"))).toBeLessThan(1_000_000);
    const reset = new Date(res.headers.get("x-quota-reset") ?? "");
    expect(reset.getUTCDate()).toBe(1);
    expect(reset.getUTCHours()).toBe(0);
    expect(reset.getTime()).toBeGreaterThan(Date.now());
  });

  it("streams Server-Sent Events: the first event arrives long before the upstream finishes", async () => {
    const started = performance.now();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "sample", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let firstAt = 0;
    let text = "";
    let reads = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads += 1;
      if (!firstAt) firstAt = performance.now() - started;
      text += decoder.decode(value, { stream: true });
    }
    const total = performance.now() - started;
    // ~25 chunks 40 ms apart: the whole stream takes about a second.
    expect(total).toBeGreaterThan(600);
    expect(firstAt).toBeLessThan(total / 3);
    expect(reads).toBeGreaterThan(10);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(text).toContain('"usage"');
  });

  it("502 upstream_unreachable when the upstream refuses connections (still billable: it was forwarded)", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await startTestGateway(database, { upstreamUrl: `http://127.0.0.1:${port}` });
    try {
      const account = await createAccount(database.pool, "vip");
      const k = await createKey(database.pool, account);
      const res = await fetch(`${down.url}/v2/tokens`, { headers: { "x-api-key": k.key } });
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: { code: string; request_id: string } };
      expect(body.error.code).toBe("upstream_unreachable");
      expect(body.error.request_id).toBe(res.headers.get("x-request-id"));
      await down.gateway.flush();
      const rows = await callsOf(database.pool, account);
      expect(rows.map((r) => [r.status, r.error_code, r.billable])).toEqual([
        [502, "upstream_unreachable", true],
      ]);
      expect(await usageOf(database.pool, account)).toEqual({ calls: 1, failures: 1, billable: 1 });
    } finally {
      await down.close();
    }
  });

  it("streams a large answer to a slow reader with backpressure, losing nothing", async () => {
    // Far more than the socket buffers on the way hold (loopback ones take ~8 MiB in all).
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 120);
    let sent = 0;
    const big = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => big.listen(0, "127.0.0.1", resolve));
    const { port } = big.address() as net.AddressInfo;
    const g = await startTestGateway(database, { upstreamUrl: `http://127.0.0.1:${port}` });
    try {
      let sentWhilePaused = 0;
      const received = await new Promise<number>((resolve, reject) => {
        http.get(`${g.url}/big`, { headers: { "x-api-key": key } }, (res) => {
          let bytes = 0;
          // Not reading at first fills every buffer on the way, so the gateway must pause.
          res.pause();
          setTimeout(() => {
            sentWhilePaused = sent;
            res.resume();
          }, 500);
          res.on("data", (d: Buffer) => (bytes += d.length));
          res.on("end", () => resolve(bytes));
          res.on("error", reject);
        });
      });
      expect(received).toBe(size);
      // The upstream was held back: only what the socket buffers on the way hold left it,
      // not the whole answer (a gateway that buffered everything would have taken all 16 MiB).
      expect(sentWhilePaused).toBeGreaterThan(0);
      expect(sentWhilePaused).toBeLessThan(size / 2);
    } finally {
      await g.close();
      await new Promise((resolve) => big.close(resolve));
    }
  });

  it("504 upstream_timeout when no response headers arrive in time (still billable: it was forwarded)", async () => {
    const slow = await startTestGateway(database, { UPSTREAM_TIMEOUT_MS: 300 });
    try {
      const account = await createAccount(database.pool, "vip");
      const k = await createKey(database.pool, account);
      const started = Date.now();
      const res = await fetch(`${slow.url}/delay/10000`, { headers: { "x-api-key": k.key } });
      const waited = Date.now() - started;
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("upstream_timeout");
      // Not before the timeout, and nowhere near the upstream's 10 s (a load-proof margin).
      expect(waited).toBeGreaterThanOrEqual(300);
      expect(waited).toBeLessThan(1_500);
      await slow.gateway.flush();
      const rows = await callsOf(database.pool, account);
      expect(rows.map((r) => [r.status, r.error_code, r.billable, r.upstream_latency_ms])).toEqual([
        [504, "upstream_timeout", true, null],
      ]);
      expect(rows[0]!.latency_ms).toBeGreaterThanOrEqual(300);
      expect(await usageOf(database.pool, account)).toEqual({ calls: 1, failures: 1, billable: 1 });
    } finally {
      await slow.close();
    }
  });
});

describe("robustness", () => {
  function raw(payload: string): Promise<string> {
    const { port } = new URL(t.url);
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      let answer = "";
      socket.on("data", (d) => (answer += d.toString()));
      socket.on("close", () => resolve(answer));
      socket.on("error", () => resolve(answer));
      socket.write(payload);
    });
  }

  it("answers garbage on the socket with a JSON 400 and keeps serving", async () => {
    const answer = await raw("\x00\x01GARBAGE \r\n\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"code":"bad_request"');
    const broken = await raw("GET /v2/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    expect(broken).toMatch(/^HTTP\/1\.1 400/);
    const res = await fetch(`${t.url}/v2/tokens`, { headers: { "x-api-key": key } });
    expect(res.status).toBe(200);
  });

  it("survives a client that disconnects mid-stream, and records the call", async () => {
    const account = await createAccount(database.pool, "vip");
    const k = await createKey(database.pool, account);
    const controller = new AbortController();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-api-key": k.key, "content-type": "application/json" },
      body: JSON.stringify({ model: "sample", stream: true, messages: [{ role: "user", content: "hi" }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(async () => {
      await t.gateway.flush();
      return (await callsOf(database.pool, account)).length === 1;
    });
    const [row] = await callsOf(database.pool, account);
    expect(row?.status).toBe(200);
    expect(row?.error_code).toBe("client_closed_request");
    expect(t.gateway.stats().inFlight).toBe(0);
    const again = await fetch(`${t.url}/v2/tokens`, { headers: { "x-api-key": key } });
    expect(again.status).toBe(200);
  });
});

describe("a client that hangs up before any answer", () => {
  it("is recorded as 499 client_closed_request", async () => {
    const account = await createAccount(database.pool, "vip");
    const k = await createKey(database.pool, account);
    const { port } = new URL(t.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write(`GET /delay/5000 HTTP/1.1\r\nHost: x\r\nx-api-key: ${k.key}\r\n\r\n`);
    await eventually(() => t.gateway.stats().inFlight === 1);
    let answered = "";
    socket.on("data", (d: Buffer) => (answered += d.toString()));
    socket.destroy();
    await eventually(() => t.gateway.stats().inFlight === 0, 2_000);
    await t.gateway.flush();
    const rows = await callsOf(database.pool, account);
    expect(answered).toBe("");
    expect(rows.map((r) => [r.status, r.error_code, r.upstream_latency_ms, r.response_bytes])).toEqual([
      [499, "client_closed_request", null, "0"],
    ]);
  });
});

describe("parser errors", () => {
  it("answers an oversized header block with 431 in the JSON error shape", async () => {
    const { port } = new URL(t.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      let text = "";
      socket.on("data", (d) => (text += d.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
      socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(answer).toContain('"code":"bad_request"');
  });
});

describe("HTTP details", () => {
  it("answers HEAD without a body and forwards Expect: 100-continue uploads", async () => {
    const head = await fetch(`${t.url}/v2/tokens`, { method: "HEAD", headers: { "x-api-key": key } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");

    const { port } = new URL(t.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/echo",
          method: "POST",
          headers: { "x-api-key": key, expect: "100-continue", "content-length": 2_000_000 },
        },
        (res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("continue", () => req.end(Buffer.alloc(2_000_000)));
      req.on("error", reject);
    });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Echo).bodyBytes).toBe(2_000_000);
  });
});
