// The one way a server action runs: validate the form with zod, run the work as the actor,
// and turn every failure into the ActionState a form shows. app/ actions add only the
// session (lib/auth/action.ts) and what to refresh; tests call runAction with real users.
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "./action-state.ts";
import { NotAdminError } from "./actor.ts";

/** A refusal the user may read, thrown by an action's work (e.g. "Too many attempts…"). */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Refusal";
  }
}

/** An error class whose message is written for the user (a domain refusal). */
export type RefusalType = abstract new (...args: never[]) => Error;

export type ActionOptions = {
  /** Domain errors whose own message is shown as the form's error. */
  refusals?: readonly RefusalType[];
  /** Fields put back into the form after a failure (never a password or a key). */
  keep?: readonly string[];
};

export const MASS_ASSIGNMENT = "The request had fields this form does not send.";
export const SOMETHING_WENT_WRONG = "Something went wrong. Please try again.";

/**
 * The fields of a submitted form as a plain object. React adds its own `$ACTION_…`
 * fields to progressively enhanced submissions; they are the framework's, not input.
 */
export function formInput(formData: FormData): Record<string, FormDataEntryValue> {
  return Object.fromEntries([...formData.entries()].filter(([name]) => !name.startsWith("$ACTION")));
}

/** The `keep` fields as typed, to refill the form; nothing at all when none are kept. */
function keptValues(input: Record<string, unknown>, keep: readonly string[]) {
  const kept = keep.flatMap((name) =>
    typeof input[name] === "string" ? [[name, input[name]] as const] : [],
  );
  return kept.length > 0 ? { values: Object.fromEntries(kept) } : {};
}

/** The first zod message per field, and a message for the form as a whole if there is one. */
function validationFailure(error: z.ZodError): { error?: string; fieldErrors: Record<string, string> } {
  const { formErrors, fieldErrors } = z.flattenError(error);
  const unexpected = error.issues.some((issue) => issue.code === "unrecognized_keys");
  const first = Object.entries(fieldErrors as Record<string, string[] | undefined>).flatMap(
    ([field, messages]) => (messages?.[0] ? [[field, messages[0]] as const] : []),
  );
  return { error: unexpected ? MASS_ASSIGNMENT : formErrors[0], fieldErrors: Object.fromEntries(first) };
}

/**
 * Validates `input` with `schema` and runs `work` as `actor`. Validation problems (also ones
 * the data layer throws) come back as field errors, a field the form does not have as
 * MASS_ASSIGNMENT, a Refusal or a listed domain error as its message, a non-admin as "Not
 * found", anything else as a generic message: never a stack, never the input echoed back in
 * an error. Next's redirects and not-found signals pass through.
 */
export async function runAction<A, S extends z.ZodType, T>(
  actor: A,
  schema: S,
  input: FormData | Record<string, unknown>,
  work: (actor: A, input: z.output<S>) => Promise<T>,
  { refusals = [], keep = [] }: ActionOptions = {},
): Promise<ActionState<T>> {
  const fields = input instanceof FormData ? formInput(input) : input;
  const values = keptValues(fields, keep);
  const parsed = schema.safeParse(fields);
  if (!parsed.success) return { status: "error", ...validationFailure(parsed.error), ...values };
  try {
    return { status: "ok", data: await work(actor, parsed.data) };
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof z.ZodError) return { status: "error", ...validationFailure(error), ...values };
    if (error instanceof NotAdminError) return { status: "error", error: "Not found", ...values };
    if (error instanceof Refusal || refusals.some((type) => error instanceof type)) {
      return { status: "error", error: (error as Error).message, ...values };
    }
    // Only the kind and message: an error object can carry query parameters.
    console.error(`action failed: ${error instanceof Error ? `${error.name}: ${error.message}` : "unknown"}`);
    return { status: "error", error: SOMETHING_WENT_WRONG, ...values };
  }
}
