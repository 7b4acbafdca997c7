import type { Metadata } from "next";
import { FailureDesk } from "@/components/failed/failure-desk";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Failed jobs" };

export default function FailedJobsPage() {
  return (
    <>
      <PageHeader
        title="Failed jobs"
        description="Jobs that failed for good, grouped by queue, job name and error. Open a group to retry or remove its jobs, a few or all of them; bulk actions run in the background."
      />
      <FailureDesk />
    </>
  );
}
