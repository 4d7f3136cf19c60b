import fs from "node:fs";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { errorBody, gatewayErrorCodes, sendError, type GatewayErrorCode } from "./errors.ts";

/** Just enough of a ServerResponse to see what was sent. */
function response(headersSent: boolean) {
  const sent = { headers: {} as Record<string, unknown>, status: 0, body: "", destroyed: false };
  const res = {
    headersSent,
    set statusCode(status: number) {
      sent.status = status;
    },
    setHeader: (name: string, value: unknown) => void (sent.headers[name] = value),
    end: (body: string) => void (sent.body = body),
    destroy: () => void (sent.destroyed = true),
  } as unknown as ServerResponse;
  return { res, sent };
}

describe("the error table in the README", () => {
  const readme = fs.readFileSync(path.join(import.meta.dirname, "../../README.md"), "utf8");
  const rows = [...readme.matchAll(/^\| (\d{3}) +\| `([a-z_]+)` +\|/gm)].map(
    (m) => [m[1]!, m[2]! as GatewayErrorCode] as const,
  );

  it("gives each code the status the gateway answers with", () => {
    // Every code but bad_request (malformed HTTP, not a call a key holder makes) has a row.
    expect(rows.map(([, code]) => code).sort()).toEqual(
      gatewayErrorCodes.filter((c) => c !== "bad_request").sort(),
    );
    for (const [status, code] of rows) {
      const { res, sent } = response(false);
      sendError(res, code, "rid");
      expect(String(sent.status), code).toBe(status);
    }
  });

  it("and each code a message of its own that tells the caller what to do", () => {
    const messages = gatewayErrorCodes.map((code) => {
      const body = JSON.parse(errorBody(code, "rid")) as {
        error: { code: string; message: string; request_id: string };
      };
      expect(body.error.code).toBe(code);
      expect(body.error.request_id).toBe("rid");
      return body.error.message;
    });
    for (const message of messages) expect(message).toMatch(/^[A-Z].{20,}\.$/);
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe("sendError", () => {
  it("answers the code's status with the JSON body, its length and the extra headers", () => {
    const { res, sent } = response(false);
    const body = sendError(res, "rate_limited", "rid-7", { "retry-after": "12" });
    expect(body).toBe(errorBody("rate_limited", "rid-7"));
    expect(sent).toEqual({
      headers: {
        "retry-after": "12",
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(body!),
      },
      status: 429,
      body,
      destroyed: false,
    });
  });

  it("hangs up instead once the upstream's headers went out", () => {
    const { res, sent } = response(true);
    expect(sendError(res, "upstream_unreachable", "rid-8")).toBeNull();
    expect(sent).toEqual({ headers: {}, status: 0, body: "", destroyed: true });
  });
});
