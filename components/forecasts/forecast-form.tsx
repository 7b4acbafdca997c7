"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, postJson } from "../api/api-client";
import { LaunchError } from "../jobs/launch-error";
import type { ForecastModel, JobPayloadInput, LaunchResponse, ProductSummary } from "../api/types";
import { usePreselectedProduct } from "../products/use-preselected-product";
import { Button } from "../ui/button";
import { HelpText, Label, TextInput } from "../ui/field";
import { Skeleton } from "../ui/skeleton";
import { FORECAST_MODELS } from "./models";
import { ProductPicker } from "./product-picker";

const DEFAULT_HORIZON = "30";

type FieldErrors = Partial<Record<"productId" | "horizon" | "models", string>>;

function validate(product: ProductSummary | null, horizonText: string, models: ForecastModel[]): FieldErrors {
  const errors: FieldErrors = {};
  if (!product) errors.productId = "Choose a product.";
  const horizon = Number(horizonText);
  if (!/^\d+$/.test(horizonText.trim()) || horizon < 1 || horizon > 365) errors.horizon = "Enter a whole number of days from 1 to 365.";
  if (models.length === 0) errors.models = "Choose at least one model.";
  return errors;
}

/** API details name fields as "body.horizon"; the ones a field can show go next to it. */
function fieldErrorsFrom(error: unknown): FieldErrors {
  if (!(error instanceof ApiRequestError)) return {};
  const errors: FieldErrors = {};
  for (const detail of error.details) {
    const field = detail.path.replace(/^body\./, "").split(".")[0];
    if (field === "productId" || field === "horizon" || field === "models") errors[field] ??= detail.message;
  }
  return errors;
}

export function ForecastForm({ onLaunched }: { onLaunched(jobId: string): void }) {
  const preselected = usePreselectedProduct();
  // The form starts from the product the link named, so it mounts once that is known.
  if (preselected.pending) return <Skeleton className="h-64 w-full" />;
  return <LaunchForm initialProduct={preselected.product} onLaunched={onLaunched} />;
}

function LaunchForm({ initialProduct, onLaunched }: { initialProduct: ProductSummary | null; onLaunched(jobId: string): void }) {
  const ids = { product: useId(), horizon: useId(), errors: useId() };
  const queryClient = useQueryClient();
  const [product, setProduct] = useState<ProductSummary | null>(initialProduct);
  const [horizon, setHorizon] = useState(DEFAULT_HORIZON);
  const [models, setModels] = useState<ForecastModel[]>(FORECAST_MODELS.map((model) => model.key));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});

  const launch = useMutation({
    mutationFn: (payload: JobPayloadInput<"forecast">) => postJson<LaunchResponse>("/api/v1/forecasts", payload),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
      onLaunched(result.jobId);
    },
  });

  const serverErrors = fieldErrorsFrom(launch.error);
  const errors: FieldErrors = { ...serverErrors, ...clientErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate(product, horizon, models);
    setClientErrors(found);
    if (Object.keys(found).length > 0 || !product) return;
    const allChosen = models.length === FORECAST_MODELS.length;
    launch.mutate({ productId: product.id, horizon: Number(horizon), models: allChosen ? ["all"] : models });
  }

  function toggleModel(key: ForecastModel, checked: boolean) {
    setModels((current) => (checked ? FORECAST_MODELS.map((m) => m.key).filter((k) => k === key || current.includes(k)) : current.filter((k) => k !== key)));
    setClientErrors(({ models: _models, ...rest }) => rest);
  }

  const allChecked = models.length === FORECAST_MODELS.length;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="New forecast">
      <div>
        <Label htmlFor={ids.product}>Product</Label>
        <div className="mt-1.5">
          <ProductPicker
            id={ids.product}
            value={product}
            onChange={(next) => {
              setProduct(next);
              if (next) setClientErrors(({ productId: _p, ...rest }) => rest);
            }}
            invalid={Boolean(errors.productId)}
            describedBy={errors.productId ? `${ids.product}-error` : undefined}
          />
        </div>
        {errors.productId ? (
          <HelpText id={`${ids.product}-error`} tone="error">
            {errors.productId}
          </HelpText>
        ) : null}
      </div>

      <div>
        <Label htmlFor={ids.horizon}>Horizon (days)</Label>
        <TextInput
          id={ids.horizon}
          type="number"
          inputMode="numeric"
          min={1}
          max={365}
          step={1}
          required
          className="mt-1.5 w-32"
          value={horizon}
          onChange={(event) => {
            setHorizon(event.target.value);
            setClientErrors(({ horizon: _h, ...rest }) => rest);
          }}
          aria-invalid={errors.horizon ? true : undefined}
          aria-describedby={`${ids.horizon}-help`}
        />
        <HelpText id={`${ids.horizon}-help`} tone={errors.horizon ? "error" : "muted"}>
          {errors.horizon ?? "Days ahead to forecast, 1 to 365."}
        </HelpText>
      </div>

      <fieldset aria-describedby={errors.models ? `${ids.errors}-models` : undefined}>
        <div className="flex items-center justify-between">
          <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Models</legend>
          <button
            type="button"
            className="rounded text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-400"
            onClick={() => {
              setModels(allChecked ? [] : FORECAST_MODELS.map((model) => model.key));
              setClientErrors(({ models: _m, ...rest }) => rest);
            }}
          >
            {allChecked ? "Clear all" : "Select all"}
          </button>
        </div>
        <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-1">
          {FORECAST_MODELS.map((model) => (
            <label
              key={model.key}
              className="flex cursor-pointer items-center gap-2.5 rounded-md px-2.5 py-2 text-sm ring-1 ring-slate-200 ring-inset hover:bg-slate-50 has-[:checked]:bg-indigo-50/60 has-[:checked]:ring-indigo-300 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:ring-slate-700 dark:hover:bg-slate-800 dark:has-[:checked]:bg-indigo-950/50 dark:has-[:checked]:ring-indigo-800"
            >
              <input
                type="checkbox"
                className="size-4 shrink-0 rounded border-slate-300 accent-indigo-600 focus:outline-none"
                checked={models.includes(model.key)}
                onChange={(event) => toggleModel(model.key, event.target.checked)}
              />
              <span className="text-slate-900 dark:text-slate-100">{model.label}</span>
            </label>
          ))}
        </div>
        {errors.models ? (
          <HelpText id={`${ids.errors}-models`} tone="error">
            {errors.models}
          </HelpText>
        ) : (
          <HelpText>The chosen models are combined into an accuracy-weighted ensemble.</HelpText>
        )}
      </fieldset>

      {launch.isError ? <LaunchError what="forecast" error={launch.error} /> : null}

      <Button type="submit" className="w-full" loading={launch.isPending}>
        {launch.isPending ? "Starting…" : "Run forecast"}
      </Button>
    </form>
  );
}
