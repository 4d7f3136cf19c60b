import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { ActionState } from "../action-state.ts";
import { runAction, type ActionOptions } from "../action.ts";
import type { SessionUser } from "../actor.ts";
import { requireUser } from "./session.ts";

/**
 * Runs a signed-in user's server action through runAction: the session decides the actor
 * (fresh from the database; signed-out requests are redirected before anything runs), the
 * schema decides the input, and a success refreshes the pages under `refresh`.
 */
export async function userAction<S extends z.ZodType, T>(
  schema: S,
  formData: FormData,
  work: (actor: SessionUser, input: z.output<S>) => Promise<T>,
  options: ActionOptions & { refresh: string },
): Promise<ActionState<T>> {
  const actor = await requireUser();
  const state = await runAction(actor, schema, formData, work, options);
  if (state.status === "ok") revalidatePath(options.refresh, "layout");
  return state;
}
