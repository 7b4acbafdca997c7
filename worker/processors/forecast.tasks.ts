import { forecast } from "../../lib/forecasting";

/**
 * The forecast queue's CPU-bound work, run in its worker threads, so a job that overruns its
 * timeout can be stopped by terminating its thread without stopping the worker process.
 */
export const threadTasks = {
  forecast,
};
