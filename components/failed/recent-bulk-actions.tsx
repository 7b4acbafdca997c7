"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage } from "../api/api-client";
import { Alert } from "../ui/alert";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { BulkProgress } from "./bulk-progress";
import { isRunning, useRecentBulkActions } from "./failed-api";

/**
 * The latest bulk actions with live progress, whoever started them. When one finishes, the desk's
 * groups and job lists are re-read, so a retried group shrinks or disappears without a reload.
 */
export function RecentBulkActions({ limit = 5 }: { limit?: number }) {
  const actions = useRecentBulkActions(limit);
  const queryClient = useQueryClient();
  const running = useRef(new Set<string>());

  useEffect(() => {
    const list = actions.data ?? [];
    let finished = false;
    for (const action of list) {
      if (isRunning(action)) running.current.add(action.id);
      else if (running.current.delete(action.id)) finished = true;
    }
    if (finished || list.some(isRunning)) void queryClient.invalidateQueries({ queryKey: queryKeys.failed.all });
  }, [actions.data, queryClient]);

  if (actions.isSuccess && actions.data.length === 0) return null;
  return (
    <Card aria-labelledby="bulk-actions-title">
      <CardHeader titleId="bulk-actions-title" title="Bulk actions" description="Retries and removals run in the background, in the worker; progress is saved as they go." />
      <CardBody className="space-y-5">
        {actions.isPending ? (
          <Skeleton className="h-12 w-full" />
        ) : actions.isError ? (
          <Alert tone="warning">{errorMessage(actions.error)}</Alert>
        ) : (
          <ul className="space-y-5">
            {actions.data.map((action) => (
              <li key={action.id}>
                <BulkProgress action={action} linkToGroup />
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
