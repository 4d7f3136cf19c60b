import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";

describe("password hashing", () => {
  it("encodes Argon2id with at least OWASP's minimum parameters", async () => {
    const encoded = await hashPassword("correct horse battery");
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+$/.exec(encoded);
    expect(match, encoded).not.toBeNull();
    const [, m, t, p] = match!.map(Number);
    expect(m).toBeGreaterThanOrEqual(19_456);
    expect(t).toBeGreaterThanOrEqual(2);
    expect(p).toBeGreaterThanOrEqual(1);
  });

  it("salts every hash and verifies only the right password", async () => {
    const first = await hashPassword("secret123");
    const second = await hashPassword("secret123");
    expect(first).not.toBe(second);
    expect(await verifyPassword(first, "secret123")).toBe(true);
    expect(await verifyPassword(first, "secret124")).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch", async () => {
    expect(await verifyPassword("not-a-real-hash", "secret123")).toBe(false);
  });
});
