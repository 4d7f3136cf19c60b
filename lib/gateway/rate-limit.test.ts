import { describe, expect, it } from "vitest";
import { RateLimits } from "./rate-limit.ts";

describe("RateLimits", () => {
  it("passes exactly rpm calls in a window and refuses the next, with Retry-After 1..60", () => {
    const limits = new RateLimits();
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      const decision = limits.take("u1", 5, t0 + i);
      expect(decision.allowed).toBe(true);
      expect(decision.remaining).toBe(4 - i);
    }
    const refused = limits.take("u1", 5, t0 + 10_500);
    expect(refused).toEqual({ allowed: false, limit: 5, remaining: 0, resetSeconds: 50 });
  });

  it("starts a new window 60 s after the first call of the last one", () => {
    const limits = new RateLimits();
    expect(limits.take("u1", 1, 0).allowed).toBe(true);
    expect(limits.take("u1", 1, 59_999)).toMatchObject({ allowed: false, resetSeconds: 1 });
    expect(limits.take("u1", 1, 60_000)).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 60 });
  });

  it("keeps accounts apart, and a new rpm (plan change) starts afresh", () => {
    const limits = new RateLimits();
    expect(limits.take("u1", 1, 0).allowed).toBe(true);
    expect(limits.take("u2", 1, 0).allowed).toBe(true);
    expect(limits.take("u1", 1, 1).allowed).toBe(false);
    expect(limits.take("u1", 2, 2).allowed).toBe(true);
  });

  it("adopts a shared count: continues the same window from it", () => {
    const limits = new RateLimits();
    limits.adopt("u1", 3, 2, 30_000);
    expect(limits.take("u1", 3, 10_000)).toEqual({ allowed: true, limit: 3, remaining: 0, resetSeconds: 20 });
    expect(limits.take("u1", 3, 10_001).allowed).toBe(false);
    expect(limits.take("u1", 3, 30_000)).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 60 });
  });

  it("rounds the reset up to whole seconds, within 1..60", () => {
    const limits = new RateLimits();
    expect(limits.take("u1", 9, 0).resetSeconds).toBe(60);
    expect(limits.take("u1", 9, 500).resetSeconds).toBe(60);
    expect(limits.take("u1", 9, 1_000).resetSeconds).toBe(59);
    expect(limits.take("u1", 9, 59_001).resetSeconds).toBe(1);
  });
});
