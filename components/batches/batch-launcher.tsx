"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import type { BatchScope } from "@/lib/jobs/batch-contract";
import { errorMessage, postJson } from "../api/api-client";
import type { QueueKey } from "../api/types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ProductScopePicker, scopeOfChoice, type ScopeChoice, type ScopeKind } from "./product-scope-picker";

export interface BatchLaunched {
  batchId: string;
  queue: QueueKey;
  children: number;
}

const BATCH_SCOPES: readonly ScopeKind[] = ["product", "category", "all"];

/**
 * Launches a queue's run for many products at once (POST /api/v1/queues/:queue/batches): one
 * product, a category, or every product of the organisation. `data` is the job data the children
 * share (the page's own fields, e.g. a forecast's horizon); `noun` names the run in the button.
 */
export function BatchLauncher({
  queue,
  data = {},
  noun,
  onLaunched,
}: {
  queue: QueueKey;
  data?: Record<string, unknown>;
  noun: string;
  onLaunched(batch: BatchLaunched): void;
}) {
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<ScopeChoice>({ kind: "category", product: null, category: "" });
  const [missing, setMissing] = useState<string | null>(null);

  const launch = useMutation({
    mutationFn: (scope: BatchScope) => postJson<BatchLaunched>(`/api/v1/queues/${queue}/batches`, { scope, data }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
      onLaunched(result);
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen = scopeOfChoice(choice);
    if ("missing" in chosen) return setMissing(chosen.missing);
    setMissing(null);
    launch.mutate(chosen.scope!);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label={`Batch of ${noun}s`}>
      <ProductScopePicker kinds={BATCH_SCOPES} choice={choice} onChange={setChoice} missing={missing} />
      {launch.isError ? (
        <Alert tone="error" title="The batch was not launched">
          {errorMessage(launch.error)}
        </Alert>
      ) : null}
      <Button type="submit" loading={launch.isPending}>
        {choice.kind === "all" ? `Run ${noun} for every product` : choice.kind === "category" ? `Run ${noun} for the category` : `Run ${noun}`}
      </Button>
    </form>
  );
}
