"use client";

import { useId } from "react";
import type { JobPayload, JobPayloadInput } from "../api/types";
import { HelpText, Label, TextInput } from "../ui/field";
import { cx } from "../ui/cx";

export type OptimizationConstraints = NonNullable<JobPayloadInput<"optimization">["constraints"]>;

/** What the planner typed; every field may stay empty, leaving the product's own value. */
export interface ConstraintDraft {
  orderingCost: string;
  /** Yearly holding cost as a percentage of unit cost (the API takes a fraction). */
  holdingRatePercent: string;
  serviceMode: "percent" | "z";
  service: string;
}

export const EMPTY_CONSTRAINTS: ConstraintDraft = { orderingCost: "", holdingRatePercent: "", serviceMode: "percent", service: "" };

export type ConstraintErrors = Partial<Record<"orderingCost" | "holdingCostRate" | "service", string>>;

const NUMBER = /^\s*\d+(\.\d+)?\s*$/;

/**
 * The job's constraints from the draft, or the reason each bad field is refused. The bounds are
 * the catalogue's (lib/jobs/catalog.ts), which the API checks again.
 */
export function readConstraints(draft: ConstraintDraft): { constraints: OptimizationConstraints; errors: ConstraintErrors } {
  const constraints: OptimizationConstraints = {};
  const errors: ConstraintErrors = {};
  if (draft.orderingCost.trim() !== "") {
    if (!NUMBER.test(draft.orderingCost)) errors.orderingCost = "Enter an amount of 0 or more, e.g. 45.";
    else constraints.orderingCost = Number(draft.orderingCost);
  }
  if (draft.holdingRatePercent.trim() !== "") {
    const percent = Number(draft.holdingRatePercent);
    if (!NUMBER.test(draft.holdingRatePercent) || percent <= 0 || percent > 1000) errors.holdingCostRate = "Enter a yearly rate above 0 % and at most 1,000 %, e.g. 22.";
    else constraints.holdingCostRate = percent / 100;
  }
  if (draft.service.trim() !== "") {
    const value = Number(draft.service);
    if (draft.serviceMode === "percent") {
      if (!NUMBER.test(draft.service) || value <= 50 || value >= 100) errors.service = "Enter a service level above 50 % and below 100 %, e.g. 95.";
      else constraints.serviceLevel = value / 100;
    } else if (!NUMBER.test(draft.service) || value <= 0 || value > 6) errors.service = "Enter a z above 0 and at most 6, e.g. 1.65.";
    else constraints.serviceLevelZ = value;
  }
  return { constraints, errors };
}

/** A run's constraints in a few words, for its header and the recent-runs list. */
export function constraintFacts(constraints: JobPayload<"optimization">["constraints"]): string[] {
  const facts: string[] = [];
  if (constraints.orderingCost !== undefined) facts.push(`ordering cost $${constraints.orderingCost}`);
  if (constraints.holdingCostRate !== undefined) facts.push(`holding ${Number((constraints.holdingCostRate * 100).toFixed(2))} %/yr`);
  if (constraints.serviceLevel !== undefined) facts.push(`service ${Number((constraints.serviceLevel * 100).toFixed(2))} %`);
  if (constraints.serviceLevelZ !== undefined) facts.push(`z ${constraints.serviceLevelZ}`);
  return facts.length > 0 ? [facts.join(", ")] : ["Product's own costs and service level"];
}

/** API error details name fields as "body.data.constraints.orderingCost"; these map them onto the fields. */
export function constraintErrorField(path: string): keyof ConstraintErrors | null {
  const field = path.split(".").at(-1);
  if (field === "orderingCost" || field === "holdingCostRate") return field;
  if (field === "serviceLevel" || field === "serviceLevelZ" || field === "constraints") return "service";
  return null;
}

/**
 * The optional constraints of an optimisation run: ordering cost, holding-cost rate and service
 * level (as a percentage or as z). Separate from the choice of what to optimise, so a launcher for
 * one product and one for a category or everything share them.
 */
export function ConstraintFields({ value, onChange, errors }: { value: ConstraintDraft; onChange(next: ConstraintDraft): void; errors: ConstraintErrors }) {
  const ids = { ordering: useId(), holding: useId(), service: useId() };
  const set = (patch: Partial<ConstraintDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="space-y-4">
      <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">Constraints</legend>
      <p className="-mt-2 text-xs text-slate-600 dark:text-slate-400">Leave a field empty to use the product&apos;s own value.</p>

      <div>
        <Label htmlFor={ids.ordering}>Ordering cost ($ per order)</Label>
        <TextInput
          id={ids.ordering}
          inputMode="decimal"
          className="mt-1.5 w-40"
          placeholder="product's"
          value={value.orderingCost}
          onChange={(event) => set({ orderingCost: event.target.value })}
          aria-invalid={errors.orderingCost ? true : undefined}
          aria-describedby={errors.orderingCost ? `${ids.ordering}-error` : undefined}
        />
        {errors.orderingCost ? (
          <HelpText id={`${ids.ordering}-error`} tone="error">
            {errors.orderingCost}
          </HelpText>
        ) : null}
      </div>

      <div>
        <Label htmlFor={ids.holding}>Holding-cost rate (% of unit cost per year)</Label>
        <TextInput
          id={ids.holding}
          inputMode="decimal"
          className="mt-1.5 w-40"
          placeholder="product's"
          value={value.holdingRatePercent}
          onChange={(event) => set({ holdingRatePercent: event.target.value })}
          aria-invalid={errors.holdingCostRate ? true : undefined}
          aria-describedby={errors.holdingCostRate ? `${ids.holding}-error` : undefined}
        />
        {errors.holdingCostRate ? (
          <HelpText id={`${ids.holding}-error`} tone="error">
            {errors.holdingCostRate}
          </HelpText>
        ) : null}
      </div>

      <div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Label htmlFor={ids.service}>{value.serviceMode === "percent" ? "Cycle service level (%)" : "Safety factor z"}</Label>
          <div role="radiogroup" aria-label="Service level as" className="inline-flex rounded-md text-xs ring-1 ring-slate-300 dark:ring-slate-700">
            {(["percent", "z"] as const).map((mode) => (
              <label
                key={mode}
                className={cx(
                  "cursor-pointer px-2.5 py-1 first:rounded-l-md last:rounded-r-md has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600",
                  value.serviceMode === mode ? "bg-indigo-50 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300" : "text-slate-600 dark:text-slate-400",
                )}
              >
                <input type="radio" className="sr-only" name={ids.service} checked={value.serviceMode === mode} onChange={() => set({ serviceMode: mode, service: "" })} />
                {mode === "percent" ? "%" : "z"}
              </label>
            ))}
          </div>
        </div>
        <TextInput
          id={ids.service}
          inputMode="decimal"
          className="mt-1.5 w-40"
          placeholder="product's"
          value={value.service}
          onChange={(event) => set({ service: event.target.value })}
          aria-invalid={errors.service ? true : undefined}
          aria-describedby={`${ids.service}-help`}
        />
        <HelpText id={`${ids.service}-help`} tone={errors.service ? "error" : "muted"}>
          {errors.service ??
            (value.serviceMode === "percent" ? "Share of order cycles without a stock-out, e.g. 95; converted to z exactly." : "z of the normal distribution, e.g. 1.65 (≈ 95 %).")}
        </HelpText>
      </div>
    </fieldset>
  );
}
