import type { Metadata } from "next";
import { Suspense } from "react";
import { JobSearch } from "@/components/jobs/job-search";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return (
    <>
      <PageHeader title="Jobs" description="Search every queue's jobs by product, owner, job name, state and date, including jobs the queues no longer hold." />
      <Suspense>
        <JobSearch />
      </Suspense>
    </>
  );
}
