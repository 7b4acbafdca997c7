import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";
import { seededDemoAccounts } from "@/lib/demo/demo-users";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  return (
    <main id="main" className="flex flex-1 items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <svg viewBox="0 0 32 32" className="size-11" aria-hidden>
            <rect width="32" height="32" rx="8" className="fill-indigo-600 dark:fill-indigo-500" />
            <path d="M8 21l5-6 4 3 7-8" fill="none" stroke="white" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <h1 className="mt-4 text-2xl font-semibold tracking-tight text-slate-900 dark:text-white">Sign in to CapLiquify</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Demand forecasts and planning jobs</p>
        </div>
        <SignInForm callbackUrl={callbackUrl} demoAccounts={await seededDemoAccounts()} />
      </div>
    </main>
  );
}
