"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { queryKeys } from "@/lib/query-keys";
import { QUEUE_KEYS } from "@/lib/jobs/queue-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import type { RunSearchPage } from "../api/types";
import { formatDateTime, formatRelative } from "../format";
import { useJobEventsStatus } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { cx } from "../ui/cx";
import { EmptyState } from "../ui/empty-state";
import { HelpText, inputClass, Label } from "../ui/field";
import { PagerLink } from "../ui/pager-link";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { jobHref } from "./job-api";

const FILTERS = ["q", "queue", "name", "state", "owner", "from", "to"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const STATES = ["waiting", "active", "delayed", "completed", "failed", "cancelled"] as const;

function readFilters(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ""])) as Filters;
}

/** The canonical query string of a search: only filled filters, in a fixed order, plus the cursor. */
function toQuery(filters: Filters, cursor?: string | null): string {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (filters[key].trim()) params.set(key, filters[key].trim());
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

/** Search every queue's runs in the ledger; the filters and the page live in the URL. */
export function JobSearch() {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const applied = readFilters(new URLSearchParams(searchParams.toString()));
  const cursor = searchParams.get("cursor");
  const query = toQuery(applied, cursor);
  const [draft, setDraft] = useState<Filters>(applied);
  // Back/forward and links change the URL: the form follows.
  useEffect(() => setDraft(readFilters(new URLSearchParams(query))), [query]);

  const live = useJobEventsStatus() === "open";
  const results = useQuery({
    queryKey: queryKeys.jobs.search(query),
    queryFn: ({ signal }) => getJson<RunSearchPage>(`/api/v1/runs${query ? `?${query}` : ""}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 15_000 : 5_000,
  });

  const fieldErrors = new Map<string, string>();
  if (results.error instanceof ApiRequestError) {
    for (const detail of results.error.details) fieldErrors.set(detail.path.replace(/^query\./, ""), detail.message);
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = toQuery(draft);
    router.push(next ? `${pathname}?${next}` : pathname);
  };
  const set = (key: keyof Filters) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [key]: event.target.value }));
  const fieldProps = (key: keyof Filters) => ({
    id: `search-${key}`,
    name: key,
    value: draft[key],
    onChange: set(key),
    "aria-invalid": fieldErrors.has(key) || undefined,
    "aria-describedby": fieldErrors.has(key) ? `search-${key}-error` : undefined,
  });
  const error = (key: keyof Filters) =>
    fieldErrors.has(key) ? (
      <HelpText id={`search-${key}-error`} tone="error">
        {fieldErrors.get(key)}
      </HelpText>
    ) : null;

  const data = results.data;
  return (
    <div className="space-y-6">
      <Card>
        <form role="search" aria-label="Search jobs" onSubmit={submit} className="grid gap-4 px-5 py-4 sm:grid-cols-2 lg:grid-cols-4">
          <div className="sm:col-span-2">
            <Label htmlFor="search-q">Product, job id or job name</Label>
            <input {...fieldProps("q")} type="search" placeholder="SKU, product name, job id…" className={cx(inputClass, "mt-1")} />
            {error("q")}
          </div>
          <div>
            <Label htmlFor="search-owner">Owner</Label>
            <input {...fieldProps("owner")} type="search" placeholder="Email or name" className={cx(inputClass, "mt-1")} />
            {error("owner")}
          </div>
          <div>
            <Label htmlFor="search-name">Job name</Label>
            <input {...fieldProps("name")} type="text" placeholder="Exact name" className={cx(inputClass, "mt-1")} />
            {error("name")}
          </div>
          <div>
            <Label htmlFor="search-queue">Queue</Label>
            <select {...fieldProps("queue")} className={cx(inputClass, "mt-1")}>
              <option value="">All queues</option>
              {QUEUE_KEYS.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
            {error("queue")}
          </div>
          <div>
            <Label htmlFor="search-state">State</Label>
            <select {...fieldProps("state")} className={cx(inputClass, "mt-1")}>
              <option value="">Any state</option>
              {STATES.map((state) => (
                <option key={state} value={state}>
                  {state}
                </option>
              ))}
            </select>
            {error("state")}
          </div>
          <div>
            <Label htmlFor="search-from">Created from</Label>
            <input {...fieldProps("from")} type="date" className={cx(inputClass, "mt-1")} />
            {error("from")}
          </div>
          <div>
            <Label htmlFor="search-to">Created to (inclusive)</Label>
            <input {...fieldProps("to")} type="date" className={cx(inputClass, "mt-1")} />
            {error("to")}
          </div>
          <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-4">
            <Button type="submit">Search</Button>
            <Button
              variant="ghost"
              onClick={() => {
                setDraft(readFilters(new URLSearchParams()));
                router.push(pathname);
              }}
            >
              Clear
            </Button>
            <p className="ml-auto text-xs text-slate-600 dark:text-slate-400">Searches the job ledger, including jobs that Redis no longer holds. Newest first.</p>
          </div>
        </form>
      </Card>

      <Card aria-labelledby="search-results-title">
        <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3 dark:border-slate-800">
          <h2 id="search-results-title" className="text-base font-semibold text-slate-900 dark:text-white">
            Results
          </h2>
          {results.isFetching ? <span className="text-xs text-slate-500">Updating…</span> : null}
        </div>
        {results.isError ? (
          <div className="p-4">
            <Alert tone="error" title="The search could not run">
              {errorMessage(results.error)}
            </Alert>
          </div>
        ) : null}
        {!data && results.isPending ? (
          <div className="space-y-2 p-5" aria-busy aria-label="Searching">
            {[0, 1, 2].map((index) => (
              <Skeleton key={index} className="h-10 w-full" />
            ))}
          </div>
        ) : data && data.runs.length === 0 ? (
          <div className="p-5">
            <EmptyState title="No jobs match">Try fewer filters or a wider date range.</EmptyState>
          </div>
        ) : data ? (
          <ResultTable data={data} />
        ) : null}
        {data && (cursor || data.nextCursor) ? (
          <nav aria-label="Pages" className="flex justify-end gap-2 border-t border-slate-200 px-5 py-3 dark:border-slate-800">
            {cursor ? (
              <PagerLink href={`${pathname}${toQuery(applied) ? `?${toQuery(applied)}` : ""}`}>Newest</PagerLink>
            ) : null}
            {data.nextCursor ? (
              <PagerLink href={`${pathname}?${toQuery(applied, data.nextCursor)}`}>Older</PagerLink>
            ) : null}
          </nav>
        ) : null}
      </Card>
    </div>
  );
}

function ResultTable({ data }: { data: RunSearchPage }) {
  return (
    <Table data-testid="search-results" caption="Jobs matching the search, newest first">
      <THead>
        <Th>Job</Th>
        <Th>Queue</Th>
        <Th>State</Th>
        <Th>Product</Th>
        <Th>Owner</Th>
        <Th>Created</Th>
      </THead>
      <TBody>
        {data.runs.map((run) => (
          <Tr key={run.id}>
            <Td>
              <Link
                href={jobHref(run.queue, run.id)}
                className="font-mono text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-400"
              >
                {run.id.length > 13 ? `${run.id.slice(0, 8)}…` : run.id}
                <span className="sr-only"> (open job {run.id})</span>
              </Link>
              <div className="text-slate-900 dark:text-slate-100">{run.name}</div>
            </Td>
            <Td className="font-mono text-xs">{run.queue}</Td>
            <Td>
              <div className="flex flex-wrap gap-1">
                <JobStateBadge state={run.state} />
                {run.removedAt ? <span className="text-xs text-slate-600 dark:text-slate-400">removed</span> : null}
              </div>
              {run.failedReason && (run.state === "failed" || run.state === "cancelled") ? (
                <p className="mt-1 line-clamp-1 max-w-64 text-xs text-slate-600 dark:text-slate-400" title={run.failedReason}>
                  {run.failedReason}
                </p>
              ) : null}
            </Td>
            <Td>
              {run.product ? (
                <>
                  <span className="font-mono text-xs">{run.product.sku}</span>
                  <div className="max-w-48 truncate text-xs text-slate-600 dark:text-slate-400">{run.product.name}</div>
                </>
              ) : (
                <span className="text-slate-500">—</span>
              )}
            </Td>
            <Td className="max-w-48 truncate" title={run.owner?.email}>
              {run.owner?.name ?? <span className="text-slate-500">—</span>}
            </Td>
            <Td className="whitespace-nowrap">
              <time dateTime={run.createdAt} title={formatDateTime(run.createdAt)}>
                {formatRelative(run.createdAt)}
              </time>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
