"use server";

import { userAction } from "@/lib/auth/action.ts";
import {
  createKey,
  createKeyInput,
  deleteKey,
  KeyNotFoundError,
  rollKey,
  setKeyStatus,
} from "@/lib/data/keys.ts";
import { deleteKeySchema, rollKeySchema, setKeyStatusSchema } from "./keys.schema.ts";

// Every keys action: the session's user is the owner, a key that is not theirs is "not
// found", and a success refreshes the keys table.
const KEYS = { refresh: "/keys", refusals: [KeyNotFoundError] } as const;

/** Creates a key; the result carries the plaintext, which the dialog shows once. */
export async function createKeyAction(_previous: unknown, formData: FormData) {
  return userAction(createKeyInput, formData, (actor, input) => createKey(actor, input), KEYS);
}

export async function setKeyStatusAction(_previous: unknown, formData: FormData) {
  return userAction(
    setKeyStatusSchema,
    formData,
    (actor, { id, status }) => setKeyStatus(actor, id, status),
    KEYS,
  );
}

/** Rolls a key; the result carries the new key's plaintext, shown once. */
export async function rollKeyAction(_previous: unknown, formData: FormData) {
  return userAction(
    rollKeySchema,
    formData,
    (actor, { id, oldKeyExpiresIn }) => rollKey(actor, id, oldKeyExpiresIn),
    KEYS,
  );
}

export async function deleteKeyAction(_previous: unknown, formData: FormData) {
  return userAction(
    deleteKeySchema,
    formData,
    async (actor, { id }) => {
      await deleteKey(actor, id);
      return { id };
    },
    KEYS,
  );
}
