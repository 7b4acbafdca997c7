"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { queryKeys } from "@/lib/query-keys";
import type { BatchScope } from "@/lib/jobs/batch-contract";
import { getJson } from "../api/api-client";
import type { ProductSummary } from "../api/types";
import { ProductPicker } from "../forecasts/product-picker";
import { HelpText, Label, TextInput } from "../ui/field";

/** "single" is a run that is not a batch at all (a schedule of one job); the others are batch scopes. */
export type ScopeKind = "single" | "product" | "category" | "all";

export interface ScopeChoice {
  kind: ScopeKind;
  product: ProductSummary | null;
  category: string;
}

export const SCOPE_LABELS: Record<ScopeKind, string> = {
  single: "One job",
  product: "One product",
  category: "A category",
  all: "Every product",
};

/** The choice as the API's batch scope (null for a single job), or what is missing from it. */
export function scopeOfChoice(choice: ScopeChoice): { scope: BatchScope | null } | { missing: string } {
  if (choice.kind === "single") return { scope: null };
  if (choice.kind === "product") return choice.product ? { scope: { productIds: [choice.product.id] } } : { missing: "Choose a product." };
  if (choice.kind === "category") return choice.category.trim() ? { scope: { category: choice.category.trim() } } : { missing: "Enter a category." };
  return { scope: { all: true } };
}

/** A saved scope back as a choice (a list of products other than one is shown as that many products by the caller). */
export function choiceOfScope(scope: BatchScope | null): ScopeChoice {
  if (!scope) return { kind: "single", product: null, category: "" };
  if ("category" in scope) return { kind: "category", product: null, category: scope.category };
  if ("all" in scope) return { kind: "all", product: null, category: "" };
  return { kind: "product", product: null, category: "" };
}

/**
 * Which products a run covers: the kinds offered, a product picker or a category (the
 * organisation's categories offered as suggestions; any may be typed). Shared by the batch
 * launcher and the schedule dialog.
 */
export function ProductScopePicker({
  kinds,
  choice,
  onChange,
  missing,
}: {
  kinds: readonly ScopeKind[];
  choice: ScopeChoice;
  onChange(choice: ScopeChoice): void;
  missing: string | null;
}) {
  const ids = { product: useId(), category: useId(), categories: useId(), scope: useId() };
  const products = useQuery({
    queryKey: queryKeys.products.search(""),
    queryFn: ({ signal }) => getJson<{ products: ProductSummary[] }>("/api/v1/products?limit=100", { signal }),
    enabled: kinds.includes("category"),
  });
  const categories = [...new Set((products.data?.products ?? []).map((candidate) => candidate.category))].sort();

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Products</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {kinds.map((kind) => (
            <label key={kind} className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
              <input type="radio" name={ids.scope} value={kind} checked={choice.kind === kind} onChange={() => onChange({ ...choice, kind })} className="accent-indigo-600" />
              {SCOPE_LABELS[kind]}
            </label>
          ))}
        </div>
      </fieldset>
      {choice.kind === "product" ? (
        <div>
          <Label htmlFor={ids.product}>Product</Label>
          <div className="mt-1.5">
            <ProductPicker id={ids.product} value={choice.product} onChange={(product) => onChange({ ...choice, product })} invalid={Boolean(missing)} />
          </div>
        </div>
      ) : null}
      {choice.kind === "category" ? (
        <div>
          <Label htmlFor={ids.category}>Category</Label>
          <TextInput
            id={ids.category}
            list={ids.categories}
            className="mt-1.5"
            value={choice.category}
            onChange={(event) => onChange({ ...choice, category: event.target.value })}
            aria-invalid={missing ? true : undefined}
          />
          <datalist id={ids.categories}>
            {categories.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </div>
      ) : null}
      {missing ? <HelpText tone="error">{missing}</HelpText> : null}
    </div>
  );
}
