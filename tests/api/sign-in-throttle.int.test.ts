import { randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { signInRetryAfter } from "@/lib/auth/sign-in-errors";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-throttle";
import { env } from "@/lib/env";
import { createTestUser } from "../helpers/fixtures";

type Authorize = (credentials: Record<string, string>, request: { headers: Record<string, string> }) => Promise<unknown>;

/** authorize exactly as next-auth's credentials callback calls it for the sign-in form. */
function authorize(email: string, password: string, headers: Record<string, string> = {}) {
  const provider = authOptions().providers[0] as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize({ email, password, csrfToken: "x", callbackUrl: "/", json: "true" }, { headers });
}

/** The error next-auth would hand the sign-in form, or "ok" / "wrong" for a user / null. */
async function outcome(email: string, password: string, headers?: Record<string, string>): Promise<string> {
  try {
    return (await authorize(email, password, headers)) ? "ok" : "wrong";
  } catch (error) {
    return (error as Error).message;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  (env() as { TRUST_PROXY: boolean }).TRUST_PROXY = false;
});

describe("sign-in is throttled per account", () => {
  it("after 5 wrong passwords even the right one is refused, with the seconds to wait", async () => {
    const user = await createTestUser("PLANNER");
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) expect(await outcome(user.email, "wrong-password")).toBe("wrong");
    const error = await outcome(user.email, "password-123");
    const retryAfter = signInRetryAfter(error);
    expect(retryAfter).toBeGreaterThan(SIGN_IN_LIMITS.account.windowSeconds - 60);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.account.windowSeconds);
  });

  it("parallel guesses cannot all slip in before the first failure is counted", async () => {
    const user = await createTestUser("PLANNER");
    const results = await Promise.all(Array.from({ length: 15 }, () => outcome(user.email, "wrong-password")));
    expect(results.filter((result) => result === "wrong")).toHaveLength(SIGN_IN_LIMITS.account.max);
    expect(signInRetryAfter(await outcome(user.email, "password-123"))).not.toBeNull();
  });

  it("a right password resets the account's count", async () => {
    const user = await createTestUser("PLANNER");
    for (let i = 0; i < SIGN_IN_LIMITS.account.max - 1; i++) await outcome(user.email, "wrong-password");
    expect(await outcome(user.email, "password-123")).toBe("ok");
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) expect(await outcome(user.email, "wrong-password")).toBe("wrong");
  });

  it("unknown emails are counted like known ones, so the throttle does not tell them apart", async () => {
    const email = `nobody-${randomUUID()}@test.local`;
    for (let i = 0; i < SIGN_IN_LIMITS.account.max; i++) expect(await outcome(email, "wrong-password")).toBe("wrong");
    expect(signInRetryAfter(await outcome(email, "wrong-password"))).not.toBeNull();
  });
});

describe("sign-in is throttled per client address behind a trusted proxy", () => {
  it("20 failures from one address over many accounts block it; another address still signs in", async () => {
    (env() as { TRUST_PROXY: boolean }).TRUST_PROXY = true;
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    // The client may send its own X-Forwarded-For; the proxy appends what it saw, and that is what counts.
    const headers = { "x-forwarded-for": `203.0.113.9, ${address}` };
    for (let i = 0; i < SIGN_IN_LIMITS.address.max; i++) await outcome(`guess-${randomUUID()}@test.local`, "wrong-password", headers);
    const user = await createTestUser("PLANNER");
    expect(signInRetryAfter(await outcome(user.email, "password-123", headers))).not.toBeNull();
    expect(await outcome(user.email, "password-123", { "x-forwarded-for": `203.0.113.9, 192.0.2.1` })).toBe("ok");
  });

  it("without TRUST_PROXY a forged X-Forwarded-For neither blocks nor escapes anyone", async () => {
    const headers = { "x-forwarded-for": "192.0.2.77" };
    for (let i = 0; i < SIGN_IN_LIMITS.address.max + 1; i++) await outcome(`guess-${randomUUID()}@test.local`, "wrong-password", headers);
    const user = await createTestUser("PLANNER");
    expect(await outcome(user.email, "password-123", headers)).toBe("ok");
  });
});

describe("an unknown email costs the same bcrypt check as a known one", () => {
  it("both run one bcrypt comparison of the same cost", async () => {
    const user = await createTestUser("PLANNER");
    const compare = vi.spyOn(bcrypt, "compare");
    expect(await outcome(`nobody-${randomUUID()}@test.local`, "wrong-password")).toBe("wrong");
    expect(await outcome(user.email, "wrong-password")).toBe("wrong");
    expect(compare).toHaveBeenCalledTimes(2);
    const [unknownHash, knownHash] = compare.mock.calls.map((args) => args[1] as string);
    expect(bcrypt.getRounds(unknownHash!)).toBe(bcrypt.getRounds(knownHash!));
  });
});
