// next-auth v5: email + password (Credentials) with JWT sessions, which Credentials
// requires. AUTH_SECRET and AUTH_TRUST_HOST come from the environment scripts/start.ts
// gives the dashboard; next-auth reads them itself.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { endSessionsFrom } from "../data/users.ts";
import { verifyCredentials } from "./credentials.ts";
import { requestIp } from "./request-ip.ts";
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
          return await verifyCredentials(credentials, requestIp(request.headers));
        } catch (error) {
          if (error instanceof TooManyAttemptsError) throw new ThrottledSignIn();
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // The token carries only the user id and the session version it was issued under;
    // requireUser() loads the rest from the database on every request and refuses a token
    // whose version is behind, so sign-out, a changed admin flag or a deleted account take
    // effect at once. Tokens from before versions existed count as version 0.
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sv = user.sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionVersion = token.sv ?? 0;
      return session;
    },
  },
  events: {
    // Every sign-out path (the form's action and a POST to /api/auth/signout) ends here.
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (token?.sub) await endSessionsFrom(token.sub, token.sv ?? 0);
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

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
  }
  interface Session {
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    /** The account's session version when this token was issued. */
    sv?: number;
  }
}
