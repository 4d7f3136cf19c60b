import { describe, expect, it } from "vitest";
import { z } from "zod";
import { newRequestId } from "./request-id.ts";

describe("newRequestId", () => {
  it("is a version 7 UUID carrying its time, sorting in the order ids were made", () => {
    const at = Date.UTC(2026, 10, 26, 20, 30);
    const id = newRequestId(at);
    expect(z.uuid({ version: "v7" }).safeParse(id).success).toBe(true);
    expect(parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
    const ids = [at - 1, at, at + 1, at + 1000].map((t) => newRequestId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it("carries each call's own millisecond when the time part is reused within one", () => {
    const at = Date.UTC(2026, 10, 26, 21, 40);
    for (const t of [at, at, at + 1, at + 1, at + 2, at]) {
      expect(parseInt(newRequestId(t).replaceAll("-", "").slice(0, 12), 16)).toBe(t);
    }
  });

  it("differs between ids made in the same millisecond", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRequestId(1_764_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
