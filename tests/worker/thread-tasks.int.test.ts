import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import type { QueueKey } from "@/lib/jobs/catalog";
import { queueManager } from "@/lib/jobs/queue-manager";
import { threadTasksModule, type Processor } from "@/worker/processor";
import type { WorkerManager } from "@/worker/worker-manager";
import { createTestUser } from "../helpers/fixtures";
import { startTestWorker, waitFor } from "../helpers/worker";
import { DOCUMENTED_DATA, documentedResult } from "../helpers/documented-jobs";

let owner: Principal;
let worker: WorkerManager | undefined;

beforeAll(async () => {
  owner = (await createTestUser("ADMIN")).principal;
});

afterEach(async () => {
  await worker?.stop(5_000);
  worker = undefined;
  await Promise.all((["export", "analytics"] as const).map((key) => queueManager().queue(key).obliterate({ force: true })));
});

async function completedResult(queue: QueueKey): Promise<unknown> {
  const added = await enqueueJob({ queue, name: `${queue}-threads`, data: DOCUMENTED_DATA[queue], owner });
  if (!added.ok) throw new Error(added.code);
  const run = await waitFor(async () => {
    const row = await db().jobRun.findUnique({ where: { id: added.jobId } });
    return row?.state === "COMPLETED" ? row : null;
  });
  return run.result;
}

describe("thread tasks", () => {
  it("each queue's threads load only its own processor's tasks module", async () => {
    // Each fixture module records its own import in the thread's list of loaded modules.
    const exporter: Processor<"export", typeof import("../fixtures/export-tasks").threadTasks> = {
      threadTasks: threadTasksModule(new URL("../fixtures/export-tasks.ts", import.meta.url)),
      run: async (_job, context) => ({ ...documentedResult("export"), exportId: (await context.threads.run("loadedModules", [], context.signal)).join(",") }),
    };
    const analyst: Processor<"analytics", typeof import("../fixtures/analytics-tasks").threadTasks> = {
      threadTasks: threadTasksModule(new URL("../fixtures/analytics-tasks.ts", import.meta.url)),
      run: async (_job, context) => ({ ...documentedResult("analytics"), reportId: (await context.threads.run("loadedModules", [], context.signal)).join(",") }),
    };
    worker = await startTestWorker(["export", "analytics"], { export: exporter, analytics: analyst });

    expect(await completedResult("export")).toMatchObject({ exportId: "export-tasks" });
    expect(await completedResult("analytics")).toMatchObject({ reportId: "analytics-tasks" });
    // Declaring the tasks does not load them in the worker's main thread either.
    expect((await import("../fixtures/loaded-task-modules")).loadedTaskModules).toEqual([]);
  });
});
