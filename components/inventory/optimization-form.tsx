"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import { ApiRequestError, postJson } from "../api/api-client";
import { LaunchError } from "../jobs/launch-error";
import type { JobPayloadInput, LaunchResponse, ProductSummary } from "../api/types";
import { ProductPicker } from "../forecasts/product-picker";
import { usePreselectedProduct } from "../products/use-preselected-product";
import { Button } from "../ui/button";
import { HelpText, Label } from "../ui/field";
import { Skeleton } from "../ui/skeleton";
import { ConstraintFields, constraintErrorField, EMPTY_CONSTRAINTS, readConstraints, type ConstraintDraft, type ConstraintErrors } from "./constraint-fields";

type FieldErrors = ConstraintErrors & { productId?: string };

/** The job's name: the SKU, so runs read as the product they are about (see `optimizationSubject`). */
const JOB_PREFIX = "optimization:";
export const optimizationSubject = (job: { name: string }) => (job.name.startsWith(JOB_PREFIX) ? job.name.slice(JOB_PREFIX.length) : job.name);

function fieldErrorsFrom(error: unknown): FieldErrors {
  if (!(error instanceof ApiRequestError)) return {};
  const errors: FieldErrors = {};
  for (const detail of error.details) {
    if (detail.path.endsWith(".productId")) errors.productId ??= detail.message;
    const field = constraintErrorField(detail.path);
    if (field) errors[field] ??= detail.message;
  }
  return errors;
}

/**
 * Launches an optimisation of one product through the generic queue endpoint, with optional
 * constraints. What is optimised (the product picker) and how (ConstraintFields) are separate
 * sections, so a scope choice (a category, everything) can take the picker's place.
 */
export function OptimizationForm({ onLaunched }: { onLaunched(jobId: string): void }) {
  const preselected = usePreselectedProduct();
  // The form starts from the preselected product, so it mounts once that is known.
  if (preselected.pending) return <Skeleton className="h-64 w-full" />;
  return <LaunchForm initialProduct={preselected.product} onLaunched={onLaunched} />;
}

function LaunchForm({ initialProduct, onLaunched }: { initialProduct: ProductSummary | null; onLaunched(jobId: string): void }) {
  const productFieldId = useId();
  const queryClient = useQueryClient();
  const [product, setProduct] = useState<ProductSummary | null>(initialProduct);
  const [draft, setDraft] = useState<ConstraintDraft>(EMPTY_CONSTRAINTS);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});

  const launch = useMutation({
    mutationFn: ({ sku, data }: { sku: string; data: JobPayloadInput<"optimization"> }) =>
      postJson<LaunchResponse>("/api/v1/queues/optimization/jobs", { name: `${JOB_PREFIX}${sku}`, data }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
      onLaunched(result.jobId);
    },
  });

  const errors: FieldErrors = { ...fieldErrorsFrom(launch.error), ...clientErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { constraints, errors: found } = readConstraints(draft);
    const all: FieldErrors = product ? found : { ...found, productId: "Choose a product." };
    setClientErrors(all);
    if (Object.keys(all).length > 0 || !product) return;
    launch.mutate({ sku: product.sku, data: { productId: product.id, constraints } });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="New optimisation">
      <div>
        <Label htmlFor={productFieldId}>Product</Label>
        <div className="mt-1.5">
          <ProductPicker
            id={productFieldId}
            value={product}
            onChange={(next) => {
              setProduct(next);
              if (next) setClientErrors(({ productId: _p, ...rest }) => rest);
            }}
            invalid={Boolean(errors.productId)}
            describedBy={errors.productId ? `${productFieldId}-error` : undefined}
          />
        </div>
        {errors.productId ? (
          <HelpText id={`${productFieldId}-error`} tone="error">
            {errors.productId}
          </HelpText>
        ) : null}
      </div>

      <ConstraintFields
        value={draft}
        errors={errors}
        onChange={(next) => {
          setDraft(next);
          setClientErrors(({ productId }) => (productId ? { productId } : {}));
        }}
      />

      {launch.isError ? <LaunchError what="optimisation" error={launch.error} /> : null}

      <Button type="submit" className="w-full" loading={launch.isPending}>
        {launch.isPending ? "Starting…" : "Run optimisation"}
      </Button>
    </form>
  );
}
