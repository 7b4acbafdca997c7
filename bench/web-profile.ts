import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { config } from "./config";
import { summariseProfile, type ProfileSummary } from "./cpu-profile";
import { logDir, stopChild, type Child } from "./processes";
import { waitUntilIdle } from "./system";

/**
 * Where a Next server's CPU goes per request: the server is started under `node --cpu-prof`, one
 * target is run against it at saturation, and the profile V8 writes at exit is summarised. One
 * server per target, so each profile holds one kind of request only.
 */
export interface WebProfileTarget {
  label: string;
  /** Starts the server with these extra node flags. */
  start: (nodeArgs: string[]) => Promise<{ child: Child }>;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** @defaultValue config.connections */
  connections?: number;
  /** Jobs per request, for per-job figures (a bulk launch). @defaultValue 1 */
  jobsPerRequest?: number;
}

export interface WebProfile {
  label: string;
  /** Requests answered in the measured run; jobs, for a bulk target. */
  requests: number;
  summary: ProfileSummary;
}

/** The route wrapper's steps and the libraries' entry points, timed inclusive of what they call. */
export const INCLUSIVE_FRAMES = [
  "proxy",
  "instrumentRequest",
  "authenticate",
  "sessionPrincipal",
  "decodeSession",
  "parseBody",
  "readBodyText",
  "enqueueJob",
  "enqueueJobs",
  "parseBulkJobs",
  "nulPath",
  "addJobs",
  "prepareJob",
  "resolveJobScope",
  "createRuns",
  "addJob",
  "countAdded",
  "enqueuedResponse",
  "errorResponse",
  "headers",
] as const;

export async function profileWeb(target: WebProfileTarget): Promise<WebProfile> {
  const dir = join(logDir, "cpu-prof", target.label.replace(/\W+/g, "-"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { child } = await target.start(["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  await waitUntilIdle(child.pid);
  const load = (duration: number) =>
    autocannon({
      url: target.url,
      method: "POST",
      headers: { "content-type": "application/json", ...target.headers },
      body: target.body,
      connections: target.connections ?? config.connections,
      duration,
    });
  try {
    await load(config.warmup);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const result = await load(config.duration);
    const toUs = Number(process.hrtime.bigint() / 1000n);
    await stopChild(child);
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
    if (!file) throw new Error(`${target.label}: the server wrote no CPU profile (it did not exit cleanly); log: ${child.logFile}`);
    // Start-up and warm-up are left out: only the samples of the measured run count.
    const summary = summariseProfile(join(dir, file), { inclusiveOf: INCLUSIVE_FRAMES, window: { fromUs, toUs } });
    return { label: target.label, requests: result.requests.total * (target.jobsPerRequest ?? 1), summary };
  } finally {
    await stopChild(child);
  }
}
