"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { ProductSummary } from "../api/types";
import { cx } from "../ui/cx";
import { inputClass } from "../ui/field";
import { Spinner } from "../ui/spinner";

const SEARCH_DELAY_MS = 200;

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

export const productLabel = (product: ProductSummary) => `${product.name} (${product.sku})`;

/**
 * A searchable product combobox (WAI-ARIA 1.2 pattern): type to search SKU, name or category,
 * arrows to move, Enter to pick, Escape to close.
 */
export function ProductPicker({
  id,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  id: string;
  value: ProductSummary | null;
  onChange(product: ProductSummary | null): void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const listId = useId();
  const [text, setText] = useState(value ? productLabel(value) : "");
  const [open, setOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(-1);
  const listRef = useRef<HTMLUListElement>(null);
  // While a product is picked the input shows its label; searching that label would be noise.
  const term = useDebounced(value && text === productLabel(value) ? "" : text.trim(), SEARCH_DELAY_MS);

  const products = useQuery({
    queryKey: queryKeys.products.search(term),
    queryFn: ({ signal }) =>
      getJson<{ products: ProductSummary[] }>(`/api/v1/products?${new URLSearchParams({ search: term, limit: "20" })}`, { signal }),
    enabled: open,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const options = products.data?.products ?? [];

  useEffect(() => {
    setActiveIndex(-1);
  }, [term]);

  useEffect(() => {
    if (activeIndex < 0) return;
    listRef.current?.querySelector(`[data-index="${activeIndex}"]`)?.scrollIntoView({ block: "nearest" });
  }, [activeIndex]);

  function pick(product: ProductSummary) {
    onChange(product);
    setText(productLabel(product));
    setOpen(false);
    setActiveIndex(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) setOpen(true);
      setActiveIndex((index) => Math.min(index + 1, options.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActiveIndex((index) => Math.max(index - 1, 0));
    } else if (event.key === "Enter") {
      if (open && activeIndex >= 0 && options[activeIndex]) {
        event.preventDefault();
        pick(options[activeIndex]);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        setOpen(false);
      }
    }
  }

  const activeId = activeIndex >= 0 && options[activeIndex] ? `${listId}-option-${activeIndex}` : undefined;

  return (
    <div className="relative">
      <div className="relative">
        <svg
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          aria-hidden
        >
          <circle cx="11" cy="11" r="7" />
          <path d="m20 20-3.5-3.5" />
        </svg>
        <input
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          placeholder="Search by SKU, name or category"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={cx(inputClass, "pr-9 pl-9")}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            if (value) onChange(null);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {products.isFetching && open ? (
          <Spinner className="absolute top-1/2 right-3 size-4 -translate-y-1/2 text-slate-500" label="Searching products" />
        ) : null}
      </div>
      {open ? (
        <ul
          ref={listRef}
          id={listId}
          role="listbox"
          aria-label="Products"
          className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
        >
          {products.isError ? (
            <li className="px-3 py-2 text-red-700 dark:text-red-400" role="presentation">
              Could not load products: {errorMessage(products.error)}
            </li>
          ) : products.isPending ? (
            <li className="px-3 py-2 text-slate-600 dark:text-slate-400" role="presentation">
              Loading products…
            </li>
          ) : options.length === 0 ? (
            <li className="px-3 py-2 text-slate-600 dark:text-slate-400" role="presentation">
              No products match “{term}”.
            </li>
          ) : (
            options.map((product, index) => (
              <li
                key={product.id}
                id={`${listId}-option-${index}`}
                data-index={index}
                role="option"
                aria-selected={value?.id === product.id}
                // mousedown, not click: picking must happen before the input's blur closes the list.
                onMouseDown={(event) => {
                  event.preventDefault();
                  pick(product);
                }}
                onMouseMove={() => setActiveIndex(index)}
                className={cx(
                  "flex cursor-pointer items-center justify-between gap-3 px-3 py-2",
                  index === activeIndex ? "bg-indigo-50 dark:bg-indigo-950" : undefined,
                )}
              >
                <span className="min-w-0">
                  <span className="block truncate font-medium text-slate-900 dark:text-slate-100">{product.name}</span>
                  <span className="block truncate text-xs text-slate-600 dark:text-slate-400">
                    <span className="font-mono">{product.sku}</span> · {product.category}
                  </span>
                </span>
                {value?.id === product.id ? (
                  <svg className="size-4 shrink-0 text-indigo-600 dark:text-indigo-400" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" aria-hidden>
                    <path d="m5 12 5 5 9-10" strokeLinecap="round" strokeLinejoin="round" />
                  </svg>
                ) : null}
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
