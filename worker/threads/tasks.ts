import { forecast } from "../../lib/forecasting";

/**
 * CPU-bound work that runs in worker threads, so a job that overruns its timeout can be stopped
 * by terminating its thread without stopping the worker process.
 */
export const threadTasks = {
  forecast,
};
