import { describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import {
  creationExpiry,
  creationExpiryLabels,
  expiryIntervals,
  keyId,
  keyName,
  keyStatus,
  rollExpiry,
  rollExpiryLabels,
} from "./schema.ts";

const database = testDatabase();

/** The first message zod gives for a value, or undefined when it is accepted. */
function messageOf(
  schema: { safeParse: (v: unknown) => { error?: { issues: { message: string }[] } } },
  value: unknown,
) {
  return schema.safeParse(value).error?.issues[0]?.message;
}

describe("key form fields", () => {
  it("a name is trimmed, required and at most 64 characters", () => {
    expect(keyName.parse("  production  ")).toBe("production");
    expect(keyName.parse("x".repeat(64))).toBe("x".repeat(64));
    expect(messageOf(keyName, "")).toBe("Enter a name");
    expect(messageOf(keyName, "   ")).toBe("Enter a name");
    expect(messageOf(keyName, undefined)).toBe("Enter a name");
    expect(messageOf(keyName, 42)).toBe("Enter a name");
    expect(messageOf(keyName, "x".repeat(65))).toBe("Use at most 64 characters");
    // The limit counts what is stored, after trimming.
    expect(keyName.parse(` ${"x".repeat(64)} `)).toBe("x".repeat(64));
  });

  it("a key id is any UUID-shaped string; anything else is an unknown key", () => {
    expect(keyId.parse("2f1c7a8e-0c1b-4d0e-9a55-3c2b1a0f9e8d")).toBe("2f1c7a8e-0c1b-4d0e-9a55-3c2b1a0f9e8d");
    expect(keyId.parse("00000000-0000-0000-0000-000000000000")).toBeDefined();
    for (const bad of ["", "42", "not-a-uuid", "2f1c7a8e0c1b4d0e9a553c2b1a0f9e8d", undefined]) {
      expect(messageOf(keyId, bad)).toBe("Unknown key");
    }
  });

  it("a status is active or inactive, nothing else", () => {
    expect(keyStatus.options).toEqual(["active", "inactive"]);
    expect(keyStatus.safeParse("deleted").success).toBe(false);
  });

  it("expiry choices are fixed menus with messages naming every choice", () => {
    expect(creationExpiry.options).toEqual(["never", "7d", "30d", "90d"]);
    expect(rollExpiry.options).toEqual(["now", "1h", "24h", "7d"]);
    for (const bad of ["", "1d", "365d", "9999-12-31", 7]) {
      expect(messageOf(creationExpiry, bad)).toBe("Choose never, 7, 30 or 90 days");
      expect(messageOf(rollExpiry, bad)).toBe("Choose now, 1 hour, 24 hours or 7 days");
    }
    expect(messageOf(creationExpiry, "now")).toBeDefined();
    expect(messageOf(rollExpiry, "never")).toBeDefined();
  });
});

// What a label promises, in seconds: "Immediately", "In 7 days", "In 1 hour", "In 24 hours".
const UNIT_SECONDS: Record<string, number> = { hour: 3600, hours: 3600, day: 86_400, days: 86_400 };
function promisedSeconds(label: string): number {
  if (label === "Immediately") return 0;
  const match = /^In (\d+) (hours?|days?)$/.exec(label);
  if (!match) throw new Error(`label "${label}" says no duration`);
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

describe("expiry intervals and their labels", () => {
  it("each choice's PostgreSQL interval lasts exactly what its menu label says", async () => {
    const choices = [
      ...creationExpiry.options
        .filter((c) => c !== "never")
        .map((c) => [c, creationExpiryLabels[c]] as const),
      ...rollExpiry.options.map((c) => [c, rollExpiryLabels[c]] as const),
    ];
    expect(choices).toHaveLength(7);
    for (const [choice, label] of choices) {
      const { rows } = await database.pool.query<{ seconds: number }>(
        "SELECT extract(epoch FROM $1::interval)::float8 AS seconds",
        [expiryIntervals[choice]],
      );
      expect({ choice, seconds: rows[0]?.seconds }).toEqual({ choice, seconds: promisedSeconds(label) });
    }
    expect(Object.keys(expiryIntervals).sort()).toEqual(["1h", "24h", "30d", "7d", "90d", "now"]);
  });

  it("known durations: 7, 30 and 90 days for new keys, now to 7 days for rolled ones", () => {
    expect(Object.fromEntries(creationExpiry.options.map((c) => [c, creationExpiryLabels[c]]))).toEqual({
      never: "Never",
      "7d": "In 7 days",
      "30d": "In 30 days",
      "90d": "In 90 days",
    });
    expect(rollExpiry.options.map((c) => promisedSeconds(rollExpiryLabels[c]))).toEqual([
      0, 3600, 86_400, 604_800,
    ]);
  });
});
