"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { cx } from "./cx";
import { HelpText, Label } from "./field";

/**
 * The filters above a list: a search landmark with a name, the fields in a grid the page lays out
 * (`columns`), and an optional row of actions (Apply, Clear, a note). Submitting never reloads
 * the page.
 */
export function FilterBar({
  label,
  onSubmit,
  columns = "sm:grid-cols-2",
  className,
  actions,
  children,
}: {
  /** The landmark's accessible name, e.g. "Filter runs". */
  label: string;
  onSubmit?(): void;
  /** Grid columns of the fields (Tailwind classes). @defaultValue one column, two from `sm` */
  columns?: string;
  className?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form
      role="search"
      aria-label={label}
      noValidate
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit?.();
      }}
    >
      <div className={cx("grid gap-3", columns)}>{children}</div>
      {/* Right-aligned, like a dialog's buttons; an item with ml-auto splits the row. */}
      {actions ? <div className="mt-3 flex flex-wrap items-center justify-end gap-2">{actions}</div> : null}
    </form>
  );
}

/** One labelled filter; the control inside carries `id` (and `aria-describedby={`${id}-error`}` when in error). */
export function FilterField({ id, label, error, className, children }: { id: string; label: ReactNode; error?: string | null; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <Label htmlFor={id}>{label}</Label>
      <div className="mt-1">{children}</div>
      {error ? (
        <HelpText id={`${id}-error`} tone="error">
          {error}
        </HelpText>
      ) : null}
    </div>
  );
}

type Filters<T> = { [K in keyof T]: string };

/**
 * Filters kept in the URL's query, so a filtered list can be linked to and survives a reload.
 * `read` parses and checks them (pass a module-level function); a value equal to what `read` gives
 * for an empty query is the default and stays out of the URL, as do empty ones. The values are
 * held locally too, so two quick changes build on each other before the URL has caught up; the URL
 * is the source on load and on back/forward.
 */
export function useUrlFilters<T extends Filters<T>>(
  read: (params: URLSearchParams) => T,
  { history = "replace" }: { history?: "replace" | "push" } = {},
): [T, (next: T) => void] {
  const router = useRouter();
  const pathname = usePathname();
  const query = useSearchParams().toString();
  const [filters, setFilters] = useState(() => read(new URLSearchParams(query)));
  // Back/forward and links change the URL: follow it. (`read` is a module-level function.)
  useEffect(() => setFilters(read(new URLSearchParams(query))), [query]);

  const apply = (next: T) => {
    setFilters(next);
    const defaults = read(new URLSearchParams());
    const params = new URLSearchParams();
    for (const key of Object.keys(next) as (keyof T & string)[]) {
      const value = next[key].trim();
      if (value && value !== defaults[key]) params.set(key, value);
    }
    const search = params.toString();
    router[history](search ? `${pathname}?${search}` : pathname, { scroll: false });
  };
  return [filters, apply];
}
