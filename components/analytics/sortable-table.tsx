"use client";

import { useMemo, useState, type ReactNode } from "react";
import { Button } from "../ui/button";
import { Table, TBody, Td, Th, Tr } from "../ui/table";

export interface Column<T> {
  key: string;
  header: string;
  /** What the column sorts by (null sorts last either way). */
  value(row: T): number | string | null;
  /** How the cell shows; the value itself when left out. */
  render?(row: T): ReactNode;
  numeric?: boolean;
}

const PAGE = 25;

/**
 * A report's table: sorts by any column (header buttons, aria-sort on the column), shows the
 * first rows and the rest on request. Reports hold every row already, so sorting is local.
 */
export function SortableTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  initialSort,
  testId,
}: {
  caption: string;
  columns: readonly Column<NoInfer<T>>[];
  rows: readonly T[];
  rowKey(row: T): string;
  initialSort?: { key: string; direction: "asc" | "desc" };
  testId?: string;
}) {
  const [sort, setSort] = useState(initialSort ?? null);
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => {
    const column = sort && columns.find((candidate) => candidate.key === sort.key);
    if (!column || !sort) return rows;
    const factor = sort.direction === "asc" ? 1 : -1;
    return [...rows].sort((x, y) => {
      const a = column.value(x);
      const b = column.value(y);
      if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
      return (typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))) * factor;
    });
  }, [rows, columns, sort]);
  const shown = all ? sorted : sorted.slice(0, PAGE);

  return (
    <div data-testid={testId}>
      <Table caption={caption}>
        <thead className="bg-slate-50 text-xs font-medium tracking-wide whitespace-nowrap text-slate-600 uppercase dark:bg-slate-900/60 dark:text-slate-400">
          <tr>
            {columns.map((column) => {
              const active = sort?.key === column.key;
              return (
                <Th key={column.key} align={column.numeric ? "right" : "left"} aria-sort={active ? (sort.direction === "asc" ? "ascending" : "descending") : "none"}>
                  <button
                    type="button"
                    className="inline-flex items-center gap-1 uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:text-white"
                    onClick={() => setSort({ key: column.key, direction: active && sort.direction === "desc" ? "asc" : "desc" })}
                  >
                    {column.header}
                    <span aria-hidden="true">{active ? (sort.direction === "asc" ? "▲" : "▼") : ""}</span>
                  </button>
                </Th>
              );
            })}
          </tr>
        </thead>
        <TBody>
          {shown.map((row) => (
            <Tr key={rowKey(row)}>
              {columns.map((column, index) => (
                <Td key={column.key} numeric={column.numeric} rowHeader={index === 0}>
                  {column.render ? column.render(row) : (column.value(row) ?? "n/a")}
                </Td>
              ))}
            </Tr>
          ))}
        </TBody>
      </Table>
      {sorted.length > PAGE ? (
        <div className="border-t border-slate-200 px-5 py-3 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
          {all ? `All ${sorted.length} rows.` : `The first ${PAGE} of ${sorted.length} rows.`}{" "}
          <Button variant="secondary" size="sm" onClick={() => setAll(!all)}>
            {all ? "Show fewer" : "Show all"}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
