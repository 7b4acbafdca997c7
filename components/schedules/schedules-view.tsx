"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { scopeLabel } from "@/lib/jobs/batch-contract";
import { QUEUE_KEYS, queueDefinition, type Role } from "@/lib/jobs/catalog";
import { queryKeys } from "@/lib/query-keys";
import { CRON_PRESETS } from "@/lib/schedules/cron-presets";
import type { ScheduleView } from "@/lib/schedules/schedules";
import { getJson, patchJson } from "../api/api-client";
import { ConfirmDialog } from "../jobs/confirm-dialog";
import { deleteJson, jobHref } from "../jobs/job-api";
import { QueryError } from "../query-error";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";
import { ScheduleDialog } from "./schedule-dialog";

const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A moment in a zone, with the zone's short name: "Thu 3 Dec, 02:00 CET". */
function inZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(iso));
}

function describeTiming(schedule: Pick<ScheduleView, "cron" | "everyMs" | "timezone">): string {
  if (schedule.cron !== null) {
    const preset = CRON_PRESETS.find((candidate) => candidate.cron === schedule.cron);
    return `${preset ? preset.label : schedule.cron} (${schedule.timezone})`;
  }
  const minutes = schedule.everyMs! / 60_000;
  return minutes % 60 === 0 ? `Every ${minutes / 60} h` : `Every ${minutes} min`;
}

/**
 * The schedules the viewer may manage (a planner's organisation's, every one for an admin): when
 * each runs next, in the schedule's zone and the viewer's, its last run, and create, edit, pause,
 * resume and delete.
 */
export function SchedulesView({ role }: { role: Role }) {
  const queryClient = useQueryClient();
  const schedules = useQuery({
    queryKey: queryKeys.schedules.all,
    queryFn: ({ signal }) => getJson<{ schedules: ScheduleView[] }>("/api/v1/schedules", { signal }),
    // Next run times move on as ticks pass.
    refetchInterval: 30_000,
  });
  const [editing, setEditing] = useState<ScheduleView | "new" | null>(null);
  const [deleting, setDeleting] = useState<ScheduleView | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.schedules.all });
  const pause = useMutation({
    mutationFn: (schedule: ScheduleView) => patchJson(`/api/v1/schedules/${encodeURIComponent(schedule.id)}`, { paused: !schedule.paused }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (schedule: ScheduleView) => deleteJson(`/api/v1/schedules/${encodeURIComponent(schedule.id)}`),
    onSuccess: () => setDeleting(null),
    onSettled: refresh,
  });
  const queues = QUEUE_KEYS.filter((key) => queueDefinition(key).enqueueRoles.includes(role));
  const zone = viewerZone();

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button onClick={() => setEditing("new")} data-testid="new-schedule">
          New schedule
        </Button>
      </div>
      {schedules.error ? <QueryError title="Could not load the schedules" query={schedules} /> : null}
      <Card>
        {schedules.data && schedules.data.schedules.length === 0 ? (
          <EmptyState title="No schedules yet">Schedule a nightly forecast, a weekly optimisation or a monthly report; each run is a normal job you can follow in My runs.</EmptyState>
        ) : (
          <Table caption="Schedules">
            <THead>
              <Th>Name</Th>
              <Th>When</Th>
              <Th>Next run</Th>
              <Th>Last run</Th>
              <Th>Owner</Th>
              <Th align="right">Actions</Th>
            </THead>
            <TBody>
              {(schedules.data?.schedules ?? []).map((schedule) => (
                <Tr key={schedule.id} data-testid="schedule-row" data-schedule-id={schedule.id}>
                  <Td>
                    <div className="font-medium text-slate-900 dark:text-white">{schedule.name}</div>
                    <div className="text-xs text-slate-600 dark:text-slate-400">
                      {schedule.queueLabel}
                      {schedule.batch ? ` · batch of ${scopeLabel(schedule.batch)}` : null}
                    </div>
                  </Td>
                  <Td>{describeTiming(schedule)}</Td>
                  <Td data-testid="next-run">
                    {schedule.paused ? (
                      <Badge tone="warning">Paused</Badge>
                    ) : schedule.nextRuns[0] ? (
                      <>
                        <time dateTime={schedule.nextRuns[0]}>{inZone(schedule.nextRuns[0], schedule.timezone)}</time>
                        {zone !== schedule.timezone ? <div className="text-xs text-slate-600 dark:text-slate-400">{inZone(schedule.nextRuns[0], zone)} your time</div> : null}
                      </>
                    ) : (
                      "—"
                    )}
                  </Td>
                  <Td>
                    {schedule.lastRun ? (
                      <Link className="underline" href={jobHref(schedule.queue, schedule.lastRun.jobId)}>
                        {inZone(schedule.lastRun.at, zone)}
                      </Link>
                    ) : (
                      <span className="text-slate-500">Not run yet</span>
                    )}
                  </Td>
                  <Td>{schedule.createdBy.name}</Td>
                  <Td align="right">
                    <div className="flex justify-end gap-2">
                      <Button size="sm" variant="secondary" onClick={() => setEditing(schedule)}>
                        Edit
                      </Button>
                      <Button size="sm" variant="secondary" loading={pause.isPending && pause.variables?.id === schedule.id} onClick={() => pause.mutate(schedule)}>
                        {schedule.paused ? "Resume" : "Pause"}
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => setDeleting(schedule)}>
                        Delete
                      </Button>
                    </div>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <ScheduleDialog
        open={editing !== null}
        schedule={editing === "new" ? undefined : (editing ?? undefined)}
        queues={queues}
        defaultZone={zone}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void refresh();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete "${deleting?.name ?? ""}"?`}
        confirmLabel="Delete schedule"
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        No more runs start; the runs it already started stay in the history.
      </ConfirmDialog>
    </div>
  );
}
