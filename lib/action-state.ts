// What a form holds in useActionState. Its own module, free of server code, so client
// components can import it.

/**
 * The result of a server action: nothing yet, the data (for most forms a message to show),
 * or what to tell the user: a form-level error, the first problem per field, and the values
 * typed (never passwords) to put back into the form.
 */
export type ActionState<T = string> =
  | { status: "idle" }
  | { status: "ok"; data: T }
  | {
      status: "error";
      error?: string;
      fieldErrors?: Partial<Record<string, string>>;
      values?: Partial<Record<string, string>>;
    };

export const idle = { status: "idle" } as const;

/** A server action as useActionState (or a direct call) invokes it. */
export type ServerAction<T = string> = (
  previous: ActionState<T> | null,
  formData: FormData,
) => Promise<ActionState<T>>;

/** The failure part of a state, or undefined: lets a form read `failed?.fieldErrors?.email`. */
export function failureOf<T>(
  state: ActionState<T>,
): Extract<ActionState<T>, { status: "error" }> | undefined {
  return state.status === "error" ? state : undefined;
}
