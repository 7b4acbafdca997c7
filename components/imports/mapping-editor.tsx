"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { LaunchError } from "../jobs/launch-error";
import { QueryError } from "../query-error";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { HelpText, Label, Select } from "../ui/field";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { importApi, type ColumnMapping, type ImportEntity, type ImportEntityType, type ImportMode, type SuggestedMapping, type UploadPreview, type UploadView } from "./import-api";
import { useUploadPreview } from "./upload-preview";
import { importJobName, IMPORT_MODE_LABELS } from "./import-options";
import { mappingProblems, mappingToSend, NOT_IMPORTED } from "./mapping-problems";

/** Pick the data the file holds; its columns are then matched to that data's fields. */
export function ImportSetup({ upload, sheet, onLaunched }: { upload: UploadView; sheet: string | null; onLaunched(jobId: string): void }) {
  const entityId = useId();
  const entities = useQuery({ queryKey: queryKeys.imports.entities(), queryFn: ({ signal }) => importApi.entities({ signal }), staleTime: Infinity });
  const [entityType, setEntityType] = useState<ImportEntityType | null>(null);

  if (entities.isError) return <QueryError title="Could not load what can be imported" query={entities} />;
  if (!entities.data) return <Skeleton className="h-40" />;
  const entity = entities.data.entities.find((candidate) => candidate.entityType === entityType) ?? null;

  return (
    <div className="space-y-5">
      <div className="max-w-sm">
        <Label htmlFor={entityId}>The file holds</Label>
        <Select id={entityId} className="mt-1.5" value={entityType ?? ""} onChange={(event) => setEntityType((event.target.value || null) as ImportEntityType | null)}>
          <option value="">Choose…</option>
          {entities.data.entities.map((candidate) => (
            <option key={candidate.entityType} value={candidate.entityType}>
              {candidate.label}
            </option>
          ))}
        </Select>
        {entity ? <HelpText>Rows are matched to existing ones by {entity.naturalKey.join(" + ")}: importing the same file twice changes nothing.</HelpText> : null}
      </div>
      {entity ? <SuggestedMappingEditor key={`${upload.uploadId}:${entity.entityType}:${sheet ?? ""}`} upload={upload} sheet={sheet} entity={entity} onLaunched={onLaunched} /> : null}
    </div>
  );
}

/** Reads the server's suggestion (the mapping saved last time, or headers matched to fields), then lets the planner change it. */
function SuggestedMappingEditor({ upload, sheet, entity, onLaunched }: { upload: UploadView; sheet: string | null; entity: ImportEntity; onLaunched(jobId: string): void }) {
  const suggestion = useQuery({
    queryKey: queryKeys.imports.mapping(upload.uploadId, entity.entityType, sheet),
    queryFn: () => importApi.suggestMapping({ uploadId: upload.uploadId, entityType: entity.entityType, ...(sheet ? { sheet } : {}) }),
    staleTime: Infinity,
  });
  // The sheet's own columns (a workbook's sheets differ), with a first value to recognise each by.
  const preview = useUploadPreview(upload.uploadId, sheet);
  if (suggestion.isError) return <QueryError title="Could not match the file's columns" query={suggestion} />;
  if (preview.isError) return <QueryError title="Could not read the file's columns" query={preview} />;
  if (!suggestion.data || !preview.data) return <Skeleton className="h-48" />;
  return <MappingForm upload={upload} sheet={sheet} entity={entity} preview={preview.data} suggestion={suggestion.data} onLaunched={onLaunched} />;
}

function MappingForm({
  upload,
  sheet,
  entity,
  preview,
  suggestion,
  onLaunched,
}: {
  upload: UploadView;
  sheet: string | null;
  entity: ImportEntity;
  preview: UploadPreview;
  suggestion: SuggestedMapping;
  onLaunched(jobId: string): void;
}) {
  const modeId = useId();
  const queryClient = useQueryClient();
  const columns = preview.headers;
  const example = preview.rows[0]?.values ?? {};
  const [mapping, setMapping] = useState<ColumnMapping>(() => Object.fromEntries(columns.map((column) => [column, suggestion.mapping[column] ?? NOT_IMPORTED])));
  const [mode, setMode] = useState<ImportMode>("all-or-nothing");
  const { missing, doubled } = mappingProblems(entity, mapping);
  const blocked = missing.length > 0 || doubled.length > 0;
  const fieldLabel = new Map(entity.fields.map((field) => [field.field, field.label]));

  const launch = useMutation({
    mutationFn: (dryRun: boolean) =>
      importApi.launch(importJobName(upload.name), {
        uploadId: upload.uploadId,
        entityType: entity.entityType,
        mapping: mappingToSend(mapping),
        mode,
        dryRun,
        ...(sheet ? { sheet } : {}),
      }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.imports.history() });
      onLaunched(result.jobId);
    },
  });

  return (
    <form
      aria-label="Column mapping"
      noValidate
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        launch.mutate(false);
      }}
    >
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {suggestion.source === "saved" ? "The mapping you used last time for this data, where the columns match." : "Columns were matched to fields by their names."} Change any that are wrong; a column
        set to “Not imported” is left out.
      </p>
      <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-800">
        <Table caption="File column to field">
          <THead>
            <Th>File column</Th>
            <Th>First value</Th>
            <Th>Field</Th>
          </THead>
          <TBody>
            {columns.map((column) => {
              const field = mapping[column] ?? NOT_IMPORTED;
              const isDoubled = field !== NOT_IMPORTED && doubled.includes(fieldLabel.get(field) ?? field);
              return (
                <Tr key={column}>
                  <Td rowHeader className="font-mono text-xs font-medium text-slate-900 dark:text-slate-100">
                    {column}
                  </Td>
                  <Td className="max-w-48 truncate font-mono text-xs">{example[column] ?? ""}</Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      <Select
                        aria-label={`Field for column ${column}`}
                        className="max-w-64"
                        value={field}
                        aria-invalid={isDoubled || undefined}
                        onChange={(event) => setMapping((current) => ({ ...current, [column]: event.target.value }))}
                      >
                        <option value={NOT_IMPORTED}>Not imported</option>
                        {entity.fields.map((candidate) => (
                          <option key={candidate.field} value={candidate.field}>
                            {candidate.label}
                            {candidate.required ? " (required)" : ""}
                          </option>
                        ))}
                      </Select>
                      {isDoubled ? <Badge tone="danger">Used twice</Badge> : field === NOT_IMPORTED ? <Badge tone="neutral">Ignored</Badge> : null}
                    </div>
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      </div>

      {missing.length > 0 ? (
        <Alert tone="warning" title="Required fields without a column">
          No column feeds {missing.join(", ")}. Map a column to {missing.length === 1 ? "it" : "each"}, or the rows cannot be imported.
        </Alert>
      ) : null}
      {doubled.length > 0 ? (
        <Alert tone="warning" title="A field fed by two columns">
          {doubled.join(", ")} {doubled.length === 1 ? "is" : "are"} mapped from more than one column; keep one.
        </Alert>
      ) : null}

      <div className="max-w-sm">
        <Label htmlFor={modeId}>When a row is invalid</Label>
        <Select id={modeId} className="mt-1.5" value={mode} onChange={(event) => setMode(event.target.value as ImportMode)} aria-describedby={`${modeId}-help`}>
          {(Object.keys(IMPORT_MODE_LABELS) as ImportMode[]).map((key) => (
            <option key={key} value={key}>
              {IMPORT_MODE_LABELS[key].label}
            </option>
          ))}
        </Select>
        <HelpText id={`${modeId}-help`}>{IMPORT_MODE_LABELS[mode].hint}</HelpText>
      </div>

      {launch.isError ? <LaunchError what={launch.variables ? "dry run" : "import"} error={launch.error} /> : null}

      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" disabled={blocked || launch.isPending} loading={launch.isPending && launch.variables === true} onClick={() => launch.mutate(true)}>
          Dry run
        </Button>
        <Button type="submit" disabled={blocked || launch.isPending} loading={launch.isPending && launch.variables === false}>
          Import
        </Button>
        <p className="text-xs text-slate-600 dark:text-slate-400">A dry run reads and checks every row and writes nothing.</p>
      </div>
    </form>
  );
}
