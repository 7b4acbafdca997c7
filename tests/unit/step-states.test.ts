import { describe, expect, it } from "vitest";
import { stepStates } from "@/components/runs/step-states";
import { catalog } from "@/lib/jobs/catalog";

// The forecast's documented steps: 10 loading, 20 preprocessing, 30 models, 60 ensemble, 80 accuracy, 90 saving, 100 done.
const steps = catalog.forecast.progressSteps;

describe("stepStates", () => {
  it("leaves every step to come while the run waits for a worker", () => {
    expect(stepStates(steps, { state: "waiting", progress: 0, progressMessage: null })).toEqual(Array(7).fill("pending"));
  });

  it("marks the reported step in progress and the ones before it done", () => {
    expect(stepStates(steps, { state: "active", progress: 60, progressMessage: "Calculating ensemble" })).toEqual([
      "done",
      "done",
      "done",
      "current",
      "pending",
      "pending",
      "pending",
    ]);
  });

  it("places a message that names no step (a retry notice) by its percentage", () => {
    expect(stepStates(steps, { state: "delayed", progress: 30, progressMessage: "Attempt 1 failed: timeout; retrying in 2 s" })).toEqual([
      "done",
      "done",
      "current",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
  });

  it("marks where a failed run stopped", () => {
    expect(stepStates(steps, { state: "failed", progress: 20, progressMessage: "Preprocessing data" }).slice(0, 3)).toEqual(["done", "failed", "pending"]);
  });

  it("ticks every step off once the run has completed", () => {
    expect(stepStates(steps, { state: "completed", progress: 90, progressMessage: "Saving results" })).toEqual(Array(7).fill("done"));
  });
});
