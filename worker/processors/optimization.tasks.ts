import loadHighs from "highs";
import { allocate, type AllocationProblem } from "../../lib/inventory/allocation";

// One HiGHS instance per thread, made when the thread loads this module: instantiating the
// WebAssembly is the slow part, each solve gets a fresh solver inside it.
const highs = await loadHighs();

/**
 * The optimisation queue's CPU-bound work, run in its worker threads: an allocation LP that runs
 * past the job's timeout is stopped by terminating its thread.
 */
export const threadTasks = {
  allocate: (problem: AllocationProblem) => allocate(problem, highs),
};
