import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to.ts";

describe("return-to after sign-in", () => {
  it("keeps a dashboard path with its query", () => {
    expect(safeReturnTo("/logs?status=429")).toBe("/logs?status=429");
    expect(safeReturnTo("/logs/123?status=failed&endpoint=%2Fv2%2Fprice")).toBe(
      "/logs/123?status=failed&endpoint=%2Fv2%2Fprice",
    );
  });

  it("never leaves the site", () => {
    for (const value of [
      "//evil.example/logs",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "logs",
      "",
      undefined,
      `/${"a".repeat(3_000)}`,
    ]) {
      expect(safeReturnTo(value), String(value)).toBe("/");
    }
  });
});
