"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import { postJson } from "../api/api-client";
import { LaunchError } from "../jobs/launch-error";
import type { JobPayloadInput, LaunchResponse, ProductSummary } from "../api/types";
import { ProductPicker } from "../forecasts/product-picker";
import { Button } from "../ui/button";
import { HelpText, Label, Select, TextInput } from "../ui/field";
import { entityTakes, EXPORT_ENTITY_LABELS, EXPORT_FORMAT_LABELS, FORM_ENTITIES, type ExportEntity, type ExportFormat } from "./export-options";

type Filters = JobPayloadInput<"export">["filters"];

/** The data to export, its format and filters; only the filters the chosen data takes are shown. */
export function ExportForm({ onLaunched }: { onLaunched(jobId: string): void }) {
  const ids = { entity: useId(), format: useId(), category: useId(), product: useId(), from: useId(), to: useId() };
  const queryClient = useQueryClient();
  const [entity, setEntity] = useState<ExportEntity>("sales");
  const [format, setFormat] = useState<ExportFormat>("csv");
  const [category, setCategory] = useState("");
  const [product, setProduct] = useState<ProductSummary | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [dateError, setDateError] = useState<string | null>(null);

  const launch = useMutation({
    mutationFn: (payload: JobPayloadInput<"export">) => postJson<LaunchResponse>("/api/v1/exports", payload),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.exports.all });
      onLaunched(result.jobId);
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const takesDates = entityTakes(entity, "startDate");
    if (takesDates && from && to && from > to) {
      setDateError("The end date must not be before the start date.");
      return;
    }
    setDateError(null);
    const filters: Filters = {};
    if (entityTakes(entity, "category") && category.trim()) filters.category = category.trim();
    if (entityTakes(entity, "productId") && product) filters.productId = product.id;
    if (takesDates && from) filters.startDate = from;
    if (takesDates && to) filters.endDate = to;
    launch.mutate({ entity, format, filters });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="New export">
      <div>
        <Label htmlFor={ids.entity}>Data</Label>
        <Select id={ids.entity} className="mt-1.5 w-full" value={entity} onChange={(event) => setEntity(event.target.value as ExportEntity)} aria-describedby={`${ids.entity}-help`}>
          {FORM_ENTITIES.map((key) => (
            <option key={key} value={key}>
              {EXPORT_ENTITY_LABELS[key].label}
            </option>
          ))}
        </Select>
        <HelpText id={`${ids.entity}-help`}>{EXPORT_ENTITY_LABELS[entity].hint}</HelpText>
      </div>

      <div>
        <Label htmlFor={ids.format}>Format</Label>
        <Select id={ids.format} className="mt-1.5 w-full" value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)}>
          {(Object.keys(EXPORT_FORMAT_LABELS) as ExportFormat[]).map((key) => (
            <option key={key} value={key}>
              {EXPORT_FORMAT_LABELS[key]}
            </option>
          ))}
        </Select>
      </div>

      <fieldset className="space-y-4">
        <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Filters (optional)</legend>
        {entityTakes(entity, "category") ? (
          <div>
            <Label htmlFor={ids.category}>Category</Label>
            <TextInput id={ids.category} className="mt-1.5 w-full" value={category} onChange={(event) => setCategory(event.target.value)} placeholder="Every category" maxLength={200} />
          </div>
        ) : null}
        {entityTakes(entity, "productId") ? (
          <div>
            <Label htmlFor={ids.product}>Product</Label>
            <div className="mt-1.5">
              <ProductPicker id={ids.product} value={product} onChange={setProduct} />
            </div>
          </div>
        ) : null}
        {entityTakes(entity, "startDate") ? (
          <div className="grid grid-cols-2 gap-3">
            <div>
              <Label htmlFor={ids.from}>From</Label>
              <TextInput id={ids.from} type="date" className="mt-1.5 w-full" value={from} onChange={(event) => setFrom(event.target.value)} aria-invalid={dateError ? true : undefined} />
            </div>
            <div>
              <Label htmlFor={ids.to}>To</Label>
              <TextInput id={ids.to} type="date" className="mt-1.5 w-full" value={to} onChange={(event) => setTo(event.target.value)} aria-invalid={dateError ? true : undefined} aria-describedby={dateError ? `${ids.to}-error` : undefined} />
            </div>
            {dateError ? (
              <div className="col-span-2">
                <HelpText id={`${ids.to}-error`} tone="error">
                  {dateError}
                </HelpText>
              </div>
            ) : null}
          </div>
        ) : null}
      </fieldset>

      {launch.isError ? <LaunchError what="export" error={launch.error} /> : null}

      <Button type="submit" className="w-full" loading={launch.isPending}>
        {launch.isPending ? "Starting…" : "Export"}
      </Button>
    </form>
  );
}
