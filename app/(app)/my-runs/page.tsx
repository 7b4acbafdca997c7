import type { Metadata } from "next";
import { Suspense } from "react";
import { AppShell } from "@/components/app-shell";
import { PageHeader } from "@/components/page-header";
import { MyRuns } from "@/components/runs/my-runs";
import { requireUser } from "@/lib/auth/session";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "My runs" };

export default async function MyRunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Signing in brings the user back to the same filtered view.
  const query = new URLSearchParams();
  for (const key of ["queue", "state"] as const) {
    const value = params[key];
    if (typeof value === "string" && value.length > 0 && value.length <= 40) query.set(key, value);
  }
  const user = await requireUser(query.size > 0 ? `/my-runs?${query}` : "/my-runs");
  return (
    <AppShell user={user}>
      <PageHeader
        title="My runs"
        description="Every job you started, in every queue: where it stands, when it should be done, and a retry for the ones that failed."
      />
      <Suspense>
        <MyRuns />
      </Suspense>
    </AppShell>
  );
}
