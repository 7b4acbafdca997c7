"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage } from "../api/api-client";
import { formatDateTime, formatRelative } from "../format";
import { useJobEvents } from "../job-events-provider";
import { ConfirmDialog } from "../jobs/confirm-dialog";
import { useOrganizations } from "../organizations/use-organizations";
import { QueryError } from "../query-error";
import { Badge, type BadgeTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { integrationsApi, KIND_LABELS, type ConnectionTest, type IntegrationStatus, type IntegrationView } from "./integration-api";
import { IntegrationDialog } from "./integration-dialog";
import { WebhookDialog } from "./webhook-dialog";

const STATUS: Record<IntegrationStatus, { label: string; tone: BadgeTone }> = {
  ACTIVE: { label: "Active", tone: "success" },
  NEEDS_ATTENTION: { label: "Needs attention", tone: "warning" },
  DISABLED: { label: "Disabled", tone: "neutral" },
};

const muted = "text-xs text-slate-600 dark:text-slate-400";

/** Reads the integrations; shared by the list and the sync form, so both show the same state. */
export function useIntegrations() {
  return useQuery({
    queryKey: queryKeys.integrations.all,
    queryFn: ({ signal }) => integrationsApi.list({ signal }),
    // Next sync times pass and scheduled syncs run without anyone here.
    refetchInterval: 30_000,
  });
}

function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

/**
 * How the last sync went. A sync stamps lastSyncAt when it starts and lastSuccessAt when it
 * succeeds, and records lastError when it fails, so a start without either is still running.
 */
function SyncOutcome({ integration }: { integration: IntegrationView }) {
  const { lastSyncAt, lastSuccessAt, lastError } = integration;
  if (lastSyncAt && lastSuccessAt && lastSuccessAt >= lastSyncAt) return <>Succeeded</>;
  if (!lastError) return <>In progress</>;
  return lastSuccessAt ? (
    <>
      Failed; last success <When iso={lastSuccessAt} />
    </>
  ) : (
    <>Failed; never succeeded</>
  );
}

/**
 * The organisation's integrations: status, last and next sync, the last error, and per row Sync
 * now, Check connection, the webhook details, edit, disable/enable and delete.
 */
export function IntegrationsList({ onSyncLaunched }: { onSyncLaunched(jobId: string): void }) {
  const queryClient = useQueryClient();
  const integrations = useIntegrations();
  const organizations = useOrganizations();
  const organizationNames = new Map(organizations.data?.organizations.map((organization) => [organization.id, organization.name]));
  const [editing, setEditing] = useState<IntegrationView | "new" | null>(null);
  const [deleting, setDeleting] = useState<IntegrationView | null>(null);
  const [webhooks, setWebhooks] = useState<IntegrationView | null>(null);
  const [checks, setChecks] = useState<Record<string, ConnectionTest>>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.integrations.all });

  // A sync that ends (here, on a schedule or from a webhook) moves the last sync, the status and the error.
  useJobEvents((event) => {
    if (event.type === "sync" && event.event !== "job:progress") void refresh();
  });

  const sync = useMutation({
    mutationFn: (integration: IntegrationView) => integrationsApi.sync(integration.id),
    onSuccess: (launched) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      onSyncLaunched(launched.jobId);
    },
    onSettled: refresh,
  });
  const check = useMutation({
    mutationFn: (integration: IntegrationView) => integrationsApi.test(integration.id),
    onSuccess: (result, integration) => setChecks((previous) => ({ ...previous, [integration.id]: result })),
    onError: (error, integration) => setChecks((previous) => ({ ...previous, [integration.id]: { ok: false, message: errorMessage(error), status: integration.status } })),
    // A refused token marks the integration as needing attention.
    onSettled: refresh,
  });
  const toggle = useMutation({
    mutationFn: (integration: IntegrationView) => integrationsApi.update(integration.id, { status: integration.status === "DISABLED" ? "ACTIVE" : "DISABLED" }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (integration: IntegrationView) => integrationsApi.remove(integration.id),
    onSuccess: () => setDeleting(null),
    onSettled: refresh,
  });
  const actionError = [sync, toggle].find((mutation) => mutation.isError);

  return (
    <Card aria-labelledby="integrations-title">
      <CardHeader
        titleId="integrations-title"
        title="Connected systems"
        description="Shops and accounting systems orders and stock come from, for every organisation."
        actions={
          <Button onClick={() => setEditing("new")} data-testid="add-integration">
            Add integration
          </Button>
        }
      />
      {integrations.error ? (
        <div className="p-5">
          <QueryError title="Could not load the integrations" query={integrations} />
        </div>
      ) : null}
      {actionError ? <p className="px-5 pt-3 text-sm text-red-700 dark:text-red-400" role="alert">{errorMessage(actionError.error)}</p> : null}
      {integrations.isPending ? (
        <div className="space-y-2 p-5" aria-busy aria-label="Loading integrations">
          <Skeleton className="h-12 w-full" />
          <Skeleton className="h-12 w-full" />
        </div>
      ) : integrations.data && integrations.data.integrations.length === 0 ? (
        <div className="p-5">
          <EmptyState title="No integrations yet">Add your Shopify shop: its orders become daily sales for your forecasts, its inventory levels your stock on hand.</EmptyState>
        </div>
      ) : integrations.data ? (
        <Table caption="Integrations">
          <THead>
            <Th>Integration</Th>
            <Th>Status</Th>
            <Th>Last sync</Th>
            <Th>Next sync</Th>
            <Th>Last error</Th>
            <Th align="right">Actions</Th>
          </THead>
          <TBody>
            {integrations.data.integrations.map((integration) => {
              const checked = checks[integration.id];
              const disabled = integration.status === "DISABLED";
              return (
                <Tr key={integration.id} data-testid="integration-row" data-integration-id={integration.id}>
                  <Td className="min-w-60">
                    <div className="font-medium text-slate-900 dark:text-white">{integration.name}</div>
                    <div className={muted}>
                      {KIND_LABELS[integration.kind].label} · {organizationNames.get(integration.organizationId) ?? integration.organizationId}
                    </div>
                    <div className={`${muted} font-mono break-all`}>{integration.baseUrl}
                    </div>
                  </Td>
                  <Td data-testid="integration-status">
                    <Badge tone={STATUS[integration.status].tone}>{STATUS[integration.status].label}</Badge>
                    {!integration.hasCredentials ? <div className={`${muted} mt-1`}>No token stored</div> : null}
                  </Td>
                  <Td data-testid="last-sync" className="whitespace-nowrap">
                    {integration.lastSyncAt ? (
                      <>
                        <When iso={integration.lastSyncAt} />
                        <div className={muted}>
                          <SyncOutcome integration={integration} />
                        </div>
                      </>
                    ) : (
                      <span className="text-slate-500">Never synced</span>
                    )}
                  </Td>
                  <Td data-testid="next-sync" className="whitespace-nowrap">
                    {disabled ? (
                      <span className="text-slate-500">Paused while disabled</span>
                    ) : integration.nextSyncAt ? (
                      <>
                        <When iso={integration.nextSyncAt} />
                        <div className={muted}>Every {integration.settings.syncIntervalMinutes} min</div>
                      </>
                    ) : (
                      <span className="text-slate-500">Manual and webhooks only</span>
                    )}
                  </Td>
                  <Td data-testid="last-error" className="max-w-xs">
                    {integration.lastError ? <span className="line-clamp-3 text-red-700 dark:text-red-400" title={integration.lastError}>{integration.lastError}</span> : <span className="text-slate-500">—</span>}
                  </Td>
                  <Td align="right">
                    <div className="flex flex-wrap justify-end gap-2">
                      <Button size="sm" disabled={disabled} loading={sync.isPending && sync.variables?.id === integration.id} onClick={() => sync.mutate(integration)}>
                        Sync now
                      </Button>
                      <Button size="sm" variant="secondary" loading={check.isPending && check.variables?.id === integration.id} onClick={() => check.mutate(integration)}>
                        Check connection
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setWebhooks(integration)}>
                        Webhooks
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setEditing(integration)}>
                        Edit
                      </Button>
                      <Button size="sm" variant="secondary" loading={toggle.isPending && toggle.variables?.id === integration.id} onClick={() => toggle.mutate(integration)}>
                        {disabled ? "Enable" : "Disable"}
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => setDeleting(integration)}>
                        Delete
                      </Button>
                    </div>
                    {checked ? (
                      <p className={`mt-1.5 text-xs ${checked.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`} role="status" data-testid="connection-check">
                        {checked.ok ? `Connected to ${checked.accountName}` : `Not connected: ${checked.message}`}
                      </p>
                    ) : null}
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      ) : null}
      <IntegrationDialog
        open={editing !== null}
        integration={editing === "new" ? undefined : (editing ?? undefined)}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void refresh();
        }}
      />
      <WebhookDialog integration={webhooks} onClose={() => setWebhooks(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete "${deleting?.name ?? ""}"?`}
        confirmLabel="Delete integration"
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        Its credentials, cursors and schedule are removed and its webhooks are refused. The sales and stock it already brought in stay.
        {remove.isError ? <span className="mt-2 block font-medium text-red-700 dark:text-red-400">{errorMessage(remove.error)}</span> : null}
      </ConfirmDialog>
    </Card>
  );
}
