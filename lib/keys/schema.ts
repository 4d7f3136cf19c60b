import { z } from "zod";

/** A key's display name: trimmed, 1–64 characters. */
export const keyName = z
  .string({ error: "Enter a name" })
  .trim()
  .min(1, "Enter a name")
  .max(64, "Use at most 64 characters");

/**
 * A key id. Any UUID-shaped string is accepted (not only RFC v4) because the
 * database decides whether it exists; anything else can never name a key.
 */
export const keyId = z.guid({ error: "Unknown key" });

export const keyStatus = z.enum(["active", "inactive"]);
export type KeyStatus = z.infer<typeof keyStatus>;

/** How long a new key lives. A fixed menu, so nobody can mint a key expiring in 1970 or 9999. */
export const creationExpiry = z.enum(["never", "7d", "30d", "90d"], {
  error: "Choose never, 7, 30 or 90 days",
});
export type CreationExpiry = z.infer<typeof creationExpiry>;

/** When a rolled key stops working. */
export const rollExpiry = z.enum(["now", "1h", "24h", "7d"], {
  error: "Choose now, 1 hour, 24 hours or 7 days",
});
export type RollExpiry = z.infer<typeof rollExpiry>;

/**
 * Each choice as a PostgreSQL interval, so expiry is computed with the database's
 * clock: the gateway compares expires_at with that same clock.
 */
export const expiryIntervals: Record<Exclude<CreationExpiry, "never"> | RollExpiry, string> = {
  now: "0 seconds",
  "1h": "1 hour",
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
};

/** Labels for the menus in the dashboard and the CLI help. */
export const creationExpiryLabels: Record<CreationExpiry, string> = {
  never: "Never",
  "7d": "In 7 days",
  "30d": "In 30 days",
  "90d": "In 90 days",
};

export const rollExpiryLabels: Record<RollExpiry, string> = {
  now: "Immediately",
  "1h": "In 1 hour",
  "24h": "In 24 hours",
  "7d": "In 7 days",
};
