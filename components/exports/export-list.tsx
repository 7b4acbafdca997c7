"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { errorMessage, getJson } from "../api/api-client";
import type { ExportFileView } from "../api/types";
import { formatDateTime } from "../format";
import { useJobEvents } from "../job-events-provider";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { EmptyState } from "../ui/empty-state";
import { Skeleton } from "../ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { EXPORT_ENTITY_LABELS, EXPORT_FORMAT_LABELS, formatBytes, type ExportEntity, type ExportFormat } from "./export-options";

const LIMIT = 50;

/** The caller's exports (an admin's: everyone's), newest first, each downloadable until it expires. */
export function ExportList() {
  const queryClient = useQueryClient();
  // A finished export adds a file: its event (SSE) refreshes the list.
  useJobEvents((event) => {
    if (event.type === "export" && event.event === "job:complete") void queryClient.invalidateQueries({ queryKey: queryKeys.exports.all });
  });
  const list = useQuery({
    queryKey: queryKeys.exports.list(LIMIT),
    queryFn: ({ signal }) => getJson<{ exports: ExportFileView[] }>(`/api/v1/exports?limit=${LIMIT}`, { signal }),
  });
  if (list.isPending) return <Skeleton className="m-5 h-24" />;
  if (list.isError) return <Alert tone="error" className="m-5" title="Could not load your exports">{errorMessage(list.error)}</Alert>;
  if (list.data.exports.length === 0) return <EmptyState title="No exports yet" className="rounded-none border-0 py-10">Exports you run appear here, with their files.</EmptyState>;
  return (
    <Table caption="Your exports, newest first">
      <THead>
        <Tr hover={false}>
          <Th>File</Th>
          <Th>Data</Th>
          <Th align="right">Rows</Th>
          <Th align="right">Size</Th>
          <Th>Made (UTC)</Th>
          <Th>Download</Th>
        </Tr>
      </THead>
      <TBody>
        {list.data.exports.map((file) => (
          <Tr key={file.id}>
            <Td className="font-medium break-all text-slate-900 dark:text-slate-100">{file.fileName}</Td>
            <Td>
              {EXPORT_ENTITY_LABELS[file.entity as ExportEntity]?.label ?? file.entity} · {EXPORT_FORMAT_LABELS[file.format as ExportFormat] ?? file.format}
            </Td>
            <Td align="right" className="tabular-nums">{file.rows.toLocaleString("en-US")}</Td>
            <Td align="right" className="tabular-nums">{formatBytes(file.bytes)}</Td>
            <Td className="whitespace-nowrap">{formatDateTime(file.createdAt)}</Td>
            <Td className="whitespace-nowrap">
              {file.expired ? (
                <Badge tone="neutral">Expired</Badge>
              ) : (
                <a href={file.downloadUrl} download={file.fileName} className="font-medium text-indigo-700 hover:underline dark:text-indigo-400" aria-label={`Download ${file.fileName}`}>
                  Download
                </a>
              )}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
