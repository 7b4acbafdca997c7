import { randomUUID } from "node:crypto";
import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import * as queues from "@/app/api/v1/queues/route";
import { authOptions } from "@/lib/auth/options";
import { hashPassword } from "@/lib/auth/passwords";
import { updateAccount } from "@/lib/auth/revoke-sessions";
import { call, createTestUser } from "../helpers/fixtures";

const SECRET = "test-secret-at-least-16-chars";

async function claimsOf(cookie: string) {
  return (await decode({ token: cookie.slice(cookie.indexOf("=") + 1), secret: SECRET }))!;
}

describe("a session ends before its cookie expires", () => {
  it("sign-out refuses that session's cookie at once, and leaves the account's other sessions", async () => {
    const user = await createTestUser("PLANNER");
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(200);
    // Same account, signed in from a second browser.
    const secondBrowser = `next-auth.session-token=${await encode({ token: { ...(await claimsOf(user.cookie)), sessionId: randomUUID() }, secret: SECRET })}`;
    await authOptions().events!.signOut!({ token: await claimsOf(user.cookie), session: undefined as never });
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(401);
    expect((await call(queues.GET, { auth: { cookie: secondBrowser } })).status).toBe(200);
  });

  it("a role change through updateAccount ends every session signed in before it", async () => {
    const user = await createTestUser("ADMIN");
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(200);
    await updateAccount(user.id, { role: "PLANNER" });
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(401);
  });

  it("a password change through updateAccount ends every session signed in before it", async () => {
    const user = await createTestUser("PLANNER");
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(200);
    await updateAccount(user.id, { passwordHash: await hashPassword("a-new-password") });
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(401);
  });

  it("a rename keeps sessions", async () => {
    const user = await createTestUser("PLANNER");
    await updateAccount(user.id, { name: "Renamed" });
    const response = await call(queues.GET, { auth: { cookie: user.cookie } });
    expect(response.status).toBe(200);
  });

  it("the sign-in callbacks carry a session id and the account's session version into the cookie", async () => {
    const user = await createTestUser("PLANNER");
    const jwt = authOptions().callbacks!.jwt!;
    const token = await jwt({ token: {}, user: { id: user.id, sessionVersion: 3 } as never, account: null });
    expect(token.sessionVersion).toBe(3);
    expect(typeof token.sessionId).toBe("string");
    // Re-issued cookies keep the session's id, so signing out ends every copy of it.
    expect((await jwt({ token, user: undefined as never, account: null })).sessionId).toBe(token.sessionId);
  });
});
