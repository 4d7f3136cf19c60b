// What a form holds in useActionState. Its own module, free of server code, so client
// components can import it.

/** The result of a server action: nothing yet, the data, or what to tell the user. */
export type ActionState<T> =
  | { status: "idle" }
  | { status: "ok"; data: T }
  | { status: "error"; error: string; fieldErrors?: Partial<Record<string, string[]>> };

export const idle = { status: "idle" } as const;
