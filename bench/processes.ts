import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { root } from "../scripts/services.mjs";

/**
 * Children the bench starts: each in its own process group (detached), so stopping one also stops
 * whatever it forked, and only ever by the ids we started. Output goes to a log file per child.
 */
export const logDir = join(tmpdir(), "capliquify-bench");
mkdirSync(logDir, { recursive: true });

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<number | null>;
  /** Set once the child has exited: how, for error messages ("SIGTERM" from someone else, say). */
  exit?: { code: number | null; signal: NodeJS.Signals | null; expected: boolean };
  /** Resolves with the first stdout/stderr line matching `pattern`; rejects if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
}

const running = new Set<Child>();
/** Children the bench itself is stopping; any other exit is unexpected. */
const stopping = new WeakSet<Child>();

/** @param options.logDir - where the child's log goes @defaultValue the bench's log directory */
export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, options: { logDir?: string } = {}): Child {
  const logFile = join(options.logDir ?? logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      log.write(`${line}\n`);
      for (const listener of listeners) listener(line);
    });
  }
  let handle: Child;
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => {
      handle.exit = { code, signal, expected: stopping.has(handle) };
      resolve(code);
    }),
  );
  handle = {
    name,
    process: child,
    pid: child.pid,
    logFile,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const done = (error?: Error, line?: string) => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) reject(error);
          else resolve(line!);
        };
        const listener = (line: string) => pattern.test(line) && done(undefined, line);
        const timer = setTimeout(() => done(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
        listeners.add(listener);
        void exited.then((code) => done(new Error(`${name} exited with code ${code} before ${pattern} (log: ${logFile})`)));
      });
    },
  };
  void exited.then(() => {
    running.delete(handle);
    log.end();
  });
  running.add(handle);
  return handle;
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the child's process group, SIGKILL if it is still there after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (!running.has(child)) return;
  stopping.add(child);
  signalGroup(child, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalGroup(child, "SIGKILL");
      resolve();
    }, graceMs);
  });
  await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  // The group may hold forked helpers that outlive the leader.
  signalGroup(child, "SIGKILL");
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, 5_000)));
}

/** Last-resort cleanup when the bench itself dies: synchronous, so it runs inside "exit". */
export function killAllChildrenNow(): void {
  for (const child of running) {
    stopping.add(child);
    signalGroup(child, "SIGKILL");
  }
}

export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", () => reject(new Error(`port ${port} is in use; set BENCH_APP_PORT / BENCH_CEILING_PORT`)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Polls `url` until it answers 2xx (or `accept` says yes), or the child exits, or time runs out. */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  let lastError = "";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited while starting (log: ${child.logFile})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${lastError}; log: ${child.logFile})`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown when a child dies while the bench still needs it (crash, or killed by someone else). */
export class ChildDiedError extends Error {}

export function assertAlive(children: readonly Child[]): void {
  for (const child of children) {
    if (child.exit && !child.exit.expected) {
      const how = child.exit.signal ? `was killed by ${child.exit.signal} (not sent by the bench)` : `exited with code ${child.exit.code}`;
      throw new ChildDiedError(`${child.name} (pid ${child.pid}) ${how}; log: ${child.logFile}`);
    }
  }
}
