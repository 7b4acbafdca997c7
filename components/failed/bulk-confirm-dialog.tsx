"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage } from "../api/api-client";
import { formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogBody, DialogFooter } from "../ui/dialog";
import { Skeleton } from "../ui/skeleton";
import { bulkApi, type BulkAction, type BulkActionKind, type BulkTarget } from "./failed-api";

export interface BulkRequest {
  action: BulkActionKind;
  target: BulkTarget;
  /** What the admin clicked, e.g. "Retry all 2,000" — the dialog's title. */
  title: string;
}

/**
 * Confirms a bulk action with the count from the preview (asked when the dialog opens, so it is
 * the number the worker will see, not the one on a page loaded minutes ago), then starts it.
 */
export function BulkConfirmDialog({ request, onClose, onStarted }: { request: BulkRequest | null; onClose: () => void; onStarted: (action: BulkAction) => void }) {
  const queryClient = useQueryClient();
  const preview = useQuery({
    queryKey: ["bulk-actions", "preview", request?.action, request?.target],
    queryFn: () => bulkApi.preview(request!.action, request!.target),
    enabled: request !== null,
    gcTime: 0,
    staleTime: 0,
  });
  const start = useMutation({
    mutationFn: () => bulkApi.start(request!.action, request!.target),
    onSuccess: ({ bulkAction }) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.bulkActions.all });
      onStarted(bulkAction);
      onClose();
    },
  });
  const verb = request?.action === "remove" ? "remove" : "retry";
  const data = preview.data;
  // A removal also takes failures Redis no longer holds off the desk; a retry can only act on the rest.
  const count = data ? (request?.action === "remove" ? data.total : data.inQueue) : 0;

  return (
    <Dialog
      open={request !== null}
      onClose={() => {
        start.reset();
        onClose();
      }}
      title={request?.title ?? ""}
      testId="bulk-confirm"
      description={
        request?.action === "remove"
          ? "Removed jobs leave their queue for good; the ledger keeps them as history."
          : "Retried jobs go back to their queue with a full set of attempts."
      }
    >
      <DialogBody>
        {preview.isPending ? (
          <div aria-live="polite" className="space-y-2">
            <span className="sr-only">Counting the jobs…</span>
            <Skeleton className="h-5 w-3/4" />
            <Skeleton className="h-4 w-1/2" />
          </div>
        ) : preview.isError ? (
          <Alert tone="error" title="Could not count the jobs">
            {errorMessage(preview.error)}
          </Alert>
        ) : data ? (
          <div aria-live="polite" data-testid="bulk-preview">
            <p className="text-sm text-slate-900 dark:text-slate-100">
              This will {verb} <strong data-testid="bulk-preview-count">{formatInteger(count)}</strong> {count === 1 ? "job" : "jobs"}
              {data.queues.length === 1 ? ` in the ${data.queues[0]!.queue} queue` : data.queues.length > 1 ? ` in ${data.queues.length} queues` : ""}.
            </p>
            {data.notInQueue > 0 ? (
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {formatInteger(data.notInQueue)} of the {formatInteger(data.total)} failures are no longer held by Redis (past retention or cleaned) and
                {request?.action === "remove" ? " will only be taken off this desk." : " cannot be retried; they stay in the history."}
              </p>
            ) : null}
            {count === 0 ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Nothing left to {verb}: these jobs were retried, removed or dropped by Redis meanwhile.</p> : null}
          </div>
        ) : null}
        {start.isError ? (
          <Alert tone="error" title={`Could not start the ${verb}`}>
            {errorMessage(start.error)}
          </Alert>
        ) : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant={request?.action === "remove" ? "danger" : "primary"}
          loading={start.isPending}
          disabled={!data || count === 0}
          onClick={() => start.mutate()}
          data-testid="bulk-confirm-button"
        >
          {`${verb === "remove" ? "Remove" : "Retry"}${data ? ` ${formatInteger(count)} ${count === 1 ? "job" : "jobs"}` : ""}`}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
