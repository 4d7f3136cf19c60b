import { describe, expect, it } from "vitest";
import { monthOf } from "./month.ts";
import { QuotaCounters } from "./quota.ts";

const now = Date.parse("2026-05-20T12:00:00Z");
const month = monthOf(now);

describe("QuotaCounters", () => {
  it("passes the call that reaches the limit and refuses the next", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 8);
    expect(quota.reserve("u", 10, now)).toEqual({ allowed: true, used: 9, limit: 10 });
    expect(quota.reserve("u", 10, now)).toEqual({ allowed: true, used: 10, limit: 10 });
    expect(quota.reserve("u", 10, now).allowed).toBe(false);
    expect(quota.used("u", now)).toBe(10);
  });

  it("gives a released reservation back", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 9);
    quota.reserve("u", 10, now);
    quota.release("u", now);
    expect(quota.reserve("u", 10, now).allowed).toBe(true);
  });

  it("never double counts its own calls once the database has them", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 100);
    for (let i = 0; i < 5; i++) quota.reserve("u", 1000, now);
    // The database total was read before the write committed: 100 + 5 unflushed.
    quota.observe("u", month, 100);
    expect(quota.used("u", now)).toBe(105);
    quota.writing("u", month, 5);
    // A refresh that may or may not include the in-flight write leaves it out.
    quota.observe("u", month, 105);
    expect(quota.used("u", now)).toBe(105);
    quota.written("u", month, 5, true);
    quota.observe("u", month, 105);
    expect(quota.used("u", now)).toBe(105);
  });

  it("rises to what other instances recorded", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 100);
    quota.reserve("u", 1000, now);
    quota.observe("u", month, 150); // another gateway wrote 50 more
    expect(quota.used("u", now)).toBe(151);
  });

  it("starts each UTC month from zero", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 10);
    const next = Date.parse("2026-06-01T00:00:00Z");
    expect(quota.reserve("u", 1, next)).toEqual({ allowed: true, used: 1, limit: 1 });
  });
});
