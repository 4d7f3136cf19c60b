// The part of every keys action that does not need a request: validation, the call into
// lib/data and the mapping of failures to what a form shows. actions.ts adds the session;
// tests call this directly with real users.
import { z } from "zod";
import type { SessionUser } from "@/lib/actor.ts";
import { KeyNotFoundError } from "@/lib/data/keys.ts";
import type { ActionState } from "@/lib/action-state.ts";

/**
 * The fields of a submitted form as a plain object. React adds its own `$ACTION_…`
 * fields to progressively enhanced submissions; they are the framework's, not input.
 */
export function formInput(formData: FormData): Record<string, FormDataEntryValue> {
  return Object.fromEntries([...formData.entries()].filter(([name]) => !name.startsWith("$ACTION")));
}

/**
 * Validates `input` with `schema` and runs `work` as `actor`. Validation problems come
 * back as field errors (or one error for a field the form does not have), a key that is
 * not the actor's as "not found", anything else as a generic message: never a stack,
 * never the input echoed back.
 */
export async function runAction<S extends z.ZodType, T>(
  actor: SessionUser,
  schema: S,
  input: unknown,
  work: (actor: SessionUser, input: z.output<S>) => Promise<T>,
): Promise<ActionState<T>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const { fieldErrors, formErrors } = z.flattenError(parsed.error);
    const unexpected = parsed.error.issues.some((issue) => issue.code === "unrecognized_keys");
    return {
      status: "error",
      error: unexpected
        ? "The request had fields this form does not send."
        : (formErrors[0] ?? "Check the form."),
      fieldErrors,
    };
  }
  try {
    return { status: "ok", data: await work(actor, parsed.data) };
  } catch (error) {
    if (error instanceof KeyNotFoundError) return { status: "error", error: "Key not found." };
    // Only the kind and message: an error object can carry query parameters.
    console.error(
      `keys action failed: ${error instanceof Error ? `${error.name}: ${error.message}` : "unknown"}`,
    );
    return { status: "error", error: "Something went wrong. Please try again." };
  }
}
