import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { env } from "../env";
import { sameOriginPath } from "./callback-url";
import { verifyPassword } from "./passwords";

const credentialsSchema = z.object({ email: z.email(), password: z.string().min(1) });

/** next-auth for the browser: email + password, JWT sessions carrying the user's id, role and organisation. */
export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const user = await db().user.findUnique({ where: { email: parsed.data.email.toLowerCase() } });
          if (!user || !(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name, role: user.role, organizationId: user.organizationId };
        },
      }),
    ],
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
