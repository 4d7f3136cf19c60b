/** The signed-in user as the data layer sees it: every lib/data function takes one. */
export type SessionUser = { id: string; email: string; name: string | null; isAdmin: boolean };

/** PLACEHOLDER (issue #2 implements): the signed-in user, or a redirect to /sign-in. */
export async function requireUser(): Promise<SessionUser> {
  throw new Error("not implemented");
}

/** PLACEHOLDER (issue #2 implements): the signed-in admin; 404 for anyone else. */
export async function requireAdmin(): Promise<SessionUser> {
  throw new Error("not implemented");
}
