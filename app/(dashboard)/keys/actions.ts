"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { SessionUser } from "@/lib/actor.ts";
import { requireUser } from "@/lib/auth/session.ts";
import { createKey, deleteKey, rollKey, setKeyStatus } from "@/lib/data/keys.ts";
import { createKeySchema, deleteKeySchema, rollKeySchema, setKeyStatusSchema } from "./keys.schema.ts";
import type { ActionState } from "@/lib/action-state.ts";
import { formInput, runAction } from "./run-action.ts";

/**
 * The one wrapper every keys action goes through: the session decides the actor
 * (signed-out requests are redirected before anything runs), the schema decides the
 * input, and a successful change refreshes the keys table.
 */
async function keysAction<S extends z.ZodType, T>(
  schema: S,
  formData: FormData,
  work: (actor: SessionUser, input: z.output<S>) => Promise<T>,
): Promise<ActionState<T>> {
  const actor = await requireUser();
  const state = await runAction(actor, schema, formInput(formData), work);
  if (state.status === "ok") revalidatePath("/keys");
  return state;
}

/** Creates a key; the result carries the plaintext, which the dialog shows once. */
export async function createKeyAction(_previous: unknown, formData: FormData) {
  return keysAction(createKeySchema, formData, (actor, input) => createKey(actor, input));
}

export async function setKeyStatusAction(_previous: unknown, formData: FormData) {
  return keysAction(setKeyStatusSchema, formData, (actor, { id, status }) => setKeyStatus(actor, id, status));
}

/** Rolls a key; the result carries the new key's plaintext, shown once. */
export async function rollKeyAction(_previous: unknown, formData: FormData) {
  return keysAction(rollKeySchema, formData, (actor, { id, oldKeyExpiresIn }) =>
    rollKey(actor, id, oldKeyExpiresIn),
  );
}

export async function deleteKeyAction(_previous: unknown, formData: FormData) {
  return keysAction(deleteKeySchema, formData, async (actor, { id }) => {
    await deleteKey(actor, id);
    return { id };
  });
}
