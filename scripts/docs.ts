import { readFileSync, writeFileSync } from "node:fs";
import { queueDefinitions, type QueueDefinition } from "../lib/jobs/catalog";
import { fieldRows, payloadJsonSchema, resultJsonSchema, rules, typeName, type JsonSchema } from "../lib/jobs/contract-schemas";
import { IDEMPOTENCY_HEADER } from "../lib/api/enqueue-response";
import { apiRouteFiles, renderRouteModules, ROUTE_MODULES_PATH } from "../lib/openapi/route-files";

/**
 * `npm run docs` — regenerates, from the job catalogue, the README's queue table and the job
 * contracts (docs/job-contracts.md: each queue's job data and result, from the zod schemas) and the
 * registry of route files the OpenAPI document is built from, so the docs never disagree with the
 * code (a test fails when they do).
 */
export const START = "<!-- queue-table:start -->";
export const END = "<!-- queue-table:end -->";
export const JOB_CONTRACTS_PATH = "docs/job-contracts.md";

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

export function queueTable(): string {
  const rows = queueDefinitions().map((definition) => {
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

// ── job contracts ───────────────────────────────────────────────────────────────────────────────

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
const json = (value: unknown) => JSON.stringify(value);

function payloadTable(schema: JsonSchema): string {
  const rows = fieldRows(schema).map(({ path, schema: field, required }) => {
    const fallback = field.default === undefined ? "" : `\`${json(field.default)}\``;
    return `| \`${path}\` | ${cell(typeName(field))} | ${required ? "yes" : "no"} | ${cell(fallback)} | ${cell(rules(field))} | ${cell(field.description ?? "")} |`;
  });
  return ["| field | type | required | default | rules | meaning |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

function resultTable(schema: JsonSchema): string {
  const rows = fieldRows(schema).map(
    ({ path, schema: field, required }) => `| \`${path}\` | ${cell(typeName(field))} | ${required ? "always" : "when it applies"} | ${cell(field.description ?? "")} |`,
  );
  return ["| field | type | present | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

function queueRules(definition: QueueDefinition): string[] {
  const notes = [`Who may launch: ${definition.enqueueRoles.join(", ")}. Launch: \`POST /api/v1/queues/${definition.key}/jobs\` with \`{ name, data }\`.`];
  if (definition.payloadUser === "caller") {
    notes.push("`userId` is accepted for compatibility: it must be the caller's own id (403 otherwise); an ADMIN may name a user of the run's organisation (422 `no such user in the organisation` otherwise). The owner always comes from the credentials.");
  }
  if (definition.payloadUser === "recipient") {
    notes.push("`userId` is the recipient: an existing user (422 otherwise). The run works for the recipient's organisation.");
  }
  if (definition.organizationPath) {
    notes.push(`\`${definition.organizationPath.join(".")}\` must be the caller's organisation (403 otherwise); an ADMIN may name any existing one (422 otherwise). Left out, the caller's organisation is filled in.`);
  }
  if (definition.uploadPathField) {
    notes.push(`\`${definition.uploadPathField}\` is accepted only when it names a file inside the run's organisation's folder of the server's upload directory (\`UPLOAD_DIR/<organizationId>/\`; relative paths are read from there, symlinks followed) — any other path gets 422 at \`body.data.${definition.uploadPathField}\`: upload the file first and pass its \`uploadId\`. The upload endpoint (\`POST /api/v1/uploads\`) arrives in a later release.`);
  }
  if (definition.deduplicationKey) {
    notes.push("Deduplicated: a launch while an identical job of the same organisation still waits or runs returns that job (`200`, `deduplicated: true`) instead of adding another.");
  }
  return notes;
}

function fenced(schema: JsonSchema): string {
  return ["```json", JSON.stringify(schema, null, 2), "```"].join("\n");
}

export function jobContracts(): string {
  const sections = queueDefinitions().map((definition) => {
    const payload = payloadJsonSchema(definition);
    const result = resultJsonSchema(definition);
    return [
      `## \`${definition.key}\` — ${definition.label}`,
      definition.description,
      queueRules(definition).map((note) => `- ${note}`).join("\n"),
      "### Job data",
      payloadTable(payload),
      "### Result",
      resultTable(result),
      `<details><summary>JSON Schema of the ${definition.key} job data and result</summary>`,
      fenced(payload),
      fenced(result),
      "</details>",
    ].join("\n\n");
  });
  return `${[
    "<!-- Generated by `npm run docs` from lib/jobs/catalog.ts; do not edit by hand. -->",
    "# Job contracts",
    "What each queue's jobs accept and return. The job data and result fields follow the platform's documentation: fields may be added beside the documented ones, none is renamed. Every launch is validated against these schemas; the worker checks every attempt's data and every result against them too.",
    [
      "- **Launching.** `POST /api/v1/queues/:queueKey/jobs` with `{ name, data, options: { priority, delay, idempotencyKey } }` → `201 { jobId, queue, name, state, deduplicated: false }`. Forecasts also through `POST /api/v1/forecasts` with the job data as the body (plus `priority`).",
      "- **Invalid data** answers 422 with each field's path (`body.data.horizon` on the generic endpoint, `body.horizon` on the forecast endpoint) and what is wrong.",
      "- **Owner and organisation** come from the caller's credentials (session or API key), never from the body. An `organizationId` in the data must be the caller's organisation (403 otherwise); an ADMIN may name any existing one (422 `no such organisation` otherwise), and the run then works for it.",
      `- **Idempotency.** The same \`options.idempotencyKey\` (or \`${capitalised(IDEMPOTENCY_HEADER)}\` header, on both endpoints) from the same user within 24 h returns the first request's job — \`200\` with the same \`jobId\` and \`deduplicated: true\` — instead of adding a second one; two simultaneous requests add exactly one job. The same key with a different request answers 422; while the first request is still being added, 409.`,
    ].join("\n"),
    ...sections,
  ].join("\n\n")}\n`;
}

function capitalised(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

if (process.argv[1]?.endsWith("docs.ts")) {
  const readme = new URL("../README.md", import.meta.url);
  writeFileSync(readme, withQueueTable(readFileSync(readme, "utf8")));
  writeFileSync(new URL(`../${JOB_CONTRACTS_PATH}`, import.meta.url), jobContracts());
  writeFileSync(new URL(`../${ROUTE_MODULES_PATH}`, import.meta.url), renderRouteModules(apiRouteFiles()));
  console.log(`README.md queue table and ${JOB_CONTRACTS_PATH} regenerated from lib/jobs/catalog.ts, ${ROUTE_MODULES_PATH} from app/api`);
}
