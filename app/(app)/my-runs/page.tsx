import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { MyRuns } from "@/components/runs/my-runs";

export const metadata: Metadata = { title: "My runs" };

export default function MyRunsPage() {
  return (
    <>
      <PageHeader
        title="My runs"
        description="Every job you started, in every queue: where it stands, when it should be done, and a retry for the ones that failed."
      />
      <Suspense>
        <MyRuns />
      </Suspense>
    </>
  );
}
