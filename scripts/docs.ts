import { readFileSync, writeFileSync } from "node:fs";
import { queueDefinitions } from "../lib/jobs/catalog";

/**
 * `npm run docs` — regenerates the README's queue table from the job catalogue, so the docs never
 * disagree with the code (a test fails when they do).
 */
export const START = "<!-- queue-table:start -->";
export const END = "<!-- queue-table:end -->";

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

export function queueTable(): string {
  const rows = queueDefinitions.map((definition) => {
    const rate = definition.rateLimit ? `${definition.rateLimit.max} per ${duration(definition.rateLimit.durationMs)}` : "—";
    return `| \`${definition.key}\` | \`${definition.name}\` | ${definition.label} | ${definition.concurrency} | ${duration(definition.timeoutMs)} | ${duration(definition.keepCompletedMs)} | ${duration(definition.keepFailedMs)} | ${rate} | ${definition.enqueueRoles.join(", ")} | \`QUEUE_CONCURRENCY_${definition.key.toUpperCase()}\`, \`JOB_TIMEOUT_${definition.key.toUpperCase()}\` |`;
  });
  return [
    "| key | BullMQ queue | what | concurrency | timeout | keep completed | keep failed | rate limit (all workers) | who may enqueue | env overrides |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function withQueueTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${queueTable()}\n${readme.slice(end)}`;
}

if (process.argv[1]?.endsWith("docs.ts")) {
  const path = new URL("../README.md", import.meta.url);
  writeFileSync(path, withQueueTable(readFileSync(path, "utf8")));
  console.log("README.md queue table regenerated from lib/jobs/catalog.ts");
}
