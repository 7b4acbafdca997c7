"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { ReorderLine, ReorderList } from "../api/types";
import { formatDateTime, formatDay, formatLongDay } from "../format";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { formatCount, formatDays } from "./units";

type SortKey = "urgency" | "product" | "warehouse" | "quantity" | "cover";

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Each column's order; "urgency" is the API's own (order-by date, then days of cover). */
const SORTS: Record<SortKey, { label: string; compare(a: ReorderLine, b: ReorderLine): number }> = {
  urgency: { label: "Order by", compare: () => 0 },
  product: { label: "Product", compare: (a, b) => compareText(a.product.name, b.product.name) || compareText(a.product.sku, b.product.sku) },
  warehouse: { label: "Warehouse", compare: (a, b) => compareText(a.warehouse.code, b.warehouse.code) },
  quantity: { label: "Quantity", compare: (a, b) => a.quantity - b.quantity },
  cover: { label: "Days of cover", compare: (a, b) => a.daysOfCover - b.daysOfCover },
};

function SortHeader({ column, sort, onSort, align }: { column: SortKey; sort: { key: SortKey; descending: boolean }; onSort(key: SortKey): void; align?: "right" }) {
  const active = sort.key === column;
  return (
    <Th align={align} aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}>
      <button
        type="button"
        onClick={() => onSort(column)}
        className="inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:text-white"
      >
        {SORTS[column].label}
        <span aria-hidden className={active ? "text-slate-900 dark:text-white" : "text-slate-400"}>
          {active ? (sort.descending ? "↓" : "↑") : "↕"}
        </span>
      </button>
    </Th>
  );
}

/**
 * "What to order this week": the warehouses whose latest policy says order now, or by a day in
 * the next 7, against today's stock; most urgent first, re-sortable by any column.
 */
export function ReorderTable() {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "urgency", descending: false });
  const list = useQuery({
    queryKey: queryKeys.inventory.reorder(),
    queryFn: ({ signal }) => getJson<ReorderList>("/api/v1/inventory/reorder", { signal }),
    staleTime: 60_000,
  });

  const lines = useMemo(() => {
    const rows = [...(list.data?.lines ?? [])];
    const order = SORTS[sort.key].compare;
    rows.sort((a, b) => order(a, b));
    return sort.descending ? rows.reverse() : rows;
  }, [list.data, sort]);

  const onSort = (key: SortKey) => setSort((current) => ({ key, descending: current.key === key ? !current.descending : false }));

  if (list.isPending) {
    return (
      <div className="space-y-2 px-5 py-4" aria-busy aria-label="Loading the reorder list">
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-4 w-2/3" />
      </div>
    );
  }
  if (list.isError) {
    return (
      <div className="px-5 py-4">
        <Alert tone="error" title="Could not load the reorder list" actions={<Button variant="secondary" size="sm" onClick={() => void list.refetch()}>Try again</Button>}>
          {errorMessage(list.error)}
        </Alert>
      </div>
    );
  }
  if (lines.length === 0) {
    return (
      <div className="px-5 py-5">
        <EmptyState title="Nothing to order this week">
          No warehouse reaches its reorder point by {formatLongDay(addDays(list.data.today, list.data.horizonDays))}. Products appear here once they have been optimised.
        </EmptyState>
      </div>
    );
  }

  return (
    <Table caption={`Orders due by ${formatLongDay(addDays(list.data.today, list.data.horizonDays))}`} data-testid="reorder-table">
      <THead>
        <SortHeader column="urgency" sort={sort} onSort={onSort} />
        <SortHeader column="product" sort={sort} onSort={onSort} />
        <SortHeader column="warehouse" sort={sort} onSort={onSort} />
        <SortHeader column="quantity" sort={sort} onSort={onSort} align="right" />
        <SortHeader column="cover" sort={sort} onSort={onSort} align="right" />
        <Th>Why</Th>
      </THead>
      <TBody>
        {lines.map((line) => (
          <Tr key={`${line.product.id}:${line.warehouse.id}`}>
            <Td className="whitespace-nowrap">
              {line.urgency === "order-now" ? <Badge tone="danger">Now</Badge> : <Badge tone="warning">{formatDay(line.orderBy)}</Badge>}
            </Td>
            <Td rowHeader className="font-normal">
              <Link href={`/products/${encodeURIComponent(line.product.id)}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                {line.product.name}
              </Link>
              <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{line.product.sku}</span>
            </Td>
            <Td className="whitespace-nowrap">
              <span className="font-mono">{line.warehouse.code}</span>
              <span className="block text-xs text-slate-600 dark:text-slate-400">{line.suppliedFrom ? `transfer from ${line.suppliedFrom}` : "from the supplier"}</span>
            </Td>
            <Td numeric className="whitespace-nowrap">
              {formatCount(line.quantity)} units
            </Td>
            <Td numeric className="whitespace-nowrap">
              {formatDays(line.daysOfCover)}
            </Td>
            <Td className="min-w-64 text-xs text-slate-600 dark:text-slate-400">
              {line.reason}
              <span className="block">Policy of {formatDateTime(line.optimizedAt)}.</span>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
