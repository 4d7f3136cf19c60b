// Who is acting, and the one admin check. Imports nothing of ours, so the data layer, the
// session code, the CLI and the pages can all depend on it without importing each other.

/** The signed-in user as the data layer sees it: every lib/data function takes one. */
export type SessionUser = { id: string; email: string; name: string | null; isAdmin: boolean };

/** The actor is not an admin. Pages answer 404 so the admin area's existence is not revealed. */
export class NotAdminError extends Error {
  constructor() {
    super("Not found");
    this.name = "NotAdminError";
  }
}

/**
 * Throws NotAdminError unless the actor is an admin. Data-layer admin functions call it
 * first; actors come from requireUser(), which reads the admin flag fresh from the database.
 */
export function requireAdminActor(actor: SessionUser): void {
  if (!actor.isAdmin) throw new NotAdminError();
}

/**
 * The actor for the operator CLI: whoever can run it already holds the database, so it
 * acts with admin rights (the data layer's admin checks still run, and still pass).
 */
export const CLI_OPERATOR: SessionUser = {
  id: "00000000-0000-0000-0000-000000000000",
  email: "operator@localhost",
  name: "CLI operator",
  isAdmin: true,
};
