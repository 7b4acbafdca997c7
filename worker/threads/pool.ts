import { Worker } from "node:worker_threads";

/** What a thread tasks module exports as `threadTasks`: plain functions of structured-cloneable values. */
export type TaskMap = Record<string, (...args: never[]) => unknown>;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

interface Slot {
  thread: Worker;
  busy: boolean;
  pending?: Pending & { id: number };
}

/**
 * What a thread starts. From source (tsx, vitest) that is TypeScript, so the thread first registers
 * tsx's loader (bootstrap.mjs); in the built worker (scripts/build-worker.mjs rewrites this URL to
 * the bundled task-thread.js) it is plain JavaScript and starts directly.
 */
const THREAD_ENTRY = new URL("./task-thread.ts", import.meta.url);
const FROM_SOURCE = THREAD_ENTRY.pathname.endsWith(".ts");

/** Error thrown inside a task thread, re-created on this side with its name and message. */
export class ThreadTaskError extends Error {}

/**
 * A small pool of reusable worker threads (starting one costs ~250 ms under tsx, less built). Its threads load
 * one tasks module: a queue's pool runs only that queue's CPU-bound code. A task whose AbortSignal
 * fires has its thread terminated, which really stops a CPU-bound loop; a fresh thread takes its
 * place on the next task.
 */
export class ThreadPool<Tasks extends TaskMap = TaskMap> {
  private readonly slots: Slot[] = [];
  private readonly waiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * @param size - threads kept at most; use the queue's concurrency.
   * @param tasksModule - URL of a module exporting `threadTasks`.
   */
  constructor(
    private readonly size: number,
    private readonly tasksModule: string,
  ) {}

  async run<T extends keyof Tasks & string>(
    task: T,
    args: Parameters<Tasks[T]>,
    signal?: AbortSignal,
  ): Promise<ReturnType<Tasks[T]>> {
    signal?.throwIfAborted();
    const slot = await this.acquire(signal);
    const id = this.nextId++;
    try {
      return (await new Promise<unknown>((resolve, reject) => {
        const onAbort = () => {
          this.discard(slot);
          reject(signal!.reason instanceof Error ? signal!.reason : new Error("Task aborted"));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        slot.pending = {
          id,
          resolve: (value) => (signal?.removeEventListener("abort", onAbort), resolve(value)),
          reject: (error) => (signal?.removeEventListener("abort", onAbort), reject(error)),
        };
        slot.thread.postMessage({ id, task, args });
      })) as ReturnType<Tasks[T]>;
    } finally {
      this.release(slot);
    }
  }

  private async acquire(signal?: AbortSignal): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new Error("Thread pool is closed");
      const idle = this.slots.find((slot) => !slot.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.slots.length < this.size) {
        const slot: Slot = { thread: this.spawn(), busy: true };
        this.slots.push(slot);
        return slot;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      if (signal?.aborted) {
        // Pass the wake-up on: a slot is free and another waiter may be sleeping.
        this.waiters.shift()?.();
        signal.throwIfAborted();
      }
    }
  }

  private spawn(): Worker {
    const thread = new Worker(FROM_SOURCE ? new URL("./bootstrap.mjs", import.meta.url) : THREAD_ENTRY, {
      workerData: { entry: THREAD_ENTRY.href, tasksModule: this.tasksModule },
    });
    thread.on("message", (message: { id: number; ok: boolean; value?: unknown; error?: { name: string; message: string } }) => {
      const slot = this.slots.find((candidate) => candidate.thread === thread);
      if (!slot?.pending || slot.pending.id !== message.id) return;
      const { resolve, reject } = slot.pending;
      slot.pending = undefined;
      if (message.ok) resolve(message.value);
      else {
        const error = new ThreadTaskError(message.error?.message ?? "Task failed");
        error.name = message.error?.name ?? "Error";
        reject(error);
      }
    });
    thread.on("error", (error) => this.failSlot(thread, error));
    thread.on("exit", (code) => {
      if (code !== 0) this.failSlot(thread, new Error(`Task thread exited with code ${code}`));
    });
    return thread;
  }

  private failSlot(thread: Worker, error: Error): void {
    const slot = this.slots.find((candidate) => candidate.thread === thread);
    if (!slot) return;
    slot.pending?.reject(error);
    slot.pending = undefined;
    this.discard(slot);
  }

  private discard(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.pending = undefined;
    void slot.thread.terminate();
    this.waiters.shift()?.();
  }

  private release(slot: Slot): void {
    slot.busy = false;
    slot.pending = undefined;
    this.waiters.shift()?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.waiters.splice(0)) resolve();
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.pending?.reject(new Error("Thread pool is closed"));
    await Promise.all(slots.map((slot) => slot.thread.terminate()));
  }
}
