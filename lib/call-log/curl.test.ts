import { describe, expect, it } from "vitest";
import { curlCommand, firstCallCurl } from "./curl.ts";

describe("curl lines", () => {
  it("uses $TOLLGATE_KEY for the key and never copies key or cookie headers", () => {
    const line = curlCommand({
      gatewayUrl: "http://localhost:8080/",
      method: "POST",
      path: "/v1/chat/completions",
      query: "stream=true",
      headers: [
        ["Authorization", "[REDACTED]"],
        ["x-api-key", "[REDACTED]"],
        ["Cookie", "[REDACTED]"],
        ["content-type", "application/json"],
        ["host", "localhost:8080"],
      ],
      body: '{"stream":true}',
    });
    expect(line).toBe(
      `curl -X POST 'http://localhost:8080/v1/chat/completions?stream=true' -H "Authorization: Bearer $TOLLGATE_KEY" -H 'content-type: application/json' --data-raw '{"stream":true}'`,
    );
    expect(line).not.toMatch(/REDACTED|'host:/i);
  });

  it("quotes anything a recorded call could smuggle into a shell", () => {
    const line = curlCommand({
      gatewayUrl: "http://gw",
      method: "GET",
      path: "/v2/price",
      query: "symbol=$(rm -rf ~)'",
      headers: [["x-note", "it's `whoami`"]],
    });
    expect(line).toBe(
      `curl 'http://gw/v2/price?symbol=$(rm -rf ~)'\\''' -H "Authorization: Bearer $TOLLGATE_KEY" -H 'x-note: it'\\''s \`whoami\`'`,
    );
  });

  it("suggests one first call, the key left to the shell", () => {
    expect(firstCallCurl("http://localhost:8080/")).toBe(
      `curl 'http://localhost:8080/v2/price?symbol=BTC' -H "Authorization: Bearer $TOLLGATE_KEY"`,
    );
  });
});
