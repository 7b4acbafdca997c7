import { z } from "zod";
import { QUEUE_KEYS, type QueueKey } from "./jobs/queue-keys";

/**
 * The one place that reads process.env. Parsed once, on first use, so a bad variable stops the
 * process at start with a message naming it rather than failing somewhere deep in a request.
 */
const positiveInt = z.coerce.number().int().positive();
/** Minutes may be fractional (0.5) and 0 means "at once", which tests and demos use. */
const nonNegative = z.coerce.number().min(0);

/** One Redis Cluster seed node; the cluster tells the client about the others. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** Seed nodes plus what every node of the cluster shares: credentials and TLS. */
export interface RedisClusterConfig {
  nodes: RedisClusterNode[];
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * REDIS_CLUSTER_NODES: comma-separated `host:port` seeds, or `redis://[user:password@]host:port`
 * (`rediss://` for TLS) where credentials are needed. A cluster shares one set of credentials and
 * one transport, so entries that disagree on them are refused rather than half-applied.
 */
const redisClusterNodes = z
  .string()
  .trim()
  .min(1)
  .transform((value, context): RedisClusterConfig => {
    const parsed = value.split(",").map((entry) => entry.trim()).map((entry) => {
      let url: URL;
      try {
        url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `redis://${entry}`);
      } catch {
        return { entry, problem: "is not host:port or a redis:// URL" };
      }
      if (url.protocol !== "redis:" && url.protocol !== "rediss:") return { entry, problem: "must use redis:// or rediss://" };
      if (!url.hostname || !url.port) return { entry, problem: "needs a host and a port, e.g. 10.0.0.1:6379" };
      // A cluster has only database 0; a URL naming another would silently be ignored.
      if (url.pathname !== "" && url.pathname !== "/" && url.pathname !== "/0") return { entry, problem: "names a database; Redis Cluster has only database 0" };
      return {
        entry,
        node: { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port) },
        tls: url.protocol === "rediss:",
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
      };
    });
    for (const item of parsed) {
      if ("problem" in item) context.addIssue({ code: "custom", message: `"${item.entry || "(empty)"}" ${item.problem}` });
    }
    const nodes = parsed.filter((item) => !("problem" in item)) as Exclude<(typeof parsed)[number], { problem: string }>[];
    if (nodes.length !== parsed.length) return z.NEVER;
    if (new Set(nodes.map((item) => item.tls)).size > 1) context.addIssue({ code: "custom", message: "mixes redis:// and rediss:// nodes; a cluster uses one transport" });
    const withCredentials = nodes.filter((item) => item.username !== undefined || item.password !== undefined);
    if (new Set(withCredentials.map((item) => `${item.username ?? ""}\u0000${item.password ?? ""}`)).size > 1) {
      context.addIssue({ code: "custom", message: "names different credentials on different nodes; a cluster shares one user and password" });
    }
    const [first] = withCredentials;
    return { nodes: nodes.map((item) => item.node), tls: nodes[0]!.tls, username: first?.username, password: first?.password };
  });

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
  /** Seed nodes of a Redis Cluster; when set, every client the app builds is a cluster client and REDIS_URL is not used. */
  REDIS_CLUSTER_NODES: redisClusterNodes.optional(),
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
  /**
   * BullMQ's job lock and stalled-job check (ms). A worker that dies holds its active jobs until
   * the lock expires and a check finds them, so these bound how long a crash delays those jobs.
   * Unset: BullMQ's 30 s each.
   */
  WORKER_LOCK_DURATION: positiveInt.min(1_000).optional(),
  WORKER_STALLED_INTERVAL: positiveInt.min(1_000).optional(),
  /**
   * How often a job may be taken back from a worker that died (its lock expired) before it fails
   * for good. 2: a job gets three runs when workers die, as it gets three attempts when it throws.
   */
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(100).default(2),
  // API
  /** Largest request body an API route reads; past it the answer is 413 without reading the rest. */
  API_MAX_BODY_BYTES: positiveInt.default(1_048_576),
  /** The same for a bulk launch (POST /api/v1/queues/:queueKey/jobs/bulk, up to 10,000 jobs). */
  API_BULK_MAX_BODY_BYTES: positiveInt.default(16 * 1_048_576),
  // Files
  /** Where the server keeps uploaded files; an import's filePath must name a file inside it. */
  UPLOAD_DIR: z.string().trim().min(1).default("./data/uploads"),
  /** Largest file POST /api/v1/uploads stores; past it the answer is 413 and the partial file is deleted. */
  UPLOAD_MAX_BYTES: positiveInt.default(100 * 1_048_576),
  /** Where the export worker writes files; downloads are served from here to their owners only. */
  EXPORT_DIR: z.string().trim().min(1).default("./data/exports"),
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
  // Observability (lib/observability)
  /**
   * Bearer token of GET /api/metrics (Prometheus). Unset: the endpoint answers 404 and no request
   * metrics are kept. At least 16 characters, so a guessable one stops the start.
   */
  METRICS_TOKEN: z.string().trim().min(16).optional(),
  /** OTLP/HTTP collector base URL (traces go to `<url>/v1/traces`). Unset: no tracing code is loaded. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  /** service.name of the spans. @defaultValue capliquify-web / capliquify-worker */
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  // Ledger reconciler (lib/jobs/reconcile-ledger): how often it compares the ledger with Redis, and
  // how old a row or job must be before it is judged (a younger one may be mid-flight)
  LEDGER_RECONCILE_EVERY_SECONDS: positiveInt.max(86_400).default(60),
  LEDGER_RECONCILE_GRACE_SECONDS: positiveInt.max(86_400).default(120),
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
