import { parentPort, workerData } from "node:worker_threads";

interface TaskMessage {
  id: number;
  task: string;
  args: unknown[];
}

// The task module is named by the pool, so tests can run their own CPU-bound tasks the same way.
const { threadTasks } = (await import(workerData.tasksModule as string)) as {
  threadTasks: Record<string, (...args: unknown[]) => unknown>;
};

parentPort!.on("message", ({ id, task, args }: TaskMessage) => {
  try {
    const run = threadTasks[task];
    if (!run) throw new Error(`Unknown thread task "${task}"`);
    parentPort!.postMessage({ id, ok: true, value: run(...args) });
  } catch (error) {
    const err = error as Error;
    parentPort!.postMessage({ id, ok: false, error: { name: err.name, message: err.message } });
  }
});
