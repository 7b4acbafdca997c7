import { beforeAll, describe, expect, it } from "vitest";
import * as testMessage from "@/app/api/v1/me/notifications/test/route";
import * as queueJobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { db } from "@/lib/db";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";

/** "Send a test message": anyone may send one, to themselves only, though the notification queue is admin-only. */
let planner: TestUser;

beforeAll(async () => {
  planner = await createTestUser("PLANNER");
});

const send = (user: TestUser, body: unknown) => call(testMessage.POST, { method: "POST", path: "/api/v1/me/notifications/test", body, auth: { apiKey: user.apiKey } });

describe("POST /api/v1/me/notifications/test", () => {
  it("enqueues one notification job per channel to the caller, though a planner may not use the queue itself", async () => {
    const answer = await send(planner, { channels: ["IN_APP", "EMAIL"] });
    expect(answer.status).toBe(201);
    expect(answer.json.jobs.map((job: { channel: string; state: string }) => [job.channel, job.state])).toEqual([["IN_APP", "waiting"], ["EMAIL", "waiting"]]);
    const runs = await db().jobRun.findMany({ where: { id: { in: answer.json.jobs.map((job: { jobId: string }) => job.jobId) } } });
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).toMatchObject({ queue: "notification", name: "test-notification", ownerId: planner.id, organizationId: planner.organizationId });
      expect(run.data).toMatchObject({ userId: planner.id, title: "Test message" });
    }
    const direct = await call(queueJobs.POST, {
      method: "POST",
      path: "/api/v1/queues/notification/jobs",
      params: { queueKey: "notification" },
      body: { name: "x", data: { userId: planner.id, type: "IN_APP", title: "t", message: "m" } },
      auth: { apiKey: planner.apiKey },
    });
    expect(direct.status).toBe(403);
  });

  it("sends at most one test a minute per user (a text message costs money)", async () => {
    const user = await createTestUser("PLANNER");
    expect((await send(user, { channels: ["IN_APP"] })).status).toBe(201);
    const again = await send(user, { channels: ["IN_APP"] });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/less than a minute ago; try again in \d+ s/);
    // Another user is not held up by it.
    expect((await send(await createTestUser("PLANNER"), { channels: ["IN_APP"] })).status).toBe(201);
  });

  it.each([
    ["no channel", { channels: [] }, "body.channels"],
    ["an unknown channel", { channels: ["FAX"] }, "body.channels.0"],
    ["a channel twice", { channels: ["SMS", "SMS"] }, "body.channels"],
  ])("refuses %s", async (_case, body, path) => {
    const answer = await send(planner, body);
    expect(answer.status).toBe(422);
    expect(answer.json.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
  });

  it("needs a signed-in caller", async () => {
    expect((await call(testMessage.POST, { method: "POST", path: "/api/v1/me/notifications/test", body: { channels: ["IN_APP"] } })).status).toBe(401);
  });
});
