import type { Metadata } from "next";
import { Suspense } from "react";
import { AppShell } from "@/components/app-shell";
import { JobSearch } from "@/components/jobs/job-search";
import { PageHeader } from "@/components/page-header";
import { requireAdmin } from "@/lib/auth/session";

// Per-user pages: never prerendered at build time (that would also need the auth secret then).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) if (typeof value === "string") query.set(key, value);
  const user = await requireAdmin(`/jobs${query.size > 0 ? `?${query}` : ""}`);
  return (
    <AppShell user={user}>
      <PageHeader title="Jobs" description="Search every queue's jobs by product, owner, job name, state and date, including jobs the queues no longer hold." />
      <Suspense>
        <JobSearch />
      </Suspense>
    </AppShell>
  );
}
