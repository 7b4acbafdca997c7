import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { env } from "../env";
import { randomUUID } from "node:crypto";
import { sameOriginPath } from "./callback-url";
import { verifyAccountPassword } from "./passwords";
import { revokeSession, SESSION_MAX_AGE_SECONDS } from "./revoke-sessions";
import { throttledSignInError } from "./sign-in-errors";
import { beginSignInAttempt, clientAddress, signInSucceeded } from "./sign-in-throttle";

const credentialsSchema = z.object({ email: z.email(), password: z.string().min(1) });

/**
 * next-auth for the browser: email + password, JWT sessions carrying the user's id, role and
 * organisation, plus a session id (so sign-out can end this session) and the account's session
 * version (so a password or role change ends all of them); lib/auth/principal.ts checks both.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        // Throws (next-auth hands the message to signIn as `error`) when over a limit: the form says when to retry.
        async authorize(credentials, request) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const attempt = { email: parsed.data.email.toLowerCase(), address: clientAddress(request?.headers) };
          const retryAfter = await beginSignInAttempt(attempt);
          if (retryAfter !== null) throw new Error(throttledSignInError(retryAfter));
          const user = await db().user.findUnique({ where: { email: attempt.email } });
          if (!(await verifyAccountPassword(parsed.data.password, user?.passwordHash)) || !user) return null;
          await signInSucceeded(attempt);
          return {
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            organizationId: user.organizationId,
            sessionVersion: user.sessionVersion,
          };
        },
      }),
    ],
    events: {
      // next-auth only deletes the cookie; a copy of it must stop working too.
      async signOut({ token }) {
        if (typeof token?.sessionId === "string") await revokeSession(token.sessionId);
      },
    },
    callbacks: {
      // next-auth's default follows any URL on this origin as given, "/\t/evil.example" included:
      // apply the sign-in page's normalisation to every callbackUrl next-auth redirects to.
      redirect({ url, baseUrl }) {
        const path = sameOriginPath(url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url);
        return `${baseUrl}${path ?? "/"}`;
      },
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.role = (user as { role?: string }).role;
          token.organizationId = (user as { organizationId?: string }).organizationId;
          token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
          // Kept as next-auth re-issues the cookie, unlike its per-cookie jti: every copy of this session has it.
          token.sessionId = randomUUID();
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          (session.user as { id?: string }).id = token.sub;
          (session.user as { role?: unknown }).role = token.role;
          (session.user as { organizationId?: unknown }).organizationId = token.organizationId;
        }
        return session;
      },
    },
  };
}
