import { apiRoute } from "@/lib/api/handler";
import { idParams } from "@/lib/api/params";
import { scheduleError } from "@/lib/api/schedule-response";
import { deleteSchedule, getSchedule, updateSchedule, updateScheduleSchema } from "@/lib/schedules/schedules";

export const dynamic = "force-dynamic";

const notFound = "No schedule with this id (a planner's are their organisation's only).";

// GET /api/v1/schedules/:id — one schedule with its next run times and last run (user; own organisation's)
export const GET = apiRoute({
  auth: "user",
  redis: true,
  params: idParams,
  doc: { summary: "One schedule with its next run times and last run", errors: { "not-found": notFound } },
}, async ({ principal, params }) => {
  const result = await getSchedule(principal, params.id);
  if (!result.ok) throw scheduleError(result, params.id);
  return { schedule: result.schedule };
});

// PATCH /api/v1/schedules/:id { name?, data?, cron?|everyMs?, timezone?, paused? } — edit, pause or resume a schedule (user; own organisation's)
export const PATCH = apiRoute({
  auth: "user",
  redis: true,
  params: idParams,
  body: updateScheduleSchema,
  doc: {
    summary: "Edit a schedule; `paused: true` pauses it (no runs, kept), `paused: false` resumes it",
    errors: { "not-found": notFound, forbidden: "The caller's role may not enqueue this queue's jobs.", "unprocessable-entity": "A bad cron pattern, time zone or job data, with the field path." },
  },
}, async ({ principal, params, body }) => {
  const result = await updateSchedule(principal, params.id, body);
  if (!result.ok) throw scheduleError(result, params.id);
  return { schedule: result.schedule };
});

// DELETE /api/v1/schedules/:id — delete a schedule; the runs it started stay (user; own organisation's)
export const DELETE = apiRoute({
  auth: "user",
  redis: true,
  params: idParams,
  doc: { summary: "Delete a schedule; the runs it started stay in the ledger", errors: { "not-found": notFound, forbidden: "The caller's role may not enqueue this queue's jobs." } },
}, async ({ principal, params }) => {
  const result = await deleteSchedule(principal, params.id);
  if (!result.ok) throw scheduleError(result, params.id);
  return { deleted: true };
});
