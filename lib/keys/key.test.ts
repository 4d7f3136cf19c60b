import { describe, expect, it } from "vitest";
import { generateKey, hashKey, isWellFormedKey } from "./key.ts";

describe("API key format", () => {
  it("is tg_ + 22 random base62 characters + a 6-character checksum", () => {
    const { key, prefix, last4, hash } = generateKey();
    expect(key).toMatch(/^tg_[0-9A-Za-z]{28}$/);
    expect(prefix).toBe(key.slice(0, 7));
    expect(last4).toBe(key.slice(-4));
    expect(hash).toBe(hashKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts what it generates and differs every time", () => {
    const keys = Array.from({ length: 1000 }, () => generateKey().key);
    expect(keys.every(isWellFormedKey)).toBe(true);
    expect(new Set(keys).size).toBe(1000);
  });

  it("rejects a key with any one character changed, at any position, to any other character", () => {
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-.!";
    let tried = 0;
    for (let k = 0; k < 50; k++) {
      const { key } = generateKey();
      for (let i = 0; i < key.length; i++) {
        for (const replacement of alphabet) {
          if (replacement === key[i]) continue;
          const changed = key.slice(0, i) + replacement + key.slice(i + 1);
          if (isWellFormedKey(changed)) expect.fail(`accepted ${changed} (from ${key})`);
          tried += 1;
        }
      }
    }
    expect(tried).toBe(50 * 31 * 65);
  });

  it("rejects wrong shapes", () => {
    const { key } = generateKey();
    for (const bad of [
      "",
      "tg_",
      key.slice(1),
      `${key}x`,
      key.replace("tg_", "sk_"),
      `${key.slice(0, -1)}!`,
    ]) {
      expect(isWellFormedKey(bad)).toBe(false);
    }
  });

  it("draws every base62 character equally often (no modulo bias)", () => {
    // 20,000 keys × 22 random characters: ~7,100 of each of the 62. Chance spreads them by
    // a few percent; a bias toward some characters (bytes 248–255 not rejected) by 25 %.
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      for (const c of generateKey().key.slice(3, 25)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const values = [...counts.values()];
    expect(Math.max(...values) / Math.min(...values)).toBeLessThan(1.15);
  });
});
