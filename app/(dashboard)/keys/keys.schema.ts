// What each keys action accepts, and nothing more: strict objects refuse any other field
// (userId, hash, status on a roll…), so a crafted request cannot assign what a form
// does not offer. The owner is never an input: it is always the session's user.
import { z } from "zod";
import { creationExpiry, keyId, keyName, keyStatus, rollExpiry } from "@/lib/keys/schema.ts";

export const createKeySchema = z.strictObject({
  name: keyName,
  expiresIn: creationExpiry.default("never"),
});

export const setKeyStatusSchema = z.strictObject({ id: keyId, status: keyStatus });

export const rollKeySchema = z.strictObject({ id: keyId, oldKeyExpiresIn: rollExpiry });

export const deleteKeySchema = z.strictObject({ id: keyId });
