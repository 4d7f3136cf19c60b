import { describe, expect, it } from "vitest";
import { explainCall, isSuccess } from "./call-messages.ts";

describe("call explanations", () => {
  it("explains gateway codes first, then upstream statuses", () => {
    expect(explainCall(429, "rate_limited")).toMatch(/requests-per-minute/);
    expect(explainCall(429, null)).toMatch(/upstream API itself/);
    expect(explainCall(418, null)).toBe("The upstream API answered 418 (client error).");
    expect(explainCall(401, "something_new")).toBe("The gateway refused the call (something_new).");
    expect(explainCall(200, null)).toBeNull();
  });

  it("counts below 400 as success", () => {
    expect(isSuccess(204)).toBe(true);
    expect(isSuccess(304)).toBe(true);
    expect(isSuccess(400)).toBe(false);
  });
});
