import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { SessionUser } from "../actor.ts";
import { findSessionUser } from "../data/users.ts";
import { auth } from "./config.ts";

/**
 * The signed-in user, loaded fresh from the database (so a deleted account, a changed
 * admin flag or a revoked session counts immediately), or null when signed out. Cached per request, so the
 * layout and the page asking both cost one lookup.
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  return id ? findSessionUser(id, session.sessionVersion ?? 0) : null;
});

/** The signed-in user, or a redirect to /sign-in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** The signed-in admin; 404 for anyone else (signed-out visitors go to /sign-in). */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (!user.isAdmin) notFound();
  return user;
}
