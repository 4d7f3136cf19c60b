import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { testDatabase } from "../db/test-database.ts";
import { createUser, findUserForSignIn } from "../data/users.ts";
import { newPasswordSchema } from "./new-password.schema.ts";
import { verifyPassword } from "./password.ts";
import { signUp } from "./sign-up.ts";
import { TooManyAttemptsError } from "./throttle.ts";

const database = testDatabase();
const ip = () => `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 4)}`;

describe("sign-up", () => {
  it("creates at most `limit` accounts an hour from one address, even in a parallel burst", async () => {
    const address = ip();
    const prefix = `burst-${randomUUID()}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        signUp({ email: `${prefix}-${i}@example.com`, password: "burst password 1", name: null }, address, 3),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
    expect(
      outcomes.filter((o) => o.status === "rejected" && o.reason instanceof TooManyAttemptsError),
    ).toHaveLength(9);
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE email LIKE $1",
      [`${prefix}-%`],
    );
    expect(rows[0]?.n).toBe(3);
    // Another address is not affected.
    await expect(
      signUp({ email: `${prefix}-other@example.com`, password: "burst password 1", name: null }, ip(), 3),
    ).resolves.toBeUndefined();
  });

  it("answers a taken email exactly like a new one and leaves the account alone", async () => {
    const email = `taken-${randomUUID()}@example.com`;
    const owner = await createUser({ email, password: "the owner's password" });
    await expect(
      signUp({ email: email.toUpperCase(), password: "an intruder's password", name: "X" }, ip(), 10),
    ).resolves.toBeUndefined();
    const stored = await findUserForSignIn(email);
    expect(stored?.id).toBe(owner.id);
    expect(await verifyPassword(stored!.passwordHash, "the owner's password")).toBe(true);
    expect(await verifyPassword(stored!.passwordHash, "an intruder's password")).toBe(false);
  });
});

describe("new passwords", () => {
  it("need 10 characters and must not be among the 10,000 most common", () => {
    const error = (password: string) => newPasswordSchema.safeParse(password).error?.issues[0]?.message;
    expect(error("12345678")).toBe("Use at least 10 characters");
    expect(error("abcdefghi")).toBe("Use at least 10 characters");
    expect(error("1234567890")).toMatch(/one of the most common/);
    expect(error("QwertyUiop")).toMatch(/one of the most common/);
    expect(error("password123")).toMatch(/one of the most common/);
    expect(error("correct horse battery")).toBeUndefined();
    expect(error("abcdefghij")).toBeUndefined();
    expect(() => newPasswordSchema.parse("x".repeat(257))).toThrow(ZodError);
  });
});
