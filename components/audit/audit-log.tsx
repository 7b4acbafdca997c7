"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { AuditEntry, AuditPage } from "../api/types";
import { formatInteger } from "../format";
import { Alert } from "../ui/alert";
import { Badge, type BadgeTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Select, TextInput } from "../ui/field";
import { FilterBar, FilterField, useUrlFilters } from "../ui/filter-bar";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";

const FILTERS = ["action", "actor", "target", "from", "to"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function readFilters(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ""])) as Filters;
}

/** The filters in use, as the API's query (empty ones are no filter). */
function filterQuery(filters: Filters): URLSearchParams {
  return new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
}

// UTC, like the date filters, so a time read off the table can be typed back into them.
const when = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "UTC" });

function actionTone(action: string): BadgeTone {
  if (/clean|remove|delete|cancel/.test(action)) return "danger";
  if (/pause/.test(action)) return "warning";
  if (/retry|resume/.test(action)) return "success";
  return "accent";
}

/** The audit log with filters kept in the URL (deep links), newest first, loaded a page at a time. */
export function AuditLog() {
  const [filters, apply] = useUrlFilters(readFilters);
  const query = filterQuery(filters).toString();
  const filtered = query.length > 0;

  const entries = useInfiniteQuery({
    queryKey: queryKeys.audit.list(filters),
    queryFn: ({ signal, pageParam }) => {
      const params = filterQuery(filters);
      if (pageParam) params.set("cursor", pageParam);
      return getJson<AuditPage & { actions?: string[] }>(`/api/v1/audit?${params}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    retry: false,
  });

  const rows = entries.data?.pages.flatMap((page) => page.entries) ?? [];
  const actions = entries.data?.pages[0]?.actions ?? [];

  return (
    <div className="space-y-4">
      {/* Remounted when the applied filters change (a link, back/forward), so the fields show them. */}
      <FilterForm key={query} initial={filters} actions={actions} onApply={apply} />
      {entries.isError ? <Alert tone="error" title="Could not load the audit log">{errorMessage(entries.error)}</Alert> : null}
      <Card aria-label="Audit entries" data-testid="audit-table">
        {entries.isPending ? (
          <div className="space-y-2 p-5" aria-busy aria-label="Loading audit entries">
            {Array.from({ length: 5 }, (_, index) => (
              <Skeleton key={index} className="h-8 w-full" />
            ))}
          </div>
        ) : rows.length === 0 && !entries.isError ? (
          <EmptyState className="m-5" title={filtered ? "No entry matches these filters" : "No admin action recorded yet"}>
            {filtered ? "Change or clear the filters above." : "Pauses, cleans, retries and limit changes appear here."}
          </EmptyState>
        ) : (
          <Table className="min-w-[44rem]" caption="Admin actions, newest first">
            <THead>
              <Th>When (UTC)</Th>
              <Th>Who</Th>
              <Th>Action</Th>
              <Th>Target</Th>
              <Th align="right">Jobs</Th>
              <Th>Details</Th>
            </THead>
            <TBody>
              {rows.map((entry) => (
                <Row key={entry.id} entry={entry} />
              ))}
            </TBody>
          </Table>
        )}
        {entries.hasNextPage ? (
          <div className="border-t border-slate-200 px-5 py-3 text-center dark:border-slate-800">
            <Button variant="secondary" size="sm" loading={entries.isFetchingNextPage} onClick={() => void entries.fetchNextPage()}>
              Load older entries
            </Button>
          </div>
        ) : rows.length > 0 ? (
          <p className="border-t border-slate-200 px-5 py-3 text-center text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
            {formatInteger(rows.length)} entr{rows.length === 1 ? "y" : "ies"}, oldest reached.
          </p>
        ) : null}
      </Card>
    </div>
  );
}

function Row({ entry }: { entry: AuditEntry }) {
  const details = entry.details && typeof entry.details === "object" && Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details, null, 2) : null;
  return (
    <Tr data-testid="audit-row" hover={false}>
      <Td className="whitespace-nowrap tabular-nums">
        <time dateTime={entry.at} title={entry.at}>
          {when.format(new Date(entry.at))}
        </time>
      </Td>
      <Td>
        {entry.actor ? (
          <>
            <p className="font-medium text-slate-900 dark:text-slate-100">{entry.actor.name ?? entry.actor.email}</p>
            <p className="text-xs text-slate-600 dark:text-slate-400">{entry.actor.email}</p>
          </>
        ) : (
          <span className="text-slate-600 italic dark:text-slate-400">deleted user</span>
        )}
      </Td>
      <Td>
        <Badge tone={actionTone(entry.action)}>{entry.action}</Badge>
      </Td>
      <Td className="max-w-48 truncate font-mono text-xs text-slate-900 dark:text-slate-100" title={entry.target}>
        {entry.target}
      </Td>
      <Td numeric className="text-slate-900 dark:text-slate-100">
        {entry.jobCount === null ? "—" : formatInteger(entry.jobCount)}
      </Td>
      <Td>
        {details ? (
          <details>
            <summary className="cursor-pointer rounded-sm text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300">Show</summary>
            <pre className="mt-1 max-w-md overflow-x-auto rounded-md bg-slate-50 p-2 text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200">{details}</pre>
          </details>
        ) : (
          <span className="text-slate-500">—</span>
        )}
      </Td>
    </Tr>
  );
}

function FilterForm({ initial, actions, onApply }: { initial: Filters; actions: string[]; onApply: (filters: Filters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<Filters>(initial);
  const set = (name: keyof Filters) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [name]: event.target.value }));
  const rangeError = draft.from && draft.to && draft.from > draft.to ? "The end date is before the start date" : null;
  // The current filter may name an action not recorded (yet): keep it selectable.
  const choices = initial.action && !actions.includes(initial.action) ? [initial.action, ...actions] : actions;
  return (
    <Card className="px-5 py-4">
      <FilterBar
        label="Filter the audit log"
        columns="grid-cols-2 md:grid-cols-3 lg:grid-cols-5"
        onSubmit={() => {
          if (!rangeError) onApply(draft);
        }}
        actions={
          <>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                const none = readFilters(new URLSearchParams());
                setDraft(none);
                onApply(none);
              }}
            >
              Clear
            </Button>
            <Button type="submit" size="sm" disabled={Boolean(rangeError)}>
              Apply filters
            </Button>
          </>
        }
      >
        <FilterField id={`${id}-action`} label="Action">
          <Select id={`${id}-action`} value={draft.action} onChange={set("action")}>
            <option value="">Any action</option>
            {choices.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </Select>
        </FilterField>
        <FilterField id={`${id}-actor`} label="Who">
          <TextInput id={`${id}-actor`} placeholder="Name or email" value={draft.actor} onChange={set("actor")} />
        </FilterField>
        <FilterField id={`${id}-target`} label="Target">
          <TextInput id={`${id}-target`} placeholder="Queue, job id…" value={draft.target} onChange={set("target")} />
        </FilterField>
        <FilterField id={`${id}-from`} label="From (UTC)">
          <TextInput id={`${id}-from`} type="date" value={draft.from} onChange={set("from")} />
        </FilterField>
        <FilterField id={`${id}-to`} label="To (UTC)" error={rangeError}>
          <TextInput
            id={`${id}-to`}
            type="date"
            value={draft.to}
            onChange={set("to")}
            aria-invalid={rangeError ? true : undefined}
            aria-describedby={rangeError ? `${id}-to-error` : undefined}
          />
        </FilterField>
      </FilterBar>
    </Card>
  );
}
