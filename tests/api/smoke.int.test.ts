import { beforeAll, describe, expect, it } from "vitest";
import * as queues from "@/app/api/v1/queues/route";
import * as jobs from "@/app/api/v1/queues/[queueKey]/jobs/route";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";

let planner: TestUser;

beforeAll(async () => {
  planner = await createTestUser("PLANNER");
});

describe("harness", () => {
  it("lists the seven queues for an API key", async () => {
    const response = await call(queues.GET, { auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(200);
    expect(response.json.queues).toHaveLength(7);
  });

  it("rejects an unknown queue with 404", async () => {
    const response = await call(jobs.POST, { method: "POST", params: { queueKey: "nope" }, body: {}, auth: { apiKey: planner.apiKey } });
    expect(response.status).toBe(404);
  });
});
