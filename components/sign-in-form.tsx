"use client";

import { signIn } from "next-auth/react";
import { useEffect, useState, type FormEvent } from "react";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { Label, TextInput } from "./ui/field";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { signInRetryAfter } from "@/lib/auth/sign-in-errors";
import type { DemoAccount } from "@/lib/demo/demo-users";

const ROLE_LABEL = { ADMIN: "Admin", PLANNER: "Planner" } as const;

function isCsrfRejection(url: string | null | undefined): boolean {
  return Boolean(url && /[?&]csrf=true\b/.test(url));
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** @param demoAccounts - seeded demo sign-ins that exist in this database; none hides the hint. */
export function SignInForm({ callbackUrl, demoAccounts }: { callbackUrl: string; demoAccounts: readonly DemoAccount[] }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until React has hydrated, a click would submit the plain HTML form; keep the button disabled
  // so credentials never travel as a native form submission.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const attempt = () => signIn("credentials", { email, password, redirect: false, callbackUrl });
      let result = await attempt();
      // next-auth answers a CSRF token that no longer matches its cookie (another tab, or a first
      // visit whose parallel session requests each set a cookie) with "csrf=true" and no error.
      // By now the cookie is settled, so one more try with a fresh token goes through.
      if (isCsrfRejection(result?.url)) result = await attempt();
      if (isCsrfRejection(result?.url)) {
        setError("Your sign-in form expired. Please try again.");
        setPending(false);
        return;
      }
      const retryAfter = signInRetryAfter(result?.error);
      if (retryAfter !== null) {
        setError(`Too many sign-in attempts. Try again in ${formatWait(retryAfter)}.`);
        setPending(false);
        return;
      }
      if (!result || result.error) {
        setError(
          !result || result.error === "CredentialsSignin"
            ? "Incorrect email or password."
            : "Sign-in is unavailable right now. Try again in a moment.",
        );
        setPending(false);
        return;
      }
      // A full navigation: the next page renders on the server with the new session cookie, and
      // nothing cached for a previous user survives in the client. The button stays busy meanwhile.
      // The page passes a checked path already; checking again keeps the form safe wherever it is used.
      window.location.assign(safeCallbackUrl(callbackUrl));
    } catch {
      setError("Cannot reach the server. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <div className="space-y-4">
      <Card className="p-6">
        <form onSubmit={onSubmit} method="post" className="space-y-4" aria-describedby={error ? "signin-error" : undefined}>
          {error ? (
            <div id="signin-error">
              <Alert tone="error">{error}</Alert>
            </div>
          ) : null}
          <div>
            <Label htmlFor="email">Email</Label>
            <TextInput
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              required
              className="mt-1.5"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div>
            <Label htmlFor="password">Password</Label>
            <TextInput
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              className="mt-1.5"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <Button type="submit" className="w-full" loading={pending} disabled={!hydrated}>
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </Card>
      {demoAccounts.length > 0 ? (
        <section aria-labelledby="demo-accounts" className="rounded-lg border border-dashed border-slate-300 px-4 py-3 text-sm dark:border-slate-700">
          <h2 id="demo-accounts" className="font-medium text-slate-900 dark:text-slate-100">
            Demo accounts
          </h2>
          <ul className="mt-2 space-y-3">
            {demoAccounts.map((account) => (
              <li key={account.email} className="flex items-center justify-between gap-3">
                <dl className="min-w-0 text-slate-600 dark:text-slate-400">
                  <dt className="font-medium text-slate-800 dark:text-slate-200">
                    {ROLE_LABEL[account.role]} <span className="font-normal text-slate-500 dark:text-slate-400">· {account.organization}</span>
                  </dt>
                  <dd className="font-mono text-xs">
                    <span className="sr-only">Email </span>
                    {account.email}
                  </dd>
                  <dd className="font-mono text-xs">
                    <span className="sr-only">Password </span>
                    {account.password}
                  </dd>
                </dl>
                <Button
                  variant="secondary"
                  size="sm"
                  aria-label={`Fill in the ${ROLE_LABEL[account.role].toLowerCase()} demo account of ${account.organization}`}
                  onClick={() => {
                    setEmail(account.email);
                    setPassword(account.password);
                    setError(null);
                  }}
                >
                  Use
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
