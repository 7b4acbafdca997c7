"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { useOrganizations } from "../organizations/use-organizations";
import { QUEUE_KEYS } from "@/lib/jobs/queue-keys";
import { ApiRequestError, errorMessage, getJson } from "../api/api-client";
import type { RunSearchPage } from "../api/types";
import { formatDateTime, formatRelative } from "../format";
import { useJobEventsStatus } from "../job-events-provider";
import { JobStateBadge } from "../job-state-badge";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select, TextInput } from "../ui/field";
import { FilterBar, FilterField, useUrlFilters } from "../ui/filter-bar";
import { PagerLink } from "../ui/pager-link";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { jobHref } from "./job-api";

const FILTERS = ["q", "queue", "name", "state", "owner", "organization", "from", "to"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const STATES = ["waiting", "active", "delayed", "completed", "failed", "cancelled", "lost"] as const;

function readFilters(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ""])) as Filters;
}

/** The applied search: the filters and the page (a keyset cursor) it is on. */
function readSearch(params: URLSearchParams): Filters & { cursor: string } {
  return { ...readFilters(params), cursor: params.get("cursor") ?? "" };
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
  const pathname = usePathname();
  const [{ cursor, ...applied }, apply] = useUrlFilters(readSearch, { history: "push" });
  const query = toQuery(applied, cursor);
  const [draft, setDraft] = useState<Filters>(applied);
  // Back/forward and links change the search: the form follows.
  useEffect(() => setDraft(readFilters(new URLSearchParams(query))), [query]);

  const live = useJobEventsStatus() === "open";
  const organizations = useOrganizations();
  const organizationNames = new Map(organizations.data?.organizations.map((organization) => [organization.id, organization.name]));
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

  const set = (key: keyof Filters) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [key]: event.target.value }));
  const fieldProps = (key: keyof Filters) => ({
    id: `search-${key}`,
    name: key,
    value: draft[key],
    onChange: set(key),
    "aria-invalid": fieldErrors.has(key) || undefined,
    "aria-describedby": fieldErrors.has(key) ? `search-${key}-error` : undefined,
  });
  const field = (key: keyof Filters, label: string, control: ReactNode, className?: string) => (
    <FilterField id={`search-${key}`} label={label} error={fieldErrors.get(key)} className={className}>
      {control}
    </FilterField>
  );

  const data = results.data;
  return (
    <div className="space-y-6">
      <Card className="px-5 py-4">
        <FilterBar
          label="Search jobs"
          columns="sm:grid-cols-2 lg:grid-cols-4"
          onSubmit={() => apply({ ...draft, cursor: "" })}
          actions={
            <>
              <Button type="submit">Search</Button>
              <Button
                variant="ghost"
                onClick={() => {
                  const none = readFilters(new URLSearchParams());
                  setDraft(none);
                  apply({ ...none, cursor: "" });
                }}
              >
                Clear
              </Button>
              <p className="ml-auto text-xs text-slate-600 dark:text-slate-400">Searches the job ledger, including jobs that Redis no longer holds. Newest first.</p>
            </>
          }
        >
          {field("q", "Subject, job id or job name", <TextInput {...fieldProps("q")} type="search" placeholder="SKU, product or user name, any id…" />, "sm:col-span-2")}
          {field("owner", "Owner", <TextInput {...fieldProps("owner")} type="search" placeholder="Email or name" />)}
          {field("name", "Job name", <TextInput {...fieldProps("name")} type="text" placeholder="Exact name" />)}
          {field(
            "queue",
            "Queue",
            <Select {...fieldProps("queue")}>
              <option value="">All queues</option>
              {QUEUE_KEYS.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </Select>,
          )}
          {field(
            "state",
            "State",
            <Select {...fieldProps("state")}>
              <option value="">Any state</option>
              {STATES.map((state) => (
                <option key={state} value={state}>
                  {state}
                </option>
              ))}
            </Select>,
          )}
          {field(
            "organization",
            "Organisation",
            <Select {...fieldProps("organization")}>
              <option value="">All organisations</option>
              {organizations.data?.organizations.map((organization) => (
                <option key={organization.id} value={organization.slug}>
                  {organization.name}
                </option>
              ))}
            </Select>,
          )}
          {field("from", "Created from", <TextInput {...fieldProps("from")} type="date" />)}
          {field("to", "Created to (inclusive)", <TextInput {...fieldProps("to")} type="date" />)}
        </FilterBar>
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
          <ResultTable data={data} organizationNames={organizationNames} />
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

function ResultTable({ data, organizationNames }: { data: RunSearchPage; organizationNames: Map<string, string> }) {
  return (
    <Table data-testid="search-results" caption="Jobs matching the search, newest first">
      <THead>
        <Th>Job</Th>
        <Th>Queue</Th>
        <Th>State</Th>
        <Th>Subject</Th>
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
              {run.failedReason && (run.state === "failed" || run.state === "cancelled" || run.state === "lost") ? (
                <p className="mt-1 line-clamp-1 max-w-64 text-xs text-slate-600 dark:text-slate-400" title={run.failedReason}>
                  {run.failedReason}
                </p>
              ) : null}
            </Td>
            <Td>
              {run.subject ? (
                <>
                  <span className="font-mono text-xs" title={run.subject.kindLabel}>{run.subject.label}</span>
                  {run.subject.detail ? <div className="max-w-48 truncate text-xs text-slate-600 dark:text-slate-400">{run.subject.detail}</div> : null}
                </>
              ) : (
                <span className="text-slate-500">—</span>
              )}
            </Td>
            <Td className="max-w-48 truncate" title={run.owner?.email}>
              {run.owner?.name ?? <span className="text-slate-500">—</span>}
              {run.organizationId ? (
                <div className="truncate text-xs text-slate-600 dark:text-slate-400" data-testid="run-organization">
                  {organizationNames.get(run.organizationId) ?? run.organizationId}
                </div>
              ) : null}
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
