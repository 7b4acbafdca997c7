import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { queueManager } from "@/lib/jobs/queue-manager";
import { emailChannel } from "@/lib/notifications/email";
import { inAppChannel } from "@/lib/notifications/in-app";
import { createNotificationProcessor } from "@/worker/processors/notification.processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";

/** The notification queue end to end: a real worker, a real SMTP server, the bell's table. */
const received: string[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (address.address.startsWith("gone")) return callback(Object.assign(new Error("5.1.1 No such mailbox"), { responseCode: 550 }));
    callback();
  },
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      received.push(Buffer.concat(chunks).toString());
      callback();
    });
  },
});

let manager: WorkerManager;
let email: ReturnType<typeof emailChannel>;
let admin: TestUser;
let planner: TestUser;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  email = emailChannel({ smtpUrl: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, from: "CapLiquify <n@capliquify.test>" });
  [admin, planner] = await Promise.all([createTestUser("ADMIN"), createTestUser("PLANNER")]);
  manager = await startTestWorker(["notification"], { notification: createNotificationProcessor(() => ({ IN_APP: inAppChannel(), EMAIL: email })) });
});

afterAll(async () => {
  await manager?.stop();
  email.close();
  await queueManager().queue("notification").obliterate({ force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const send = (data: Record<string, unknown>) => enqueueJob({ queue: "notification", name: "notify", data, owner: admin });
const finished = (jobId: string) => waitFor(async () => {
  const run = await db().jobRun.findUnique({ where: { id: jobId } });
  return run && (run.state === "COMPLETED" || run.state === "FAILED") ? run : null;
});

describe("notification jobs", () => {
  it("IN_APP writes one bell row under the job's id; EMAIL reaches the SMTP server with the event's template", async () => {
    const inApp = await send({ userId: planner.id, type: "IN_APP", title: "Hello", message: "From the admin", data: { event: "report-ready", path: "/reports/1" } });
    const mail = await send({ userId: planner.id, type: "EMAIL", title: "Report ready", message: "Turnover, last quarter", data: { event: "report-ready", path: "/reports/1" } });
    if (!inApp.ok || !mail.ok) throw new Error("enqueue failed");
    expect(await finished(inApp.jobId)).toMatchObject({ state: "COMPLETED" });
    expect(await db().notification.findUniqueOrThrow({ where: { id: inApp.jobId } })).toMatchObject({ userId: planner.id, kind: "report.ready", title: "Hello", link: "/reports/1" });
    const run = await finished(mail.jobId);
    expect(run).toMatchObject({ state: "COMPLETED", result: { success: true, type: "EMAIL", notificationId: `<${mail.jobId}@capliquify.test>` } });
    const message = received.find((raw) => raw.includes(mail.jobId))!;
    expect(message).toContain("Open the report");
    expect(message).toMatch(/List-Unsubscribe:\s+<http:\/\/[^>]+\/api\/v1\/notifications\/opt-out\?token=/);
  });

  it("a permanent refusal fails the job at once with the server's reply as its reason", async () => {
    const user = await createTestUser("PLANNER");
    await db().user.update({ where: { id: user.id }, data: { email: `gone-${user.id}@capliquify.test` } });
    const job = await send({ userId: user.id, type: "EMAIL", title: "Failed", message: "x", data: { event: "job-failed" } });
    if (!job.ok) throw new Error("enqueue failed");
    const run = await finished(job.jobId);
    expect(run).toMatchObject({ state: "FAILED", attempts: 1 });
    expect(run.failedReason).toContain("No such mailbox");
  });

  it("a channel this installation lacks fails the job for good, naming it", async () => {
    const job = await send({ userId: planner.id, type: "SMS", title: "t", message: "m" });
    if (!job.ok) throw new Error("enqueue failed");
    const run = await finished(job.jobId);
    expect(run).toMatchObject({ state: "FAILED", attempts: 1 });
    expect(run.failedReason).toContain("SMS channel is not available");
  });
});
