import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalog, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, QUEUE_KEYS, queueDefinitions, queueKeyFromName } from "@/lib/jobs/catalog";
import { processors } from "@/worker/processors";
import { payloadJsonSchema, resultJsonSchema } from "@/lib/jobs/contract-schemas";
import { JOB_CONTRACTS_PATH, jobContracts, withQueueTable } from "@/scripts/docs";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("job catalogue", () => {
  it("declares the seven queues with the platform's defaults", () => {
    const table = Object.fromEntries(
      queueDefinitions().map((q) => [q.key, [q.name, q.concurrency, q.timeoutMs, q.keepCompletedMs, q.keepFailedMs]]),
    );
    expect(table).toEqual({
      forecast: ["forecast-queue", 3, 5 * MIN, DAY, 7 * DAY],
      optimization: ["optimization-queue", 2, 5 * MIN, DAY, 7 * DAY],
      sync: ["sync-queue", 2, 10 * MIN, DAY, 7 * DAY],
      import: ["import-queue", 1, 15 * MIN, 7 * DAY, 30 * DAY],
      export: ["export-queue", 2, 10 * MIN, 3 * DAY, 7 * DAY],
      notification: ["notification-queue", 5, 30_000, DAY, 7 * DAY],
      analytics: ["analytics-queue", 2, 10 * MIN, DAY, 7 * DAY],
    });
    expect(DEFAULT_ATTEMPTS).toBe(3);
    expect(DEFAULT_BACKOFF).toEqual({ type: "exponential", delay: 2_000 });
  });

  it("names the link of every result page it declares", () => {
    for (const definition of queueDefinitions()) expect(Boolean(definition.resultLabel), definition.key).toBe(Boolean(definition.resultHref));
  });

  it("maps BullMQ names back to keys", () => {
    expect(queueKeyFromName("import-queue")).toBe("import");
    expect(queueKeyFromName("nope")).toBeUndefined();
  });

  it("has a processor slot for every queue", () => {
    expect(Object.keys(processors).sort()).toEqual([...QUEUE_KEYS].sort());
    expect(typeof processors.forecast.run).toBe("function");
  });

  it("validates forecast payloads with messages that say what is wrong", () => {
    const schema = catalog.forecast.payload;
    expect(schema.parse({ productId: "p1", horizon: 30 })).toEqual({ productId: "p1", horizon: 30, models: ["all"] });
    expect(schema.parse({ productId: "p1", horizon: 7, models: ["ma", "exp"] }).models).toEqual(["ma", "exp"]);
    const bad = schema.safeParse({ productId: "", horizon: 400, models: ["arima"] });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining(["productId: productId is required", "horizon: horizon must be at most 365 days"]),
    );
    expect(messages.some((message) => message.startsWith("models"))).toBe(true);
    expect(schema.safeParse({ productId: "p", horizon: 1.5 }).success).toBe(false);
  });

  it("the README's queue table is generated from the catalogue and up to date", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(withQueueTable(readme)).toBe(readme);
    expect(readme).toContain(`(${JOB_CONTRACTS_PATH})`);
  });

  it("the job contracts document is generated from the catalogue's schemas and up to date (npm run docs)", () => {
    const written = readFileSync(new URL(`../../${JOB_CONTRACTS_PATH}`, import.meta.url), "utf8");
    expect(written).toBe(jobContracts());
  });

  it("documents the platform's field names for every queue", () => {
    const fields = (schema: { properties?: Record<string, unknown> }) => Object.keys(schema.properties ?? {});
    const documented: Record<string, [string[], string[]]> = {
      forecast: [["productId", "horizon", "models", "userId"], ["success", "forecastId", "productId", "horizon", "accuracy", "predictions"]],
      optimization: [["productId", "constraints", "userId"], ["success", "resultId", "eoq", "safetyStock", "reorderPoint"]],
      sync: [["integrationId", "dataTypes", "force"], ["success"]],
      import: [["filePath", "uploadId", "entityType", "userId"], ["success", "report"]],
      export: [["entity", "format", "filters", "userId"], ["success", "exportId", "filePath"]],
      notification: [["userId", "type", "title", "message", "data"], ["success"]],
      analytics: [["type", "params"], ["success"]],
    };
    for (const definition of queueDefinitions()) {
      const [payload, result] = documented[definition.key]!;
      expect(fields(payloadJsonSchema(definition)), definition.key).toEqual(expect.arrayContaining(payload));
      expect(fields(resultJsonSchema(definition)), definition.key).toEqual(expect.arrayContaining(result));
    }
  });
});
