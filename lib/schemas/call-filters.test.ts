import { describe, expect, it } from "vitest";
import { encodeCursor, filtersToQuery, parseCallFilters, rawFilters } from "./call-filters.ts";

function errorsOf(params: Record<string, string>) {
  const result = parseCallFilters(params);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

describe("call filters", () => {
  it("parses every filter from URL parameters", () => {
    const result = parseCallFilters(
      new URLSearchParams(
        "key=0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f&status=5xx&endpoint=/v2/price?x=1&from=2026-11-20&to=2026-11-20&ip=203.0.113.7",
      ),
    );
    expect(result).toEqual({
      ok: true,
      filters: {
        key: "0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f",
        status: { kind: "class", hundreds: 5 },
        endpoint: "/v2/price",
        from: new Date("2026-11-20T00:00:00.000Z"),
        // A bare date as `to` includes that whole day.
        to: new Date("2026-11-21T00:00:00.000Z"),
        ip: "203.0.113.7",
        cursor: undefined,
      },
    });
  });

  it("reads exact codes, upper-case classes, offsets and times without a zone as UTC", () => {
    const result = parseCallFilters({
      status: "429",
      from: "2026-11-20T10:00:00+02:00",
      to: "2026-11-20T10:00",
    });
    expect(result.ok && result.filters.status).toEqual({ kind: "code", code: 429 });
    expect(result.ok && result.filters.from?.toISOString()).toBe("2026-11-20T08:00:00.000Z");
    expect(result.ok && result.filters.to?.toISOString()).toBe("2026-11-20T10:00:00.000Z");
    expect(parseCallFilters({ status: "4XX" })).toMatchObject({
      ok: true,
      filters: { status: { hundreds: 4 } },
    });
  });

  it("treats empty and missing parameters as no filter and takes the first of repeated ones", () => {
    expect(parseCallFilters({ status: "", endpoint: "  ", ip: undefined })).toMatchObject({ ok: true });
    expect(parseCallFilters({ status: ["404", "500"] })).toMatchObject({
      ok: true,
      filters: { status: { kind: "code", code: 404 } },
    });
  });

  it("explains bad values instead of failing", () => {
    expect(errorsOf({ status: "abc" })).toEqual([
      { field: "status", message: "Status must be 2xx, 4xx, 5xx or a code such as 404" },
    ]);
    expect(errorsOf({ status: "700" })[0]?.field).toBe("status");
    expect(errorsOf({ endpoint: "/" + "a".repeat(10_000) })[0]?.message).toMatch(/too long/);
    expect(errorsOf({ endpoint: "v2/price" })[0]?.message).toMatch(/starting with \//);
    expect(errorsOf({ key: "not-a-uuid" })[0]?.field).toBe("key");
    expect(errorsOf({ ip: "999.1.1.1" })[0]?.field).toBe("ip");
    expect(errorsOf({ from: "yesterday" })[0]?.message).toMatch(/From must be a date/);
    expect(errorsOf({ from: "2026-11-21", to: "2026-11-20" })).toEqual([
      { field: "to", message: "“From” must be before “To”" },
    ]);
    expect(errorsOf({ cursor: "garbage" })[0]?.field).toBe("cursor");
  });

  it("round-trips a cursor and rebuilds a shareable query", () => {
    const cursor = {
      direction: "older" as const,
      createdAt: new Date("2026-11-20T10:00:00.123Z"),
      id: 9_007_199_254_740_993n,
    };
    const encoded = encodeCursor(cursor);
    expect(parseCallFilters({ cursor: encoded })).toEqual({
      ok: true,
      filters: expect.objectContaining({ cursor }) as unknown,
    });
    const raw = rawFilters({ status: "5xx", endpoint: "/v2/price", nonsense: "x", ip: "" });
    expect(raw).toEqual({ status: "5xx", endpoint: "/v2/price" });
    expect(filtersToQuery(raw, encoded)).toBe(`status=5xx&endpoint=%2Fv2%2Fprice&cursor=${encoded}`);
  });
});
