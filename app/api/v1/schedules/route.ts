import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { scheduleError } from "@/lib/api/schedule-response";
import { createSchedule, createScheduleSchema, listSchedules } from "@/lib/schedules/schedules";

export const dynamic = "force-dynamic";

const query = z.object({ organization: organizationParam.optional() });

// GET /api/v1/schedules?organization= — schedules with their next run times; a planner's organisation's, all for an admin (user)
export const GET = apiRoute({
  auth: "user",
  redis: true,
  query,
  doc: {
    summary: "Scheduled runs with their next run times, newest first",
    description: "A planner sees their organisation's schedules; an admin sees every organisation's, or one with `organization`.",
  },
}, async ({ principal, query }) => {
  return { schedules: await listSchedules(principal, { organizationId: await readScope(principal, query.organization) }) };
});

// POST /api/v1/schedules { name, queue, data, cron|everyMs, timezone } — create a schedule → 201 { schedule } (user; queues the role may enqueue)
export const POST = apiRoute({
  auth: "user",
  redis: true,
  body: createScheduleSchema,
  doc: {
    summary: "Create a schedule: a cron pattern in a time zone, or an interval",
    description: "Each tick starts a normal job owned by the schedule's creator. `data` is checked against the queue's catalogue payload as a launch would be.",
    responses: { 201: "Created: `{ schedule }`, with its URL in `Location`" },
    errors: { forbidden: "The caller's role may not enqueue this queue's jobs.", "unprocessable-entity": "A bad cron pattern, time zone or job data, with the field path." },
  },
}, async ({ principal, body }) => {
  const result = await createSchedule(principal, body);
  if (!result.ok) throw scheduleError(result);
  return Response.json({ schedule: result.schedule }, { status: 201, headers: { location: `/api/v1/schedules/${result.schedule.id}` } });
});
