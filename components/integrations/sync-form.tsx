"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { SYNC_DATA_TYPES } from "@/lib/jobs/catalog";
import { queryKeys } from "@/lib/query-keys";
import { LaunchError } from "../jobs/launch-error";
import { Button } from "../ui/button";
import { HelpText, Label, Select } from "../ui/field";
import { DATA_TYPE_LABELS, integrationsApi, type SyncDataType } from "./integration-api";
import { useIntegrations } from "./integrations-list";


/** A sync with options: which integration, which data, incremental or everything again. */
export function SyncForm({ onLaunched }: { onLaunched(jobId: string): void }) {
  const ids = { integration: useId(), force: useId() };
  const queryClient = useQueryClient();
  const integrations = useIntegrations();
  const choices = (integrations.data?.integrations ?? []).filter((integration) => integration.status !== "DISABLED");
  const [picked, setPicked] = useState("");
  const [dataTypes, setDataTypes] = useState<SyncDataType[]>([...SYNC_DATA_TYPES]);
  const [force, setForce] = useState(false);
  const integrationId = choices.some((integration) => integration.id === picked) ? picked : (choices[0]?.id ?? "");

  const launch = useMutation({
    mutationFn: () => integrationsApi.sync(integrationId, { dataTypes, force }),
    onSuccess: (launched) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.integrations.all });
      onLaunched(launched.jobId);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (integrationId && dataTypes.length > 0) launch.mutate();
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label="New sync">
      <div>
        <Label htmlFor={ids.integration}>Integration</Label>
        <Select id={ids.integration} className="mt-1.5" value={integrationId} onChange={(event) => setPicked(event.target.value)} disabled={choices.length === 0}>
          {choices.length === 0 ? <option value="">No active integration</option> : null}
          {choices.map((integration) => (
            <option key={integration.id} value={integration.id}>
              {integration.name}
            </option>
          ))}
        </Select>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Data</legend>
        <div className="mt-2 space-y-1.5 text-sm">
          {SYNC_DATA_TYPES.map((type) => (
            <label key={type} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={dataTypes.includes(type)}
                onChange={(event) => setDataTypes(event.target.checked ? SYNC_DATA_TYPES.filter((candidate) => candidate === type || dataTypes.includes(candidate)) : dataTypes.filter((candidate) => candidate !== type))}
              />
              {DATA_TYPE_LABELS[type]}
            </label>
          ))}
        </div>
        {dataTypes.length === 0 ? <HelpText tone="error">Choose at least one.</HelpText> : null}
      </fieldset>
      <div>
        <label className="flex items-center gap-2 text-sm" htmlFor={ids.force}>
          <input id={ids.force} type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} aria-describedby={`${ids.force}-help`} />
          Re-pull everything
        </label>
        <HelpText id={`${ids.force}-help`}>Otherwise only what changed since the last sync, with a small overlap so nothing on a page boundary is missed.</HelpText>
      </div>
      {launch.isError ? <LaunchError what="sync" error={launch.error} /> : null}
      <Button type="submit" loading={launch.isPending} disabled={!integrationId || dataTypes.length === 0}>
        Sync now
      </Button>
    </form>
  );
}
