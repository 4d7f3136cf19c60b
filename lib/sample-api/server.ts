import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { completion, parseChat, streamCompletion } from "./chat.ts";
import { findToken, grade, price, tokenList, type Token } from "./market.ts";

export type SampleApi = { url: string; close: () => Promise<void> };

export type SampleApiOptions = {
  /** Pause between streamed chat chunks (ms). */
  chunkDelayMs?: number;
  /** Longest /delay/{ms} wait (tests shorten it). */
  maxDelayMs?: number;
};

/** /delay/{ms} waits at most this long, so a typo cannot hold a connection for hours. */
const MAX_DELAY_MS = 30_000;
/** Chat bodies are read into memory; anything bigger is not a chat request. */
const MAX_CHAT_BODY = 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function fail(res: ServerResponse, status: number, message: string): void {
  json(res, status, { error: { status, message } });
}

async function readText(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Counts the body without keeping it, so /echo can take a 10 MB upload cheaply. */
async function countBytes(req: IncomingMessage): Promise<number> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.length;
  return size;
}

function symbolEndpoint(res: ServerResponse, symbol: string | null, answer: (token: Token) => unknown) {
  if (!symbol) return fail(res, 400, "Query parameter `symbol` is required, e.g. ?symbol=BTC");
  const token = findToken(symbol);
  if (!token) return fail(res, 400, `Unknown symbol "${symbol}"; see GET /v2/tokens`);
  json(res, 200, answer(token));
}

async function route(req: IncomingMessage, res: ServerResponse, options: Required<SampleApiOptions>) {
  const url = new URL(req.url ?? "/", "http://sample");
  const method = req.method ?? "GET";
  const path = url.pathname;
  const symbol = url.searchParams.get("symbol");
  // HEAD is a GET without the body; Node leaves the body out by itself.
  const get = method === "GET" || method === "HEAD";

  if (path === "/echo") {
    const bodyBytes = await countBytes(req);
    return json(res, 200, {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      rawQuery: url.search,
      headers: req.headers,
      bodyBytes,
    });
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    if (code < 200 || code > 599) return fail(res, 400, "Status must be between 200 and 599");
    return json(res, code, { status: code, message: http.STATUS_CODES[code] ?? "Unknown" });
  }
  const delay = /^\/delay\/(\d+)$/.exec(path);
  if (delay) {
    const ms = Math.min(Number(delay[1]), options.maxDelayMs);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return json(res, 200, { delayed_ms: ms });
  }
  if (get && path === "/v2/tokens") return json(res, 200, tokenList());
  if (get && path === "/v2/price") return symbolEndpoint(res, symbol, (t) => price(t));
  if (get && path === "/v2/trader-grades") return symbolEndpoint(res, symbol, (t) => grade(t, "trader"));
  if (get && path === "/v2/investor-grades") return symbolEndpoint(res, symbol, (t) => grade(t, "investor"));
  if (path === "/v1/chat/completions") {
    if (method !== "POST") return fail(res, 405, "Use POST");
    const body = await readText(req, MAX_CHAT_BODY);
    if (body === undefined) return fail(res, 413, "Chat request too large");
    const request = parseChat(body);
    if (typeof request === "string") return fail(res, 400, request);
    const id = `chatcmpl-${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    if (request.stream) return streamCompletion(request, id, res, options.chunkDelayMs);
    return json(res, 200, completion(request, id));
  }
  fail(res, 404, `No route for ${method} ${path}`);
}

/**
 * The sample upstream API (README, "The sample API"): market-data endpoints, an OpenAI-compatible chat
 * endpoint with streaming, and /status, /delay, /echo for trying the gateway's behaviour.
 */
export async function startSampleApi(
  port: number,
  host = "127.0.0.1",
  options: SampleApiOptions = {},
): Promise<SampleApi> {
  const settings = {
    chunkDelayMs: options.chunkDelayMs ?? 40,
    maxDelayMs: options.maxDelayMs ?? MAX_DELAY_MS,
  };
  const server = http.createServer((req, res) => {
    route(req, res, settings).catch(() => {
      if (!res.headersSent) fail(res, 500, "Internal error");
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://${host === "0.0.0.0" ? "localhost" : host}:${actualPort}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
