import { describe, expect, it } from "vitest";
import { generateKey } from "../keys/key.ts";
import {
  BodyTap,
  captureHeaderObject,
  capturedMessage,
  captureRawHeaders,
  DEFAULT_REDACTED_QUERY_PARAMS,
  redactedHeaderNames,
  redactKeys,
  redactQuery,
} from "./capture.ts";

const defaults = new Set<string>(DEFAULT_REDACTED_QUERY_PARAMS);

describe("query redaction", () => {
  it("redacts every default parameter, whatever its case, and keeps the rest exactly as sent", () => {
    for (const name of DEFAULT_REDACTED_QUERY_PARAMS) {
      expect(redactQuery(`symbol=BTC&${name}=hunter2`, defaults)).toBe(`symbol=BTC&${name}=[REDACTED]`);
      expect(redactQuery(`${name.toUpperCase()}=hunter2`, defaults)).toBe(`${name.toUpperCase()}=[REDACTED]`);
    }
    expect(redactQuery("sp=%20x&a=1&a=3&empty=&flag", defaults)).toBe("sp=%20x&a=1&a=3&empty=&flag");
    expect(redactQuery("symbol=DOGEZZ", defaults)).toBe("symbol=DOGEZZ");
  });

  it("matches percent-encoded names and names without a value, never a name that only contains one", () => {
    expect(redactQuery("api%5Fkey=x&Api_Key=y&token&tokens=1&monkey=2", defaults)).toBe(
      "api%5Fkey=[REDACTED]&Api_Key=[REDACTED]&token=[REDACTED]&tokens=1&monkey=2",
    );
  });

  it("uses the list it is given (the admin's), not the defaults", () => {
    expect(redactQuery("key=1&symbol=BTC", new Set(["symbol"]))).toBe("key=1&symbol=[REDACTED]");
  });

  it("redacts a tg_ key in any parameter's value", () => {
    const { key } = generateKey();
    expect(redactQuery(`q=${key}&note=see+${key}+here`, defaults)).toBe(
      "q=[REDACTED]&note=see+[REDACTED]+here",
    );
  });
});

describe("header redaction", () => {
  it("always redacts the key, cookie and proxy headers and the upstream auth header's name", () => {
    const names = redactedHeaderNames("X-Provider-Secret");
    const raw = [
      "Authorization",
      "Bearer upstream-token",
      "x-api-key",
      "anything",
      "Cookie",
      "session=abc",
      "Proxy-Authorization",
      "Basic Zm9v",
      "X-Provider-Secret",
      "s3cret",
      "Accept",
      "application/json",
    ];
    expect(captureRawHeaders(raw, names)).toEqual([
      ["Authorization", "[REDACTED]"],
      ["x-api-key", "[REDACTED]"],
      ["Cookie", "[REDACTED]"],
      ["Proxy-Authorization", "[REDACTED]"],
      ["X-Provider-Secret", "[REDACTED]"],
      ["Accept", "application/json"],
    ]);
    expect(captureHeaderObject({ "set-cookie": ["a=1", "b=2"], "content-length": 12 }, names)).toEqual([
      ["set-cookie", "[REDACTED]"],
      ["set-cookie", "[REDACTED]"],
      ["content-length", "12"],
    ]);
  });

  it("redacts a tg_ key inside any other header's value", () => {
    const { key } = generateKey();
    expect(captureRawHeaders(["X-Note", `key is ${key}.`], redactedHeaderNames(undefined))).toEqual([
      ["X-Note", "key is [REDACTED]."],
    ]);
  });
});

describe("body capture", () => {
  const tapOf = (max: number, ...chunks: (string | Buffer)[]) => {
    const tap = new BodyTap(max);
    for (const chunk of chunks) tap.add(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return tap;
  };
  const json = [["Content-Type", "application/json"]] as [string, string][];

  it("keeps a body under the cap whole, with its size, not truncated", () => {
    expect(capturedMessage(json, tapOf(100, '{"a":', "1}"), 0, 100)).toEqual({
      headers: json,
      body: '{"a":1}',
      bytes: 7,
      truncated: false,
      contentType: "application/json",
    });
  });

  it("keeps only the capped prefix of a bigger body, with the true size and the truncated flag", () => {
    const message = capturedMessage(json, tapOf(10, "0123456", "789abcdef", "ghij"), 0, 10);
    expect(message).toMatchObject({ body: "0123456789", bytes: 20, truncated: true });
  });

  it("never ends on half a multi-byte character", () => {
    const message = capturedMessage(json, tapOf(5, "abcdé"), 0, 5);
    expect(message).toMatchObject({ body: "abcd", bytes: 6, truncated: true });
  });

  it("keeps a binary body as type and size only", () => {
    const png = [["content-type", "image/png"]] as [string, string][];
    expect(capturedMessage(png, tapOf(100, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0])), 0, 100)).toMatchObject({
      body: null,
      bytes: 5,
      contentType: "image/png",
    });
    const gzip = [...json, ["content-encoding", "gzip"]] as [string, string][];
    expect(capturedMessage(gzip, tapOf(100, "\x1f\x8b..."), 0, 100).body).toBeNull();
    // Without a content type: text if it reads as UTF-8 text, else binary.
    expect(capturedMessage([], tapOf(100, "plain words"), 0, 100).body).toBe("plain words");
    expect(capturedMessage([], tapOf(100, Buffer.from([0xff, 0xfe, 0x00])), 0, 100).body).toBeNull();
  });

  it("records a body it never read (a refused call) as its declared size", () => {
    expect(capturedMessage(json, null, 11_000_000, 100)).toMatchObject({
      body: null,
      bytes: 11_000_000,
      truncated: false,
    });
  });

  it("redacts tg_ keys in a kept body, in SSE and JSON alike", () => {
    const { key } = generateKey();
    const body = `data: {"key":"${key}"}\n\n`;
    expect(capturedMessage([["content-type", "text/event-stream"]], tapOf(1000, body), 0, 1000).body).toBe(
      'data: {"key":"[REDACTED]"}\n\n',
    );
    expect(redactKeys(`${key}${key}`)).toBe("[REDACTED]");
    expect(redactKeys("tg_short")).toBe("tg_short");
  });
});
