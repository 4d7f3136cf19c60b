import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { createUser } from "../data/users.ts";
import { verifyCredentials } from "./credentials.ts";
import { SIGN_IN_LIMITS, signInRetryAfter, TooManyAttemptsError } from "./throttle.ts";

const database = testDatabase();
const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 4)}`;

describe("sign-in", () => {
  it("accepts the right password (any email case) and refuses a wrong one", async () => {
    const email = `signin-${randomUUID()}@example.com`;
    const user = await createUser({ email, password: "right password 1" });
    expect(
      await verifyCredentials({ email: email.toUpperCase(), password: "right password 1" }, ip()),
    ).toMatchObject({
      id: user.id,
      email,
    });
    expect(await verifyCredentials({ email, password: "secret124" }, ip())).toBeNull();
    expect(
      await verifyCredentials({ email: `nobody-${randomUUID()}@example.com`, password: "x" }, ip()),
    ).toBeNull();
  });

  it("throttles an email after 5 failures in 15 minutes, even with the right password", async () => {
    const email = `throttle-${randomUUID()}@example.com`;
    await createUser({ email, password: "right password 1" });
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) {
      expect(await verifyCredentials({ email, password: "wrong-password" }, ip())).toBeNull();
    }
    const attempt = verifyCredentials({ email, password: "right password 1" }, ip());
    await expect(attempt).rejects.toThrow(TooManyAttemptsError);
    await expect(attempt).rejects.toThrow(/Too many attempts, try again in 15 minutes/);
  });

  it("lets the email in again once the failures age out of the window", async () => {
    const email = `aged-${randomUUID()}@example.com`;
    await createUser({ email, password: "right password 1" });
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++)
      await verifyCredentials({ email, password: "nope-nope" }, ip());
    expect(await signInRetryAfter(email, ip())).toBeGreaterThan(14 * 60);
    await database.pool.query(
      "UPDATE sign_in_attempts SET created_at = created_at - interval '16 minutes' WHERE email = $1",
      [email],
    );
    expect(await signInRetryAfter(email, ip())).toBe(0);
    expect(await verifyCredentials({ email, password: "right password 1" }, ip())).not.toBeNull();
  });

  it("throttles an IP after 30 failures across different emails", async () => {
    const address = ip();
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      await verifyCredentials(
        { email: `spray-${i}-${randomUUID()}@example.com`, password: "guess-guess" },
        address,
      );
    }
    await expect(
      verifyCredentials({ email: `spray-last-${randomUUID()}@example.com`, password: "guess" }, address),
    ).rejects.toThrow(TooManyAttemptsError);
    // Another IP with another email is unaffected.
    expect(await signInRetryAfter(`other-${randomUUID()}@example.com`, ip())).toBe(0);
  });

  it("evaluates at most 5 of 100 concurrent wrong passwords for one email, then refuses the right one", async () => {
    const email = `concurrent-${randomUUID()}@example.com`;
    await createUser({ email, password: "right password 1" });
    // Distinct IPs, so only the per-email limit is in play.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => verifyCredentials({ email, password: `guess ${i}` }, ip())),
    );
    const evaluated = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter(
      (o) => o.status === "rejected" && o.reason instanceof TooManyAttemptsError,
    );
    expect(evaluated.length).toBeLessThanOrEqual(SIGN_IN_LIMITS.perEmail);
    expect(evaluated.length + refused.length).toBe(100);
    await expect(verifyCredentials({ email, password: "right password 1" }, ip())).rejects.toThrow(
      TooManyAttemptsError,
    );
  });

  it("evaluates at most 30 of 60 concurrent attempts from one IP", async () => {
    const address = ip();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        verifyCredentials({ email: `ip-race-${i}-${randomUUID()}@example.com`, password: "guess" }, address),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled").length).toBeLessThanOrEqual(SIGN_IN_LIMITS.perIp);
    expect(outcomes.filter((o) => o.status === "rejected").length).toBeGreaterThanOrEqual(30);
  });
});
