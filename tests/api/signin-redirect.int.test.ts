import { isRedirectError } from "next/dist/client/components/redirect-error";
import { beforeEach, describe, expect, it, vi } from "vitest";
import SignInPage from "@/app/signin/page";
import { currentUser } from "@/lib/auth/session";

// The page's own logic with a signed-in visitor: where does its redirect go?
vi.mock("@/lib/auth/session", () => ({ currentUser: vi.fn() }));

beforeEach(() => {
  vi.mocked(currentUser).mockResolvedValue({ id: "u1", name: "Pat", email: "pat@example.test", role: "PLANNER", organizationId: "org" });
});

/** The Location the page answers with for `?callbackUrl=<raw>` (raw as it appears in the URL). */
async function redirectFor(rawCallbackUrl: string): Promise<string> {
  const callbackUrl = new URLSearchParams(`callbackUrl=${rawCallbackUrl}`).get("callbackUrl")!;
  try {
    await SignInPage({ searchParams: Promise.resolve({ callbackUrl }) });
  } catch (error) {
    if (isRedirectError(error)) return error.digest.split(";")[2]!;
    throw error;
  }
  throw new Error("the sign-in page did not redirect a signed-in visitor");
}

describe("the sign-in page for a signed-in visitor", () => {
  it.each(["%2F%09%2Fevil.example", "%2F%0A%2Fevil.example", "%2F%0D%2Fevil.example", "%2F%5Cevil.example", "%5C%2Fevil.example", "%2F%252F%2Fevil.example", "%2F%2Fevil.example", "javascript%3Aalert(1)", "http%3A%2F%2Fevil.example"])(
    "sends callbackUrl=%s to /",
    async (raw) => {
      expect(await redirectFor(raw)).toBe("/");
    },
  );

  it("goes back to the page that asked", async () => {
    expect(await redirectFor("%2Fmy-runs%3Fqueue%3Dforecast%26state%3Dfailed")).toBe("/my-runs?queue=forecast&state=failed");
  });
});
