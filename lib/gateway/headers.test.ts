import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIp, findKey, responseHeaders } from "./headers.ts";

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
        "content-type": "application/json",
        "set-cookie": ["a=1", "b=2"],
      }),
    ).toEqual({ "content-type": "application/json", "set-cookie": ["a=1", "b=2"] });
  });
});
