"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import type { BatchScope } from "@/lib/jobs/batch-contract";
import { errorMessage, getJson, postJson } from "../api/api-client";
import type { ProductSummary, QueueKey } from "../api/types";
import { ProductPicker } from "../forecasts/product-picker";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { HelpText, Label, TextInput } from "../ui/field";

export interface BatchLaunched {
  batchId: string;
  queue: QueueKey;
  children: number;
}

type ScopeKind = "product" | "category" | "all";

const SCOPES: { kind: ScopeKind; label: string }[] = [
  { kind: "product", label: "One product" },
  { kind: "category", label: "A category" },
  { kind: "all", label: "Every product" },
];

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
  const ids = { product: useId(), category: useId(), categories: useId(), scope: useId() };
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ScopeKind>("category");
  const [product, setProduct] = useState<ProductSummary | null>(null);
  const [category, setCategory] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  // The organisation's categories, offered as suggestions; any category may be typed.
  const products = useQuery({
    queryKey: queryKeys.products.search(""),
    queryFn: ({ signal }) => getJson<{ products: ProductSummary[] }>("/api/v1/products?limit=100", { signal }),
  });
  const categories = [...new Set((products.data?.products ?? []).map((candidate) => candidate.category))].sort();

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
    if (kind === "product" && !product) return setMissing("Choose a product.");
    if (kind === "category" && category.trim() === "") return setMissing("Enter a category.");
    setMissing(null);
    launch.mutate(kind === "product" ? { productIds: [product!.id] } : kind === "category" ? { category: category.trim() } : { all: true });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label={`Batch of ${noun}s`}>
      <fieldset>
        <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Products</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {SCOPES.map((scope) => (
            <label key={scope.kind} className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
              <input type="radio" name={ids.scope} value={scope.kind} checked={kind === scope.kind} onChange={() => setKind(scope.kind)} className="accent-indigo-600" />
              {scope.label}
            </label>
          ))}
        </div>
      </fieldset>
      {kind === "product" ? (
        <div>
          <Label htmlFor={ids.product}>Product</Label>
          <div className="mt-1.5">
            <ProductPicker id={ids.product} value={product} onChange={setProduct} invalid={Boolean(missing)} />
          </div>
        </div>
      ) : null}
      {kind === "category" ? (
        <div>
          <Label htmlFor={ids.category}>Category</Label>
          <TextInput id={ids.category} list={ids.categories} className="mt-1.5" value={category} onChange={(event) => setCategory(event.target.value)} aria-invalid={missing ? true : undefined} />
          <datalist id={ids.categories}>
            {categories.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </div>
      ) : null}
      {missing ? <HelpText tone="error">{missing}</HelpText> : null}
      {launch.isError ? (
        <Alert tone="error" title="The batch was not launched">
          {errorMessage(launch.error)}
        </Alert>
      ) : null}
      <Button type="submit" loading={launch.isPending}>
        {kind === "all" ? `Run ${noun} for every product` : kind === "category" ? `Run ${noun} for the category` : `Run ${noun}`}
      </Button>
    </form>
  );
}
