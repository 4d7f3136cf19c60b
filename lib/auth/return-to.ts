/**
 * Where to go after signing in: the dashboard page a signed-out visitor asked for
 * (`/logs?status=429` from a shared link). proxy.ts keeps it in this short-lived cookie
 * when it sends the visitor to /sign-in, so the sign-in URL and form stay as they are.
 */
export const RETURN_TO_COOKIE = "tollgate-return-to";

/** How long the remembered page is kept, in seconds: enough to sign in or sign up. */
export const RETURN_TO_MAX_AGE = 600;

const ORIGIN = "http://tollgate.invalid";

/**
 * The path and query to return to, or "/" when the value is missing or could lead anywhere
 * but this site (`//evil.example`, `/\evil.example`, `https://…`): never an open redirect.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 2_000 || !value.startsWith("/")) return "/";
  try {
    const url = new URL(value, ORIGIN);
    if (url.origin !== ORIGIN) return "/";
    return `${url.pathname}${url.search}`;
  } catch {
    return "/";
  }
}
