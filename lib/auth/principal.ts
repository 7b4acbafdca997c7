import { decode } from "next-auth/jwt";
import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import { env } from "../env";
import type { Role } from "../jobs/catalog";
import { authenticateApiKey } from "./api-keys";

/** Who is calling: a signed-in browser session or a script with an API key. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The caller's organisation: what a planner may see, and what the runs they launch work for. */
  organizationId: string;
  via: "session" | "api-key";
}

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The session cookie's value, the `__Secure-` one first; the header is read once for both names. */
function sessionToken(header: string | null): string | undefined {
  if (!header) return undefined;
  const found: (string | undefined)[] = [];
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator <= 0) continue;
    const at = SESSION_COOKIES.indexOf(part.slice(0, separator).trim());
    if (at >= 0 && found[at] === undefined) found[at] = safeDecode(part.slice(separator + 1).trim());
  }
  return found.find(Boolean);
}

/** A value that is not valid percent-encoding is kept as sent: it then fails as a bad token (401), not as a crash (500). */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: "missing" | "invalid" };

export async function authenticate(request: Request, { db = defaultDb() }: { db?: Db } = {}): Promise<AuthOutcome> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    // The scheme is case-insensitive (RFC 9110 §11.1); anything but exactly one token after it is refused.
    const match = /^Bearer[ \t]+(\S+)$/i.exec(authorization.trim());
    if (!match) return { ok: false, reason: "invalid" };
    const owner = await authenticateApiKey(match[1]!, { db });
    return owner ? { ok: true, principal: { ...owner, via: "api-key" } } : { ok: false, reason: "invalid" };
  }
  const principal = await sessionPrincipal(request.headers.get("cookie"), { db });
  return principal === "missing" || principal === "invalid" ? { ok: false, reason: principal } : { ok: true, principal };
}

/** The session a browser's cookie header carries, checked against the account and sign-outs. */
export async function sessionPrincipal(cookieHeader: string | null, { db = defaultDb() }: { db?: Db } = {}): Promise<Principal | "missing" | "invalid"> {
  const token = sessionToken(cookieHeader);
  if (!token) return "missing";
  const claims = await decodeSession(token);
  if (!claims?.sub || (claims.role !== "ADMIN" && claims.role !== "PLANNER")) return "invalid";
  // Sessions signed in before sign-out could be revoked carry neither: they cannot be ended, so they are refused.
  if (typeof claims.sessionId !== "string" || typeof claims.sessionVersion !== "number") return "invalid";
  // The session lasts hours; the account behind it is read again (cached briefly), so a deleted
  // user is signed out and a changed role applies within seconds rather than at expiry.
  const user = await sessionUser({ userId: claims.sub, sessionId: claims.sessionId, sessionVersion: claims.sessionVersion }, db);
  return user ? { ...user, via: "session" } : "invalid";
}

/**
 * A browser sends the same cookie with every request of its session, and decrypting it (JWE: a key
 * derivation and AES-GCM) was a sizeable share of an API call's CPU. Decoded claims are kept for a
 * few seconds by token; the token's own expiry still applies, and revocation is checked on every
 * request by `sessionUser`.
 */
const DECODED_TTL_MS = 10_000;
type Claims = Awaited<ReturnType<typeof decode>>;
const decodedSessions = new Map<string, { claims: Claims; expires: number }>();
/**
 * Decodes under way, by token: when the cached claims expire, every request of that browser in
 * flight at the moment (a page's burst, or a script's 50 connections) waits for one decode rather
 * than each running its own.
 */
const decoding = new Map<string, Promise<Claims>>();

async function decodeSession(token: string): Promise<Claims> {
  const cached = decodedSessions.get(token);
  const now = Date.now();
  if (cached && cached.expires > now && (typeof cached.claims?.exp !== "number" || cached.claims.exp * 1000 > now)) return cached.claims;
  let pending = decoding.get(token);
  if (!pending) {
    pending = decode({ token, secret: env().NEXTAUTH_SECRET })
      .catch(() => null)
      .then((claims) => {
        // Only tokens that decrypt are kept: garbage cookies must not fill the map.
        if (claims) {
          if (decodedSessions.size > 10_000) decodedSessions.clear();
          decodedSessions.set(token, { claims, expires: Date.now() + DECODED_TTL_MS });
        }
        return claims;
      })
      .finally(() => decoding.delete(token));
    decoding.set(token, pending);
  }
  return pending;
}

/** What a session cookie names: the account, this session, and the account's session version at sign-in. */
export interface SessionClaims {
  userId: string;
  sessionId: string;
  sessionVersion: number;
}

type SessionRow = Omit<Principal, "via"> & { sessionVersion: number; revoked: boolean };

const SESSION_USER_TTL_MS = 10_000;
const sessionUsers = new Map<string, { row: SessionRow | null; expires: number }>();
const cacheKey = (userId: string, sessionId: string) => `${userId}\n${sessionId}`;

/**
 * The account behind a session, read again (cached briefly) so that pages and the API agree on
 * role and organisation; null when the account is gone, the session was signed out, or the
 * password or role changed since sign-in. A revocation drops this process's cache entry at once
 * (forgetSessionUser); other web instances see it within SESSION_USER_TTL_MS.
 */
export async function sessionUser(session: SessionClaims, db: Db = defaultDb()): Promise<Omit<Principal, "via"> | null> {
  const key = cacheKey(session.userId, session.sessionId);
  let row: SessionRow | null;
  const cached = sessionUsers.get(key);
  if (cached && cached.expires > Date.now()) row = cached.row;
  else {
    const { rows } = await sqlPool(db).query<SessionRow>(
      `SELECT "id", "email", "name", "role", "organizationId", "sessionVersion",
              EXISTS (SELECT 1 FROM "RevokedSession" WHERE "id" = $2) AS "revoked"
         FROM "User" WHERE "id" = $1`,
      [session.userId, session.sessionId],
    );
    row = rows[0] ?? null;
    if (sessionUsers.size > 10_000) sessionUsers.clear();
    sessionUsers.set(key, { row, expires: Date.now() + SESSION_USER_TTL_MS });
  }
  if (!row || row.revoked || row.sessionVersion !== session.sessionVersion) return null;
  const { sessionVersion: _version, revoked: _revoked, ...user } = row;
  return user;
}

/** Drops cached sessions of an account or one session, so a revocation applies to the next request here. */
export function forgetSessionUser({ userId, sessionId }: { userId?: string; sessionId?: string }): void {
  for (const key of sessionUsers.keys()) {
    const [keyUser, keySession] = key.split("\n");
    if (keyUser === userId || keySession === sessionId) sessionUsers.delete(key);
  }
}

/**
 * Cookie-authenticated mutations must come from our own pages: browsers send Origin on cross-site
 * POSTs (and Sec-Fetch-Site), so a mismatch means another site is riding the session cookie.
 * X-Forwarded-Host and -Proto name the public origin only behind a proxy that sets them; anywhere
 * else the caller writes them, so they count only when TRUST_PROXY says a proxy is in front.
 */
export function isSameOrigin(request: Request, { trustProxy = env().TRUST_PROXY }: { trustProxy?: boolean } = {}): boolean {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = request.headers.get("origin");
  if (!origin) return fetchSite === "same-origin";
  const forwarded = (name: string) => (trustProxy ? request.headers.get(name)?.split(",")[0]?.trim() || undefined : undefined);
  const host = forwarded("x-forwarded-host") ?? request.headers.get("host");
  const proto = forwarded("x-forwarded-proto");
  try {
    const url = new URL(origin);
    return url.host === host && (proto === undefined || url.protocol === `${proto}:`);
  } catch {
    return false;
  }
}
