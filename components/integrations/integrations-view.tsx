"use client";

import { useState } from "react";
import { RunWorkbench, rememberJob } from "../runs/run-workbench";
import { IntegrationsList } from "./integrations-list";

/**
 * The integrations and, under them, the sync runs on the shared run panel. A row's Sync now shows
 * its run there: the workbench starts again on that job, as a reload of its `?job=` link would.
 */
export function IntegrationsView({ initialJobId }: { initialJobId: string | null }) {
  const [shown, setShown] = useState({ jobId: initialJobId, launches: 0 });
  return (
    <div className="space-y-6">
      <IntegrationsList
        onSyncLaunched={(jobId) => {
          rememberJob(jobId);
          setShown((previous) => ({ jobId, launches: previous.launches + 1 }));
        }}
      />
      <RunWorkbench key={shown.launches} queue="sync" initialJobId={shown.jobId} />
    </div>
  );
}
