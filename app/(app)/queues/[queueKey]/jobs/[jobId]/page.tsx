import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JobView } from "@/components/jobs/job-view";
import { PageHeader } from "@/components/page-header";
import { db } from "@/lib/db";
import { isQueueKey, queueDefinition } from "@/lib/jobs/catalog";
import { findJob } from "@/lib/jobs/find-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { signedInUser } from "@/app/(app)/signed-in";

type Props = { params: Promise<{ queueKey: string; jobId: string }> };

/** Path segments may arrive still encoded; a malformed escape is kept as sent (it then finds no job). */
function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { jobId } = await params;
  return { title: `Job ${decodeSegment(jobId).slice(0, 8)}` };
}

/** One job, for its owner or an admin; anyone else gets the same 404 as for a job that does not exist. */
export default async function JobPage({ params }: Props) {
  const { queueKey, jobId: rawJobId } = await params;
  const jobId = decodeSegment(rawJobId);
  // The layout checks the session too, but this page reads the job on the server: it needs the user.
  const user = await signedInUser();
  if (!isQueueKey(queueKey) || jobId.length === 0 || jobId.length > 200) notFound();
  // Only who may see the job is settled here (a 404 for anyone else); the details load in the
  // browser, from the same endpoint that keeps them live.
  if (!(await findJob(queueKey, jobId, { ...user, via: "session" }, { db: db(), queues: queueManager() }))) notFound();
  const isAdmin = user.role === "ADMIN";
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        {isAdmin ? (
          <>
            <Link href="/queues" className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
              Queues
            </Link>
            <span aria-hidden className="mx-1.5 text-slate-400">
              /
            </span>
            <Link href={`/queues/${queueKey}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
              {queueDefinition(queueKey).label}
            </Link>
          </>
        ) : (
          <Link href="/my-runs" className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
            My runs
          </Link>
        )}
        <span aria-hidden className="mx-1.5 text-slate-400">
          /
        </span>
        <span className="font-mono text-slate-600 dark:text-slate-400">{jobId.length > 13 ? `${jobId.slice(0, 8)}…` : jobId}</span>
      </nav>
      <PageHeader title="Job" description={`${queueDefinition(queueKey).label} job: its data, every attempt and what happened to it.`} />
      <JobView queueKey={queueKey} jobId={jobId} viewer={{ id: user.id, role: user.role }} />
    </>
  );
}
