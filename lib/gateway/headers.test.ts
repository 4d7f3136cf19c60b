import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import {
  clientIp,
  findKey,
  responseHeaders,
  upstreamHeaders,
  type UpstreamHeaderContext,
} from "./headers.ts";

function request(headers: Record<string, string>, remoteAddress = "::ffff:10.0.0.5"): IncomingMessage {
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("findKey", () => {
  it("reads x-api-key first, then a Bearer token", () => {
    expect(findKey({ authorization: "Bearer tg_abc" })).toEqual({ key: "tg_abc", header: "authorization" });
    expect(findKey({ authorization: "bearer   tg_abc " })).toEqual({
      key: "tg_abc",
      header: "authorization",
    });
    expect(findKey({ "x-api-key": "tg_x" })).toEqual({ key: "tg_x", header: "x-api-key" });
    expect(findKey({ authorization: "Basic abc", "x-api-key": "tg_x" })).toEqual({
      key: "tg_x",
      header: "x-api-key",
    });
    expect(findKey({ authorization: "Bearer upstream-token", "x-api-key": "tg_x" })).toEqual({
      key: "tg_x",
      header: "x-api-key",
    });
    expect(findKey({ authorization: "Basic abc" })).toBeUndefined();
    expect(findKey({})).toBeUndefined();
  });
});

describe("clientIp", () => {
  it("uses the socket address unless TRUST_PROXY is on", () => {
    const req = request({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" });
    expect(clientIp(req, false)).toBe("10.0.0.5");
    // The right-most hop is the one our proxy added; the left part is the client's to forge.
    expect(clientIp(req, true)).toBe("10.0.0.1");
    expect(clientIp(request({ "x-forwarded-for": "::ffff:198.51.100.4" }), true)).toBe("198.51.100.4");
    expect(clientIp(request({}), true)).toBe("10.0.0.5");
  });
});

describe("responseHeaders", () => {
  it("drops hop-by-hop headers and the upstream's request id", () => {
    expect(
      responseHeaders({
        connection: "keep-alive",
        "transfer-encoding": "chunked",
        "x-request-id": "upstream",
        "keep-alive": "timeout=5",
        "proxy-authenticate": "Basic",
        "proxy-connection": "keep-alive",
        te: "trailers",
        trailer: "x-checksum",
        upgrade: "h2c",
        "content-type": "application/json",
        "set-cookie": ["a=1", "b=2"],
        "x-absent": undefined,
      }),
    ).toStrictEqual({ "content-type": "application/json", "set-cookie": ["a=1", "b=2"] });
  });
});

describe("upstreamHeaders", () => {
  /** A request as node:http parses it: raw name/value pairs plus the lower-cased map. */
  function incoming(raw: string[], remoteAddress = "::ffff:10.0.0.5"): IncomingMessage {
    const headers: Record<string, string | string[]> = {};
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      const seen = headers[name];
      if (name === "x-forwarded-for" && seen !== undefined) headers[name] = `${String(seen)}, ${value}`;
      else headers[name] = seen === undefined ? value : [seen, value].flat();
    }
    return { rawHeaders: raw, headers, socket: { remoteAddress } } as unknown as IncomingMessage;
  }
  const base: UpstreamHeaderContext = {
    keyHeader: "x-api-key",
    requestId: "rid-1",
    authHeader: undefined,
    chunked: false,
    trustProxy: false,
  };
  /** The list as pairs, easier to compare. */
  function pairs(list: string[]): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < list.length; i += 2) out.push([list[i]!, list[i + 1]!]);
    return out;
  }

  it("keeps end-to-end headers as sent, drops hop-by-hop ones and the key, and adds the gateway's own", () => {
    const req = incoming([
      "Host",
      "api.example",
      "Connection",
      "keep-alive",
      "Keep-Alive",
      "timeout=5",
      "Proxy-Connection",
      "x",
      "Proxy-Authorization",
      "Basic x",
      "TE",
      "trailers",
      "Trailer",
      "x",
      "Upgrade",
      "h2c",
      "Expect",
      "100-continue",
      "Transfer-Encoding",
      "chunked",
      "X-Api-Key",
      "tg_secret",
      "X-Request-Id",
      "client-id",
      "Content-Length",
      "5",
      "Accept",
      "a/b",
      "X-Dup",
      "1",
      "X-Dup",
      "2",
      "Authorization",
      "Bearer upstream-token",
    ]);
    expect(pairs(upstreamHeaders(req, base))).toEqual([
      ["Content-Length", "5"],
      ["Accept", "a/b"],
      ["X-Dup", "1"],
      ["X-Dup", "2"],
      ["Authorization", "Bearer upstream-token"],
      ["x-forwarded-for", "10.0.0.5"],
      ["x-forwarded-host", "api.example"],
      ["x-forwarded-proto", "http"],
      ["x-request-id", "rid-1"],
    ]);
  });

  it("strips Authorization only when it carried the key, and Content-Length when the body is re-chunked", () => {
    const req = incoming(["Authorization", "Bearer tg_secret", "Content-Length", "9", "Accept", "*/*"]);
    const out = pairs(upstreamHeaders(req, { ...base, keyHeader: "authorization", chunked: true }));
    expect(out.map(([name]) => name)).toEqual([
      "Accept",
      "x-forwarded-for",
      "x-forwarded-proto",
      "x-request-id",
    ]);
  });

  it("drops the headers Connection names, and never lets the client set the injected upstream header", () => {
    const req = incoming([
      "Connection",
      "X-Hop, close",
      "X-Hop",
      "1",
      "X-Provider-Secret",
      "forged",
      "X-Kept",
      "k",
    ]);
    const out = pairs(
      upstreamHeaders(req, { ...base, authHeader: { name: "x-provider-secret", value: "s3cret" } }),
    );
    expect(out).toEqual([
      ["X-Kept", "k"],
      ["x-forwarded-for", "10.0.0.5"],
      ["x-forwarded-proto", "http"],
      ["x-request-id", "rid-1"],
      ["x-provider-secret", "s3cret"],
    ]);
  });

  it("reads Connection's tokens trimmed and in any case", () => {
    const req = incoming([
      "Connection",
      "close,  X-Hop ,x-other",
      "x-hop",
      "1",
      "X-Other",
      "2",
      "X-Kept",
      "k",
    ]);
    expect(pairs(upstreamHeaders(req, base)).map(([name]) => name)).toEqual([
      "X-Kept",
      "x-forwarded-for",
      "x-forwarded-proto",
      "x-request-id",
    ]);
  });

  it("says unknown for a peer without an address", () => {
    const req = { rawHeaders: [], headers: {}, socket: {} } as unknown as IncomingMessage;
    expect(pairs(upstreamHeaders(req, base))[0]).toEqual(["x-forwarded-for", "unknown"]);
  });

  it("appends the peer to the client's X-Forwarded-For", () => {
    const req = incoming(["X-Forwarded-For", "198.51.100.9", "X-Forwarded-For", "10.1.1.1"], "127.0.0.1");
    const forwarded = pairs(upstreamHeaders(req, base)).filter(([name]) => /^x-forwarded-for$/i.test(name));
    expect(forwarded).toEqual([["x-forwarded-for", "198.51.100.9, 10.1.1.1, 127.0.0.1"]]);
  });

  it("writes X-Forwarded-Host/-Proto itself unless a trusted proxy sent them", () => {
    const req = incoming(["Host", "gw.test", "X-Forwarded-Host", "evil", "X-Forwarded-Proto", "https"]);
    const own = pairs(upstreamHeaders(req, base)).filter(([name]) => /^x-forwarded-/i.test(name));
    expect(own.filter(([name]) => name !== "x-forwarded-for")).toEqual([
      ["x-forwarded-host", "gw.test"],
      ["x-forwarded-proto", "http"],
    ]);
    const trusted = pairs(upstreamHeaders(req, { ...base, trustProxy: true }));
    expect(trusted.filter(([name]) => /^x-forwarded-(host|proto)$/i.test(name))).toEqual([
      ["X-Forwarded-Host", "evil"],
      ["X-Forwarded-Proto", "https"],
    ]);
    const bare = pairs(upstreamHeaders(incoming(["Host", "gw.test"]), { ...base, trustProxy: true }));
    expect(bare.filter(([name]) => /^x-forwarded-(host|proto)$/i.test(name))).toEqual([
      ["x-forwarded-host", "gw.test"],
      ["x-forwarded-proto", "http"],
    ]);
  });
});

describe("clientIp and findKey edge cases", () => {
  it("reads the last X-Forwarded-For hop of a repeated header, and says unknown without a socket address", () => {
    const req = {
      headers: { "x-forwarded-for": ["203.0.113.9", " 10.0.0.1 "] },
      socket: {},
    } as unknown as IncomingMessage;
    expect(clientIp(req, true)).toBe("10.0.0.1");
    expect(clientIp(req, false)).toBe("unknown");
    expect(clientIp(request({}, "::1"), false)).toBe("::1");
    expect(clientIp(request({}, "::ffff:abcd"), false)).toBe("::ffff:abcd");
  });

  it("ignores a blank x-api-key and a Bearer with no token", () => {
    expect(findKey({ "x-api-key": "  ", authorization: "Bearer tg_a" })).toEqual({
      key: "tg_a",
      header: "authorization",
    });
    expect(findKey({ "x-api-key": "  tg_b  " })).toEqual({ key: "tg_b", header: "x-api-key" });
    expect(findKey({ authorization: "Bearer " })).toBeUndefined();
    expect(findKey({ authorization: "Bearer a b" })).toBeUndefined();
    expect(findKey({ authorization: "xBearer tg_a" })).toBeUndefined();
  });
});
