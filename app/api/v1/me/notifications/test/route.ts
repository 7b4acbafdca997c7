import { enqueueError } from "@/lib/api/enqueue-response";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { sendTestNotification, testNotificationSchema } from "@/lib/push/send-test-notification";

export const dynamic = "force-dynamic";

// POST /api/v1/me/notifications/test { channels } — send the caller a test message on each channel (user)
export const POST = apiRoute({
  auth: "user",
  redis: true,
  body: testNotificationSchema,
  doc: {
    summary: "Send yourself a test message on the channels you name",
    description: "One notification job per channel, to the caller only (the notification queue itself is admin-only, since its jobs may name anyone). Each job's run shows whether the channel delivered.",
    tag: "me",
    responses: { 201: "Jobs added: `{ jobs: [{ jobId, name, state, channel }] }`" },
    errors: { conflict: "A test was sent less than a minute ago (a text message costs money); the message says when to try again." },
  },
}, async ({ principal, body }) => {
  const result = await sendTestNotification(principal, body.channels);
  if (!result.ok && result.code === "too-soon") throw new ApiError("conflict", `You sent a test message less than a minute ago; try again in ${result.retryInSeconds} s`);
  if (!result.ok) throw enqueueError(result, { root: (index) => `body.channels[${index}]` });
  return Response.json({ jobs: result.jobs.map((job, index) => ({ ...job, channel: body.channels[index] })) }, { status: 201 });
});
