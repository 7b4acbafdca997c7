import { randomUUID } from "node:crypto";

/**
 * A steady open-loop load on the API, as clients would send it: forecasts (half of them light:
 * one model, a week ahead) and notification jobs, each launch with an Idempotency-Key, so a launch
 * whose answer was lost can be sent again without adding a second job. Every answer is kept for
 * the report: what was accepted, what was refused with 503, and anything else.
 */
export type LaunchKind = "forecast" | "forecast-light" | "notification";

export interface Answer {
  kind: LaunchKind;
  idempotencyKey: string;
  jobId?: string;
  startedAt: number;
  at: number;
  /** HTTP status; 0 when no answer came (network error or our timeout). */
  status: number;
  /** A 503 with the API's JSON error shape (`{ error: { code: "service-unavailable", message } }`). */
  unavailable: boolean;
  /** What came instead of an answer or in a non-2xx, non-503 one (shortened). */
  problem?: string;
}

export interface Launch {
  kind: LaunchKind;
  idempotencyKey: string;
  sentAt: number;
  /** accepted: 2xx with a job id; refused: a 503; unconfirmed: no definite answer after every try. */
  outcome?: { type: "accepted"; jobId: string; at: number } | { type: "refused" | "unconfirmed"; at: number };
}

export interface LoadOptions {
  baseUrl: string;
  plannerKey: string;
  adminKey: string;
  /** The notification jobs' recipient. */
  recipientId: string;
  productIds: readonly string[];
  /** Launches per second. */
  rate: number;
  /** Share of launches that are notification jobs. */
  notificationShare: number;
  /** A request without an answer by then counts as no answer. @defaultValue 10 s */
  requestTimeoutMs?: number;
  /** Launches in flight at most; past it a tick is skipped (and counted). @defaultValue 64 */
  maxInFlight?: number;
}

/** Tries of a launch that got no definite answer (network error, timeout, 5xx other than 503). */
const TRIES = 5;

export class Load {
  readonly launches: Launch[] = [];
  readonly answers: Answer[] = [];
  skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    const interval = 1000 / this.options.rate;
    let next = performance.now();
    const tick = () => {
      // Catch up on ticks a busy event loop delayed, so the offered rate stays the asked one.
      while (performance.now() >= next) {
        next += interval;
        if (this.inFlight.size >= (this.options.maxInFlight ?? 64)) {
          this.skipped++;
          continue;
        }
        const launch = this.launch(this.pickKind());
        this.inFlight.add(launch);
        void launch.finally(() => this.inFlight.delete(launch));
      }
      this.timer = setTimeout(tick, Math.max(1, next - performance.now()));
    };
    tick();
  }

  /** Stops launching and waits for the launches in flight to settle. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  accepted(kind?: LaunchKind): { jobId: string; kind: LaunchKind; at: number }[] {
    return this.launches.flatMap((launch) =>
      launch.outcome?.type === "accepted" && (!kind || launch.kind === kind) ? [{ jobId: launch.outcome.jobId, kind: launch.kind, at: launch.outcome.at }] : [],
    );
  }

  private pickKind(): LaunchKind {
    if (Math.random() < this.options.notificationShare) return "notification";
    return Math.random() < 0.5 ? "forecast" : "forecast-light";
  }

  private request(kind: LaunchKind): { path: string; key: string; body: unknown } {
    const { productIds, plannerKey, adminKey, recipientId } = this.options;
    const productId = productIds[Math.floor(Math.random() * productIds.length)]!;
    if (kind === "forecast") return { path: "/api/v1/forecasts", key: plannerKey, body: { productId, horizon: 30, models: ["all"] } };
    if (kind === "forecast-light") return { path: "/api/v1/forecasts", key: plannerKey, body: { productId, horizon: 7, models: ["ma"] } };
    return {
      path: "/api/v1/queues/notification/jobs",
      key: adminKey,
      body: { name: "chaos-notice", data: { userId: recipientId, type: "IN_APP", title: "Chaos run", message: "A notification job held by its queue" } },
    };
  }

  private async launch(kind: LaunchKind): Promise<void> {
    const launch: Launch = { kind, idempotencyKey: randomUUID(), sentAt: Date.now() };
    this.launches.push(launch);
    const { path, key, body } = this.request(kind);
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const answer = await this.send(kind, path, key, launch.idempotencyKey, body);
      if (answer.jobId) {
        launch.outcome = { type: "accepted", jobId: answer.jobId, at: answer.at };
        return;
      }
      if (answer.unavailable && attempt === 1) {
        launch.outcome = { type: "refused", at: answer.at };
        return;
      }
      // No definite answer: the job may or may not have been added, so ask again with the same
      // key (a 503 on a retry leaves it unconfirmed: the first try may have added it).
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    launch.outcome = { type: "unconfirmed", at: Date.now() };
  }

  private async send(kind: LaunchKind, path: string, key: string, idempotencyKey: string, body: unknown): Promise<Answer> {
    const startedAt = Date.now();
    let answer: Answer;
    try {
      const response = await fetch(`${this.options.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": idempotencyKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
      const text = await response.text();
      const json = safeJson(text) as { jobId?: unknown; error?: { code?: unknown; message?: unknown } } | null;
      const unavailable = response.status === 503 && json?.error?.code === "service-unavailable" && typeof json.error.message === "string";
      const jobId = response.ok && typeof json?.jobId === "string" ? json.jobId : undefined;
      answer = {
        kind,
        idempotencyKey,
        startedAt,
        at: Date.now(),
        status: response.status,
        unavailable,
        jobId,
        problem: jobId || unavailable ? undefined : `${response.status} ${text.slice(0, 160)}`,
      };
    } catch (error) {
      answer = { kind, idempotencyKey, startedAt, at: Date.now(), status: 0, unavailable: false, problem: (error as Error).message.slice(0, 160) };
    }
    this.answers.push(answer);
    return answer;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
