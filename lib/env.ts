import { z } from "zod";
import { QUEUE_KEYS, type QueueKey } from "./jobs/queue-keys";

/**
 * The one place that reads process.env. Parsed once, on first use, so a bad variable stops the
 * process at start with a message naming it rather than failing somewhere deep in a request.
 */
const positiveInt = z.coerce.number().int().positive();
/** Minutes may be fractional (0.5) and 0 means "at once", which tests and demos use. */
const nonNegative = z.coerce.number().min(0);

const queueOverrides = Object.fromEntries(
  QUEUE_KEYS.flatMap((key) => [
    [`QUEUE_CONCURRENCY_${key.toUpperCase()}`, positiveInt.max(1000).optional()],
    [`JOB_TIMEOUT_${key.toUpperCase()}`, positiveInt.optional()],
  ]),
) as Record<string, z.ZodOptional<z.ZodNumber>>;

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  // Connections
  DATABASE_URL: z.url().default("postgresql://root@127.0.0.1:5432/capliquify"),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /** Key prefix of every BullMQ key; the braces are a Redis Cluster hash tag so all keys of the app share a slot. */
  REDIS_PREFIX: z.string().min(1).default("{capliquify}"),
  // Auth
  NEXTAUTH_SECRET: z.string().min(16).default("dev-only-secret-change-me-in-production"),
  NEXTAUTH_URL: z.url().optional(),
  /** True only behind a reverse proxy that sets X-Forwarded-Host/-Proto/-For: only then do they name the public origin and the client's address; without one a client could forge them. */
  TRUST_PROXY: z.stringbool().default(false),
  // Worker
  WORKER_QUEUES: z.string().optional(),
  WORKER_HEALTH_CHECK_INTERVAL: positiveInt.default(10_000),
  WORKER_SHUTDOWN_TIMEOUT: positiveInt.default(30_000),
  // API
  /** Largest request body an API route reads; past it the answer is 413 without reading the rest. */
  API_MAX_BODY_BYTES: positiveInt.default(1_048_576),
  /** The same for a bulk launch (POST /api/v1/queues/:queueKey/jobs/bulk, up to 10,000 jobs). */
  API_BULK_MAX_BODY_BYTES: positiveInt.default(16 * 1_048_576),
  // Files
  /** Where the server keeps uploaded files; an import's filePath must name a file inside it. */
  UPLOAD_DIR: z.string().trim().min(1).default("./data/uploads"),
  // Realtime
  SSE_HEARTBEAT_INTERVAL: positiveInt.default(15_000),
  // Queue alerts (lib/alerts): thresholds of the rules and how often the cluster evaluates them
  ALERT_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.2),
  ALERT_MIN_FINISHED: positiveInt.default(10),
  ALERT_OLDEST_WAITING_MINUTES: nonNegative.default(15),
  ALERT_PAUSED_MINUTES: nonNegative.default(30),
  ALERT_NO_WORKER_MINUTES: nonNegative.default(2),
  ALERT_EVALUATE_EVERY_SECONDS: positiveInt.max(3600).default(60),
  // Retention of history that grows with every job (the ledger rows themselves are kept)
  NOTIFICATION_RETENTION_DAYS: positiveInt.max(36_500).default(90),
  TIMELINE_RETENTION_DAYS: positiveInt.max(36_500).default(90),
  // Logging
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  LOG_FILE: z.string().optional(),
  ...queueOverrides,
});

export type Env = z.infer<typeof envSchema> & Record<string, unknown>;

let cached: Env | undefined;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  const env = result.data as Env;
  if (env.NODE_ENV === "production" && source.NEXTAUTH_SECRET === undefined && source.ALLOW_DEV_SECRET !== "1") {
    throw new EnvError("Invalid environment variables:\n  NEXTAUTH_SECRET: required in production");
  }
  return env;
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Per-queue overrides from QUEUE_CONCURRENCY_<KEY> and JOB_TIMEOUT_<KEY>. */
export function queueEnvOverrides(key: QueueKey): { concurrency?: number; timeoutMs?: number } {
  const values = env() as Record<string, unknown>;
  return {
    concurrency: values[`QUEUE_CONCURRENCY_${key.toUpperCase()}`] as number | undefined,
    timeoutMs: values[`JOB_TIMEOUT_${key.toUpperCase()}`] as number | undefined,
  };
}
