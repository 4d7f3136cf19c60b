import { describe, expect, it } from "vitest";
import {
  callLogHref,
  encodeCursor,
  filterInstant,
  filtersToQuery,
  parseCallFilters,
  rawFilters,
} from "./call-filters.ts";

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
        status: [{ kind: "class", hundreds: 5 }],
        error: undefined,
        method: undefined,
        endpoint: { kind: "path", path: "/v2/price" },
        q: undefined,
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
    expect(result.ok && result.filters.status).toEqual([{ kind: "code", code: 429 }]);
    expect(result.ok && result.filters.from?.toISOString()).toBe("2026-11-20T08:00:00.000Z");
    expect(result.ok && result.filters.to?.toISOString()).toBe("2026-11-20T10:00:00.000Z");
    expect(parseCallFilters({ status: "4XX" })).toMatchObject({
      ok: true,
      filters: { status: [{ hundreds: 4 }] },
    });
  });

  it("treats empty and missing parameters as no filter and takes the first of repeated ones", () => {
    expect(parseCallFilters({ status: "", endpoint: "  ", ip: undefined })).toMatchObject({ ok: true });
    expect(parseCallFilters({ status: ["404", "500"] })).toMatchObject({
      ok: true,
      filters: { status: [{ kind: "code", code: 404 }] },
    });
  });

  it("explains bad values instead of failing", () => {
    expect(errorsOf({ status: "abc" })).toEqual([
      {
        field: "status",
        message: "Status must be failed, success, 2xx, 4xx, 5xx, a code such as 404, or a list like 429,503",
      },
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

  it("reads failed, success, classes, codes and comma lists in the status filter", () => {
    const status = (value: string) => {
      const result = parseCallFilters({ status: value });
      return result.ok ? result.filters.status : result.errors;
    };
    expect(status("failed")).toEqual([{ kind: "failed" }]);
    expect(status("Success")).toEqual([{ kind: "success" }]);
    expect(status("429,503")).toEqual([
      { kind: "code", code: 429 },
      { kind: "code", code: 503 },
    ]);
    // Spaces, repeats and empty items are forgiven; classes and codes mix.
    expect(status(" 5xx , 429,,429 ")).toEqual([
      { kind: "class", hundreds: 5 },
      { kind: "code", code: 429 },
    ]);
    expect(errorsOf({ status: "429,abc" })[0]?.field).toBe("status");
    expect(errorsOf({ status: "," })[0]?.field).toBe("status");
    expect(errorsOf({ status: Array.from({ length: 11 }, (_, i) => 400 + i).join(",") })[0]?.message).toMatch(
      /at most 10/,
    );
  });

  it("reads the error, method, search and endpoint-pattern filters", () => {
    expect(parseCallFilters({ error: "Rate_Limited", method: "post", q: "  DOGE " })).toMatchObject({
      ok: true,
      filters: { error: "rate_limited", method: "POST", q: { kind: "text", text: "DOGE" } },
    });
    expect(parseCallFilters({ q: "0B0F6F3E-7F3A-4C61-9A8E-1F2B3C4D5E6F" })).toMatchObject({
      ok: true,
      filters: { q: { kind: "request-id", requestId: "0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f" } },
    });
    expect(parseCallFilters({ endpoint: "/status/:code" })).toMatchObject({
      ok: true,
      filters: { endpoint: { kind: "pattern", pattern: "/status/:code" } },
    });
    // A colon inside a segment is part of a real path, not a placeholder.
    expect(parseCallFilters({ endpoint: "/v1/models/gpt:latest" })).toMatchObject({
      ok: true,
      filters: { endpoint: { kind: "path", path: "/v1/models/gpt:latest" } },
    });
  });

  it("explains bad input from a forged link instead of failing", () => {
    expect(errorsOf({ error: "teapot" })[0]?.message).toMatch(/^Error code must be one of missing_api_key, /);
    expect(errorsOf({ method: "GET / HTTP" })[0]?.field).toBe("method");
    expect(errorsOf({ q: "x".repeat(10_000) })).toEqual([
      { field: "q", message: "Search is too long (at most 200 characters)" },
    ]);
    expect(errorsOf({ q: "a\u0000b" })[0]?.field).toBe("q");
    expect(errorsOf({ endpoint: "/v2/\u0000" })[0]?.field).toBe("endpoint");
    // Out of PostgreSQL's bigint range: a page link nobody made.
    expect(errorsOf({ cursor: "o.1.9999999999999999999" })).toEqual([
      {
        field: "cursor",
        message: "This page link is not valid (any more); start again from the newest calls",
      },
    ]);
    expect(parseCallFilters({ cursor: "o.1.9223372036854775807" }).ok).toBe(true);
    expect(errorsOf({ cursor: "x.1.2" })[0]?.field).toBe("cursor");
    expect(errorsOf({ cursor: "no.1.2" })[0]?.field).toBe("cursor");
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

  it("reads every value trimmed, as a pasted link or a CLI flag may pad it", () => {
    expect(
      parseCallFilters({
        error: " rate_limited ",
        method: " get ",
        endpoint: " /v2/price ",
        ip: " 203.0.113.7 ",
        from: " 2026-11-20 ",
        to: " 2026-11-20T10:00:00Z ",
        cursor: " n.1700000000000.42 ",
      }),
    ).toMatchObject({
      ok: true,
      filters: {
        error: "rate_limited",
        method: "GET",
        endpoint: { kind: "path", path: "/v2/price" },
        ip: "203.0.113.7",
        from: new Date("2026-11-20T00:00:00.000Z"),
        to: new Date("2026-11-20T10:00:00.000Z"),
        cursor: { direction: "newer", createdAt: new Date(1_700_000_000_000), id: 42n },
      },
    });
  });

  it("takes status terms whole: no prefix or suffix makes a class or code", () => {
    for (const bad of ["4xxx", "x4xx", "4xx5", "4044", "a404", "404a", "40"]) {
      expect(errorsOf({ status: bad })).toEqual([
        {
          field: "status",
          message:
            "Status must be failed, success, 2xx, 4xx, 5xx, a code such as 404, or a list like 429,503",
        },
      ]);
    }
    const ten = Array.from({ length: 10 }, (_, i) => 400 + i).join(",");
    expect(parseCallFilters({ status: ten })).toMatchObject({ ok: true });
    expect(errorsOf({ status: `${ten},410` })).toEqual([
      { field: "status", message: "Status takes at most 10 values" },
    ]);
  });

  it("reads a time as that exact instant (not its whole day)", () => {
    expect(
      parseCallFilters({ from: "2026-11-20T10:00:00+05:30", to: "2026-11-20T10:00:00.250Z" }),
    ).toMatchObject({
      ok: true,
      filters: { from: new Date("2026-11-20T04:30:00.000Z"), to: new Date("2026-11-20T10:00:00.250Z") },
    });
    // Only `from` or only `to` is a half-open range, not an error.
    expect(parseCallFilters({ from: "2026-11-20" })).toMatchObject({ ok: true });
    expect(parseCallFilters({ to: "2026-11-20" })).toMatchObject({ ok: true });
  });

  it("tells placeholders from paths and request ids from text exactly", () => {
    const endpoint = (value: string) => {
      const result = parseCallFilters({ endpoint: value });
      return result.ok ? result.filters.endpoint : undefined;
    };
    expect(endpoint("/users/:id/keys")).toEqual({ kind: "pattern", pattern: "/users/:id/keys" });
    // `:v2` is not a placeholder (a digit), so this is a literal path.
    expect(endpoint("/files/:v2")).toEqual({ kind: "path", path: "/files/:v2" });
    const id = "0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f";
    for (const text of [`x${id}`, `${id}x`]) {
      expect(parseCallFilters({ q: text })).toMatchObject({
        ok: true,
        filters: { q: { kind: "text", text } },
      });
    }
  });

  it("explains each kind of bad value in words a person can act on", () => {
    expect(errorsOf({ key: "nope" })).toEqual([
      { field: "key", message: "Key must be one of your API keys" },
    ]);
    expect(errorsOf({ method: "G3T" })).toEqual([
      { field: "method", message: "Method must be an HTTP method such as GET or POST" },
    ]);
    expect(errorsOf({ q: "a\u0007b" })).toEqual([
      { field: "q", message: "Search cannot contain control characters" },
    ]);
    expect(errorsOf({ ip: "localhost" })).toEqual([
      { field: "ip", message: "IP address must look like 203.0.113.7 or 2001:db8::1" },
    ]);
    expect(errorsOf({ to: "soon" })).toEqual([
      { field: "to", message: "To must be a date like 2026-11-20 or a time like 2026-11-20T14:30:00Z" },
    ]);
  });

  it("encodes both cursor directions, and builds links without empty or missing values", () => {
    for (const direction of ["newer", "older"] as const) {
      const cursor = { direction, createdAt: new Date(1_700_000_000_123), id: 7n };
      expect(parseCallFilters({ cursor: encodeCursor(cursor) })).toMatchObject({
        ok: true,
        filters: { cursor },
      });
    }
    expect(encodeCursor({ direction: "newer", createdAt: new Date(5), id: 6n })).toBe("n.5.6");
    expect(filtersToQuery({ status: "failed", ip: "" })).toBe("status=failed");
    expect(rawFilters({ status: " failed ", q: "   ", method: ["post", "get"] })).toEqual({
      status: "failed",
      method: "post",
    });
    expect(rawFilters(new URLSearchParams("status=5xx&status=4xx&q="))).toEqual({ status: "5xx" });
    expect(callLogHref({})).toBe("/logs");
    expect(callLogHref({ status: "failed", from: "2026-11-20", to: "2026-11-20" })).toBe(
      "/logs?status=failed&from=2026-11-20&to=2026-11-20",
    );
  });
});

describe("filterInstant, the one reading of `from` and `to`", () => {
  it("reads a bare day as its start, or as `to` as the next day's start (the whole day)", () => {
    expect(filterInstant("2026-11-20", "from")?.toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(filterInstant("2026-11-20", "to")?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(filterInstant("2026-12-31", "to")?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    // The filter form passes what was typed, spaces included.
    expect(filterInstant(" 2026-11-20 ", "to")?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
  });

  it("reads a time without a zone as UTC and keeps an explicit offset", () => {
    expect(filterInstant("2026-11-20T10:00", "to")?.toISOString()).toBe("2026-11-20T10:00:00.000Z");
    expect(filterInstant("2026-11-20T10:00+02:00", "from")?.toISOString()).toBe("2026-11-20T08:00:00.000Z");
    expect(filterInstant("yesterday", "from")).toBeUndefined();
  });
});
