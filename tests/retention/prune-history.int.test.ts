import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlPool } from "@/lib/db";
import { createRedis } from "@/lib/redis";
import { pruneHistory } from "@/lib/retention/prune-history";
import { MaintenanceWorker } from "@/worker/maintenance/maintenance-worker";
import { receiveUpload } from "@/lib/uploads/receive-upload";
import { uploadFilePath } from "@/lib/uploads/upload-store";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { waitFor } from "../helpers/worker";

const DAY = 86_400_000;
let user: TestUser;

beforeAll(async () => {
  user = await createTestUser("PLANNER");
});

afterAll(async () => {
  await db().notification.deleteMany({ where: { userId: user.id } });
  await db().upload.deleteMany({ where: { ownerId: user.id } });
});

/** A notification and a timeline event of a made-up run, `ageDays` old; returns their ids. */
async function history(ageDays: number, now = Date.now()) {
  const at = new Date(now - ageDays * DAY);
  const runId = `retention-${randomUUID()}`;
  const notification = await db().notification.create({ data: { userId: user.id, kind: "job.completed", title: "t", body: "b", jobId: runId, createdAt: at } });
  const event = await db().jobRunEvent.create({ data: { runId, kind: "progress", at, message: "m" } });
  return { notificationId: notification.id, eventId: event.id };
}

async function exists({ notificationId, eventId }: { notificationId: string; eventId: bigint }) {
  const [notification, event] = await Promise.all([
    db().notification.findUnique({ where: { id: notificationId } }),
    db().jobRunEvent.findUnique({ where: { id: eventId } }),
  ]);
  return { notification: notification !== null, event: event !== null };
}

describe("history retention", () => {
  it("deletes notifications and timeline events past their retention, and keeps younger ones", async () => {
    const now = new Date();
    const old = await history(100, now.getTime());
    const young = await history(10, now.getTime());
    // The two rules are separate: at 50 days an event is past the 30-day timeline rule, a notification within its 90 days.
    const middle = await history(50, now.getTime());
    const outcome = await pruneHistory({ notificationDays: 90, timelineDays: 30 }, { now });
    expect(outcome.notifications).toBeGreaterThanOrEqual(1);
    expect(outcome.timelineEvents).toBeGreaterThanOrEqual(2);
    expect(await exists(old)).toEqual({ notification: false, event: false });
    expect(await exists(middle)).toEqual({ notification: true, event: false });
    expect(await exists(young)).toEqual({ notification: true, event: true });
  });

  it("works through more rows than one batch", async () => {
    const at = new Date(Date.now() - 200 * DAY);
    const runId = `retention-bulk-${randomUUID()}`;
    await sqlPool(db()).query(
      `INSERT INTO "JobRunEvent" ("runId", "kind", "at", "message") SELECT $1, 'log', $2::timestamp, 'x' FROM generate_series(1, 12000)`,
      [runId, at.toISOString().replace("Z", "")],
    );
    const outcome = await pruneHistory({ notificationDays: 90, timelineDays: 90 });
    expect(outcome.timelineEvents).toBeGreaterThanOrEqual(12_000);
    expect(await db().jobRunEvent.count({ where: { runId } })).toBe(0);
  });

  it("runs on the maintenance worker's schedule, expired uploads included", async () => {
    const old = await history(120);
    const young = await history(1);
    const upload = async (ageDays: number) => {
      const boundary = "retention-boundary";
      const request = new Request("http://localhost/api/v1/uploads", {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nSKU\r\n1\r\n--${boundary}--\r\n`,
      });
      const made = await receiveUpload(request, { id: user.id, organizationId: user.organizationId }, { now: () => new Date(Date.now() - ageDays * DAY) });
      return { id: made.uploadId, file: uploadFilePath((await db().upload.findUniqueOrThrow({ where: { id: made.uploadId } })).path) };
    };
    // Uploads are kept 30 days (the import queue's failed-run retention).
    const expiredUpload = await upload(31);
    const keptUpload = await upload(1);
    const worker = new MaintenanceWorker({
      db: db(),
      createConnection: () => createRedis("worker"),
      prefix: process.env.REDIS_PREFIX!,
      logger: pino({ level: "silent" }),
      backfillFingerprints: false,
      alerts: false,
      retention: { everyMs: 200, policy: { notificationDays: 90, timelineDays: 90 } },
    });
    await worker.start();
    try {
      await waitFor(async () => !(await exists(old)).notification && !(await exists(old)).event, 15_000);
      expect(await exists(young)).toEqual({ notification: true, event: true });
      await waitFor(async () => (await db().upload.findUnique({ where: { id: expiredUpload.id } })) === null, 15_000);
      expect(existsSync(expiredUpload.file)).toBe(false);
      expect(await db().upload.findUnique({ where: { id: keptUpload.id } })).not.toBeNull();
      expect(existsSync(keptUpload.file)).toBe(true);
    } finally {
      await worker.stop(5_000);
    }
  });
});
