import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { QueueJobs } from "@/components/jobs/queue-jobs";
import { PageHeader } from "@/components/page-header";
import { QueueCharts } from "@/components/queues/queue-charts";
import { QueueControls } from "@/components/queues/queue-controls";
import { isQueueKey, queueDefinition } from "@/lib/jobs/catalog";

type Props = { params: Promise<{ queueKey: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { queueKey } = await params;
  return { title: isQueueKey(queueKey) ? `${queueDefinition(queueKey).label} queue` : "Queue" };
}

export default async function QueuePage({ params }: Props) {
  const { queueKey } = await params;
  if (!isQueueKey(queueKey)) notFound();
  const definition = queueDefinition(queueKey);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/queues" className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
          Queues
        </Link>
        <span aria-hidden className="mx-1.5 text-slate-400">
          /
        </span>
        <span className="font-mono text-slate-600 dark:text-slate-400">{definition.name}</span>
      </nav>
      <PageHeader title={definition.label} description={definition.description} />
      <div className="space-y-6">
        <QueueControls queueKey={queueKey} />
        <Suspense>
          <QueueJobs queueKey={queueKey} />
        </Suspense>
        <QueueCharts queueKey={queueKey} />
      </div>
    </>
  );
}
