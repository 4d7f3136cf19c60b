// next-auth v5: email + password (Credentials) with JWT sessions, which Credentials
// requires. AUTH_SECRET and AUTH_TRUST_HOST come from the environment scripts/start.ts
// gives the dashboard; next-auth reads them itself.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { clientIp, verifyCredentials } from "./credentials.ts";
import { TooManyAttemptsError } from "./throttle.ts";

/** Sign-in refused because of throttling; `code` reaches the caller of signIn(). */
export class ThrottledSignIn extends CredentialsSignin {
  code = "throttled";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        try {
          return await verifyCredentials(credentials, clientIp(request.headers));
        } catch (error) {
          if (error instanceof TooManyAttemptsError) throw new ThrottledSignIn();
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // The token carries only the user id; requireUser() loads the rest from the database
    // on every request, so a changed admin flag or a deleted account takes effect at once.
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      console.error(error);
    },
  },
});
