"use client";

import { useState } from "react";
import type { QueueKey } from "../api/types";
import { Card, CardHeader } from "../ui/card";
import { BatchLauncher } from "./batch-launcher";
import { BatchProgress } from "./batch-progress";

/** Keeps the viewed batch in the URL (?batch=) so a reload or a shared link shows the same batch. */
function rememberBatch(batchId: string) {
  const url = new URL(window.location.href);
  url.searchParams.set("batch", batchId);
  window.history.replaceState(window.history.state, "", url);
}

/** A queue's batch launcher and the progress of the batch launched (or named in the URL). */
export function BatchWorkbench({
  queue,
  data,
  title,
  description,
  noun,
  initialBatchId,
}: {
  queue: QueueKey;
  data?: Record<string, unknown>;
  title: string;
  description: string;
  noun: string;
  initialBatchId: string | null;
}) {
  const [batchId, setBatchId] = useState(initialBatchId);
  return (
    <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
      <Card aria-labelledby="batch-launch-title">
        <CardHeader titleId="batch-launch-title" title={title} description={description} />
        <div className="px-5 py-5">
          <BatchLauncher
            queue={queue}
            data={data}
            noun={noun}
            onLaunched={(batch) => {
              setBatchId(batch.batchId);
              rememberBatch(batch.batchId);
            }}
          />
        </div>
      </Card>
      <div className="min-w-0 lg:col-span-2">{batchId ? <BatchProgress key={batchId} batchId={batchId} title={`Batch of ${noun}s`} /> : null}</div>
    </div>
  );
}
