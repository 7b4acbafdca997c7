import { describe, expect, it } from "vitest";
import { describeFiring, describeResolved, formatDuration } from "@/lib/alerts/describe-alert";
import { checkQueue, DEFAULT_THRESHOLDS, nextAlertStates, thresholdsFromEnv, type AlertState, type QueueSnapshot } from "@/lib/alerts/rules";
import { parseEnv } from "@/lib/env";

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A healthy queue: a worker, nothing waiting, nothing failing. */
const healthy: QueueSnapshot = { queue: "export", waiting: 0, isPaused: false, workers: 1, completedRecently: 0, failedRecently: 0, oldestWaitingAt: null };
const rules = (snapshot: Partial<QueueSnapshot>, thresholds = DEFAULT_THRESHOLDS) => checkQueue({ ...healthy, ...snapshot }, thresholds, NOW).map((condition) => condition.rule);

describe("checkQueue", () => {
  it("finds nothing wrong with a healthy queue", () => {
    expect(rules({})).toEqual([]);
    expect(rules({ waiting: 5, oldestWaitingAt: NOW - 5 * MIN, completedRecently: 40, failedRecently: 2 })).toEqual([]);
  });

  it("no worker: only when jobs wait, and timed by the evaluator (holdMs)", () => {
    expect(rules({ workers: 0 })).toEqual([]);
    const [condition] = checkQueue({ ...healthy, workers: 0, waiting: 12, oldestWaitingAt: NOW - MIN }, DEFAULT_THRESHOLDS, NOW);
    expect(condition).toEqual({ rule: "no-worker", queue: "export", figures: { waiting: 12, workers: 0 }, holdMs: 2 * MIN });
  });

  it("failure rate: at the threshold with enough finished jobs, not below either", () => {
    // 2 of 10 = 20 %: exactly the default threshold, with exactly the minimum of finished jobs.
    const [condition] = checkQueue({ ...healthy, completedRecently: 8, failedRecently: 2 }, DEFAULT_THRESHOLDS, NOW);
    expect(condition).toMatchObject({ rule: "failure-rate", holdMs: 0, figures: { failed: 2, finished: 10, failureRate: 0.2, windowMinutes: 15 } });
    // 19 % of 100 stays quiet.
    expect(rules({ completedRecently: 81, failedRecently: 19 })).toEqual([]);
    // 1 failure of 1 (100 %) pages nobody; neither do 9 of 9.
    expect(rules({ failedRecently: 1 })).toEqual([]);
    expect(rules({ failedRecently: 9 })).toEqual([]);
    expect(rules({ failedRecently: 1 }, { ...DEFAULT_THRESHOLDS, minFinished: 1 })).toEqual(["failure-rate"]);
  });

  it("oldest waiting: from the threshold on, and not while paused", () => {
    expect(rules({ waiting: 3, oldestWaitingAt: NOW - 15 * MIN + 1 })).toEqual([]);
    const [condition] = checkQueue({ ...healthy, waiting: 3, oldestWaitingAt: NOW - 15 * MIN }, DEFAULT_THRESHOLDS, NOW);
    expect(condition).toEqual({ rule: "oldest-waiting", queue: "export", figures: { waiting: 3, workers: 1, oldestWaitingAt: NOW - 15 * MIN }, holdMs: 0 });
    expect(rules({ waiting: 3, oldestWaitingAt: NOW - 60 * MIN, isPaused: true })).toEqual(["paused-too-long"]);
  });

  it("paused: with or without waiting jobs, held for the paused threshold", () => {
    const [condition] = checkQueue({ ...healthy, isPaused: true }, DEFAULT_THRESHOLDS, NOW);
    expect(condition).toEqual({ rule: "paused-too-long", queue: "export", figures: { waiting: 0, workers: 1 }, holdMs: 30 * MIN });
  });

  it("reports every rule that holds at once", () => {
    expect(rules({ workers: 0, waiting: 4, oldestWaitingAt: NOW - 20 * MIN, completedRecently: 5, failedRecently: 5 })).toEqual(["no-worker", "failure-rate", "oldest-waiting"]);
  });
});

describe("nextAlertStates", () => {
  const noWorker = (waiting = 12) => checkQueue({ ...healthy, workers: 0, waiting }, DEFAULT_THRESHOLDS, NOW);

  it("a timed condition is pending first and fires once it has held long enough, once", () => {
    const first = nextAlertStates(new Map(), noWorker(), NOW);
    expect(first.fired).toEqual([]);
    expect(first.states.get("export:no-worker")).toEqual({ rule: "no-worker", queue: "export", pendingSince: NOW, firingSince: null, figures: { waiting: 12, workers: 0 } });

    const early = nextAlertStates(first.states, noWorker(), NOW + 2 * MIN - 1);
    expect(early.fired).toEqual([]);

    const second = nextAlertStates(early.states, noWorker(15), NOW + 2 * MIN);
    expect(second.fired).toEqual([{ rule: "no-worker", queue: "export", pendingSince: NOW, firingSince: NOW + 2 * MIN, figures: { waiting: 15, workers: 0 } }]);

    // Still firing a minute later: nothing new to say, figures kept current.
    const third = nextAlertStates(second.states, noWorker(20), NOW + 3 * MIN);
    expect(third.fired).toEqual([]);
    expect(third.resolved).toEqual([]);
    expect(third.states.get("export:no-worker")).toMatchObject({ firingSince: NOW + 2 * MIN, figures: { waiting: 20 } });
  });

  it("fires at once when the hold is 0", () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, noWorkerMs: 0 };
    const { fired } = nextAlertStates(new Map(), checkQueue({ ...healthy, workers: 0, waiting: 1 }, thresholds, NOW), NOW);
    expect(fired.map((state) => state.rule)).toEqual(["no-worker"]);
  });

  it("resolves a firing alert once when its condition goes, and forgets a pending one silently", () => {
    const firing: AlertState = { rule: "no-worker", queue: "export", pendingSince: NOW - 5 * MIN, firingSince: NOW - 3 * MIN, figures: { waiting: 12, workers: 0 } };
    const pending: AlertState = { rule: "paused-too-long", queue: "sync", pendingSince: NOW - MIN, firingSince: null, figures: { waiting: 0, workers: 1 } };
    const previous = new Map([
      ["export:no-worker", firing],
      ["sync:paused-too-long", pending],
    ]);
    const next = nextAlertStates(previous, [], NOW);
    expect(next.resolved).toEqual([firing]);
    expect(next.fired).toEqual([]);
    expect(next.states.size).toBe(0);
    // Nothing left to resolve the next time.
    expect(nextAlertStates(next.states, [], NOW + MIN).resolved).toEqual([]);
  });

  it("a condition that breaks before firing starts its clock again", () => {
    const first = nextAlertStates(new Map(), noWorker(), NOW);
    const gap = nextAlertStates(first.states, [], NOW + MIN);
    const again = nextAlertStates(gap.states, noWorker(), NOW + 2 * MIN);
    expect(again.fired).toEqual([]);
    expect(again.states.get("export:no-worker")?.pendingSince).toBe(NOW + 2 * MIN);
  });
});

describe("alert texts", () => {
  it("formats durations", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(3 * MIN + 59_000)).toBe("3 min");
    expect(formatDuration(125 * MIN)).toBe("2 h 5 min");
    expect(formatDuration(120 * MIN)).toBe("2 h");
  });

  it("says what fired with the figures", () => {
    const noWorker: AlertState = { rule: "no-worker", queue: "export", pendingSince: NOW - 3 * MIN, firingSince: NOW, figures: { waiting: 12, workers: 0 } };
    expect(describeFiring(noWorker, "Data export", DEFAULT_THRESHOLDS, NOW).title).toBe("Data export: 12 jobs waiting, no worker for 3 min");
    expect(describeFiring({ ...noWorker, pendingSince: NOW, figures: { waiting: 1, workers: 0 } }, "Data export", DEFAULT_THRESHOLDS, NOW).title).toBe("Data export: 1 job waiting, no worker serving it");

    const failing: AlertState = { rule: "failure-rate", queue: "import", pendingSince: NOW, firingSince: NOW, figures: { waiting: 0, workers: 1, failed: 8, finished: 20, failureRate: 0.4, windowMinutes: 15 } };
    const text = describeFiring(failing, "Data import", DEFAULT_THRESHOLDS, NOW);
    expect(text.title).toBe("Data import: 40% of jobs failed in the last 15 min");
    expect(text.body).toContain("8 of 20 jobs");
    expect(text.body).toContain("alert at 20%");

    const stuck: AlertState = { rule: "oldest-waiting", queue: "sync", pendingSince: NOW, firingSince: NOW, figures: { waiting: 3, workers: 2, oldestWaitingAt: NOW - 22 * MIN } };
    expect(describeFiring(stuck, "Integration sync", DEFAULT_THRESHOLDS, NOW).title).toBe("Integration sync: oldest job waiting 22 min");

    const paused: AlertState = { rule: "paused-too-long", queue: "sync", pendingSince: NOW - 45 * MIN, firingSince: NOW, figures: { waiting: 0, workers: 2 } };
    const pausedText = describeFiring(paused, "Integration sync", DEFAULT_THRESHOLDS, NOW);
    expect(pausedText.title).toBe("Integration sync: paused for 45 min");
    expect(pausedText.body).toContain("since 11:15 UTC");
  });

  it("says when a resolved alert fired and how long it lasted", () => {
    const state: AlertState = { rule: "no-worker", queue: "export", pendingSince: NOW - 5 * MIN, firingSince: NOW - 3 * MIN, figures: { waiting: 12, workers: 0 } };
    expect(describeResolved(state, "Data export", NOW)).toEqual({
      title: "Resolved: Data export: a worker serves it again",
      body: 'The "No worker" alert fired at 11:57 UTC and lasted 3 min.',
    });
  });
});

describe("thresholds from the environment", () => {
  it("defaults match the documented ones", () => {
    expect(thresholdsFromEnv(parseEnv({}))).toEqual(DEFAULT_THRESHOLDS);
    expect(parseEnv({}).ALERT_EVALUATE_EVERY_SECONDS).toBe(60);
  });

  it("reads overrides, minutes as fractions, 0 as at once", () => {
    const thresholds = thresholdsFromEnv(parseEnv({ ALERT_FAILURE_RATE: "0.5", ALERT_MIN_FINISHED: "3", ALERT_OLDEST_WAITING_MINUTES: "0.5", ALERT_PAUSED_MINUTES: "90", ALERT_NO_WORKER_MINUTES: "0" }));
    expect(thresholds).toEqual({ failureRate: 0.5, minFinished: 3, oldestWaitingMs: 30_000, pausedMs: 90 * MIN, noWorkerMs: 0 });
  });
});
