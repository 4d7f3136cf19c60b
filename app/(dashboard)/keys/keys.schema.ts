// What each keys action accepts, and nothing more: strict objects refuse any other field
// (userId, hash, status on a roll…), so a crafted request cannot assign what a form
// does not offer. The owner is never an input: it is always the session's user. Creating
// a key takes lib/data/keys.ts's own createKeyInput.
import { z } from "zod";
import { keyId, keyStatus, rollExpiry } from "@/lib/keys/schema.ts";

export const setKeyStatusSchema = z.strictObject({ id: keyId, status: keyStatus });

export const rollKeySchema = z.strictObject({ id: keyId, oldKeyExpiresIn: rollExpiry });

export const deleteKeySchema = z.strictObject({ id: keyId });
