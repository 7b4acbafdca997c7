import { z } from "zod";
import { QUEUE_KEYS, type QueueKey } from "./queue-keys";

export { QUEUE_KEYS, isQueueKey, type QueueKey } from "./queue-keys";

/**
 * The job catalogue: the single declaration of every queue. API validation, the worker's processor
 * registry, env overrides, UI labels and the docs table are all derived from it.
 */
export type Role = "ADMIN" | "PLANNER";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const FORECAST_MODELS = ["ma", "linear", "exp", "seasonal"] as const;

const forecastPayload = z.object({
  productId: z.string().min(1, "productId is required"),
  horizon: z.number().int().min(1, "horizon must be at least 1 day").max(365, "horizon must be at most 365 days"),
  models: z
    .union([z.tuple([z.literal("all")]), z.array(z.enum(FORECAST_MODELS)).min(1, "choose at least one model")])
    .default(["all"]),
});

const forecastResult = z.object({
  success: z.literal(true),
  forecastId: z.string(),
  productId: z.string(),
  horizon: z.number().int(),
  accuracy: z.object({ ensembleMape: z.number().nullable(), models: z.record(z.string(), z.number().nullable()) }),
  predictions: z.array(z.object({ date: z.string(), value: z.number() })),
});

const isoDate = z.iso.date();

export interface QueueDefinition<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, K extends QueueKey = QueueKey> {
  key: K;
  /** BullMQ queue name. */
  name: string;
  label: string;
  description: string;
  payload: P;
  result: R;
  /** Jobs processed in parallel by one worker process. @defaultValue per the platform table */
  concurrency: number;
  /** Wall-clock limit of one attempt; the worker aborts the attempt when it passes. */
  timeoutMs: number;
  /** How long completed and failed jobs stay in Redis (the ledger keeps them longer). */
  keepCompletedMs: number;
  keepFailedMs: number;
  /** Global rate limit across all worker processes (BullMQ limiter). */
  rateLimit?: { max: number; durationMs: number };
  /** Roles that may enqueue this queue's jobs. */
  enqueueRoles: readonly Role[];
  /** Which payload field names the business entity, for ledger search. */
  businessKey?(payload: z.infer<P>): string | undefined;
}

function defineQueue<K extends QueueKey, P extends z.ZodType, R extends z.ZodType>(definition: QueueDefinition<P, R, K>) {
  return definition;
}

export const catalog = {
  forecast: defineQueue({
    key: "forecast",
    name: "forecast-queue",
    label: "Demand forecast",
    description: "Forecasts a product's daily demand with several models and an accuracy-weighted ensemble.",
    payload: forecastPayload,
    result: forecastResult,
    concurrency: 3,
    timeoutMs: 5 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    businessKey: (payload) => payload.productId,
  }),
  optimization: defineQueue({
    key: "optimization",
    name: "optimization-queue",
    label: "Inventory optimisation",
    description: "EOQ, safety stock, reorder points and multi-warehouse allocation.",
    payload: z.object({
      productIds: z.array(z.string().min(1)).min(1).max(1000),
      serviceLevel: z.number().gt(0.5).lt(1).default(0.95),
      leadTimeDays: z.number().int().min(0).max(365).optional(),
    }),
    result: z.unknown(),
    concurrency: 2,
    timeoutMs: 5 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    businessKey: (payload) => (payload.productIds.length === 1 ? payload.productIds[0] : undefined),
  }),
  sync: defineQueue({
    key: "sync",
    name: "sync-queue",
    label: "Integration sync",
    description: "Pulls or pushes data between the platform and an external system.",
    payload: z.object({
      integrationId: z.string().min(1),
      direction: z.enum(["pull", "push"]),
      entities: z.array(z.enum(["products", "sales", "inventory", "orders"])).min(1),
    }),
    result: z.unknown(),
    concurrency: 2,
    timeoutMs: 10 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    rateLimit: { max: 10, durationMs: 1000 },
    enqueueRoles: ["ADMIN"],
    businessKey: (payload) => payload.integrationId,
  }),
  import: defineQueue({
    key: "import",
    name: "import-queue",
    label: "Data import",
    description: "Imports a CSV or Excel upload row by row, with a per-row report.",
    payload: z.object({
      uploadId: z.string().min(1),
      kind: z.enum(["products", "sales", "inventory"]),
      dryRun: z.boolean().default(false),
    }),
    result: z.unknown(),
    concurrency: 1,
    timeoutMs: 15 * MINUTE,
    keepCompletedMs: 7 * DAY,
    keepFailedMs: 30 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    businessKey: (payload) => payload.uploadId,
  }),
  export: defineQueue({
    key: "export",
    name: "export-queue",
    label: "Data export",
    description: "Exports forecasts, products or sales as CSV, JSON or PDF.",
    payload: z.object({
      kind: z.enum(["forecasts", "products", "sales", "inventory"]),
      format: z.enum(["csv", "json", "pdf"]),
      from: isoDate.optional(),
      to: isoDate.optional(),
    }),
    result: z.unknown(),
    concurrency: 2,
    timeoutMs: 10 * MINUTE,
    keepCompletedMs: 3 * DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
  }),
  notification: defineQueue({
    key: "notification",
    name: "notification-queue",
    label: "Notification",
    description: "Sends an email, SMS, push or in-app notification.",
    payload: z.object({
      channel: z.enum(["email", "sms", "push", "in-app"]),
      userId: z.string().min(1),
      title: z.string().min(1).max(200),
      body: z.string().min(1).max(5000),
    }),
    result: z.unknown(),
    concurrency: 5,
    timeoutMs: 30_000,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    rateLimit: { max: 50, durationMs: 1000 },
    enqueueRoles: ["ADMIN"],
    businessKey: (payload) => payload.userId,
  }),
  analytics: defineQueue({
    key: "analytics",
    name: "analytics-queue",
    label: "Analytics",
    description: "Computes inventory turnover and other planning reports.",
    payload: z.object({
      report: z.enum(["inventory-turnover", "forecast-accuracy", "abc-analysis"]),
      from: isoDate,
      to: isoDate,
    }),
    result: z.unknown(),
    concurrency: 2,
    timeoutMs: 10 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
  }),
} satisfies { [K in QueueKey]: QueueDefinition<z.ZodType, z.ZodType, K> };

export type Catalog = typeof catalog;
export type JobPayload<K extends QueueKey> = z.infer<Catalog[K]["payload"]>;
export type JobPayloadInput<K extends QueueKey> = z.input<Catalog[K]["payload"]>;
export type JobResult<K extends QueueKey> = z.infer<Catalog[K]["result"]>;

/** Retry policy shared by every queue: 3 attempts, exponential backoff 2 s, 4 s, 8 s. */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF = { type: "exponential", delay: 2_000 } as const;
/** BullMQ priority: 1 is the highest. */
export const PRIORITY = { min: 1, max: 10, default: 5 } as const;

export function queueDefinition(key: QueueKey): QueueDefinition {
  return catalog[key] as unknown as QueueDefinition;
}

export const queueDefinitions: readonly QueueDefinition[] = QUEUE_KEYS.map(queueDefinition);

export function queueKeyFromName(name: string): QueueKey | undefined {
  return queueDefinitions.find((definition) => definition.name === name)?.key;
}
