import { describe, expect, it } from "vitest";
import { RECORDED_ERROR_CODES } from "../schemas/error-codes.ts";
import { explainCall, upstreamErrorMessage, type ExplainContext } from "./call-messages.ts";
import { outcomeOf } from "../schemas/outcome.ts";

const context: ExplainContext = {
  plan: { name: "Basic", rpm: 60 },
  quotaResetsAt: new Date("2026-12-01T00:00:00.000Z"),
  retryAfter: "17",
  upstreamMessage: null,
};

describe("call explanations", () => {
  it("explain every recorded error code with a fix", () => {
    for (const code of RECORDED_ERROR_CODES) {
      const explanation = explainCall({ status: 400, outcome: outcomeOf(code), errorCode: code }, context);
      expect(explanation?.what, code).toMatch(/\w/);
      expect(explanation?.fix, code).toMatch(/\w/);
    }
  });

  it("use the plan's numbers and the call's own headers", () => {
    const limited = explainCall({ status: 429, outcome: "refused", errorCode: "rate_limited" }, context);
    expect(limited?.what).toBe(
      "Over the Basic plan's rate limit of 60 requests per minute (all keys of the account share it).",
    );
    expect(limited?.fix).toMatch(/^Back off and retry after 17 s/);
    const onePerMinute = { ...context, plan: { name: "Trickle", rpm: 1 } };
    expect(
      explainCall({ status: 429, outcome: "refused", errorCode: "rate_limited" }, onePerMinute)?.what,
    ).toMatch(/rate limit of 1 request per minute/);
    expect(
      explainCall({ status: 429, outcome: "refused", errorCode: "quota_exceeded" }, context)?.fix,
    ).toMatch(/^It resets Dec 1, 00:00 UTC/);
    expect(
      explainCall({ status: 403, outcome: "refused", errorCode: "key_disabled" }, context)?.link?.href,
    ).toBe("/keys");
    // A hang-up is the client's doing, not a refusal.
    expect(
      explainCall({ status: 200, outcome: "client_aborted", errorCode: "client_closed_request" }, context)
        ?.what,
    ).toMatch(/client hung up/);
  });

  it("quote the upstream's own message for its errors", () => {
    const explained = explainCall(
      { status: 400, outcome: "completed", errorCode: null },
      { ...context, upstreamMessage: "unknown symbol DOGEZZ" },
    );
    expect(explained).toMatchObject({
      what: "The upstream API rejected the request as invalid.",
      fix: "The upstream says: “unknown symbol DOGEZZ”",
    });
    expect(explainCall({ status: 418, outcome: "completed", errorCode: null }, context)?.what).toBe(
      "The upstream API answered 418 (client error).",
    );
    expect(explainCall({ status: 200, outcome: "completed", errorCode: null }, context)).toBeNull();
  });

  it("find the message in common error bodies", () => {
    expect(upstreamErrorMessage('{"error":{"code":"bad_symbol","message":"unknown symbol DOGEZZ"}}')).toBe(
      "unknown symbol DOGEZZ",
    );
    expect(upstreamErrorMessage('{"error":"unknown symbol"}')).toBe("unknown symbol");
    expect(upstreamErrorMessage('{"detail":"Not found"}')).toBe("Not found");
    expect(upstreamErrorMessage("Service temporarily down\n")).toBe("Service temporarily down");
    expect(upstreamErrorMessage("<html><body>502</body></html>")).toBeNull();
    expect(upstreamErrorMessage('{"ok":false}')).toBeNull();
    expect(upstreamErrorMessage(null)).toBeNull();
    expect(upstreamErrorMessage("x".repeat(400))).toHaveLength(301);
  });
});
