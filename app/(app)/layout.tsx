import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { signedInUser } from "./signed-in";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

/**
 * Every signed-in page: the shell (header, navigation, live events) and the check that someone is
 * signed in. A layout is not rendered again on client-side navigation, which is fine for this
 * check: the pages hold no data of their own (their components read the API, which checks every
 * request), and the browser is sent to sign in when the API answers 401 (components/providers.tsx).
 * Pages that read data on the server check for themselves (the job page).
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await signedInUser();
  return <AppShell user={user}>{children}</AppShell>;
}
