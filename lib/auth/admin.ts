import type { SessionUser } from "./session.ts";

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
