import { z } from "zod";
import { QUEUE_KEYS, type QueueKey } from "./queue-keys";

export { QUEUE_KEYS, isQueueKey, type QueueKey } from "./queue-keys";

/**
 * The job catalogue: the single declaration of every queue. API validation, the worker's processor
 * registry, env overrides, the read side (what a run is about, its steps, where its result is
 * shown, what its events carry), UI labels and the docs table are all derived from it. Shared code
 * never names a queue: it asks the catalogue.
 *
 * Payloads and results follow the platform's documentation field for field; detail is added beside
 * the documented fields, never under their names.
 */
export type Role = "ADMIN" | "PLANNER";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Upper bounds for ids and free text: long enough for any real value, short enough that no input
 * can reach an index's row limit or fill a log line.
 */
export const MAX_ID_LENGTH = 200;
export const MAX_TEXT_LENGTH = 5_000;

const id = (field: string) =>
  z.string({ error: `${field} must be a string` }).trim().min(1, `${field} is required`).max(MAX_ID_LENGTH, `${field} must be at most ${MAX_ID_LENGTH} characters`);
const isoDate = z.iso.date({ error: "must be a date as YYYY-MM-DD" });
export const organizationIdSchema = id("organizationId");
/** Accepted for compatibility ("for SSE updates"); the owner still comes from the credentials. */
const compatibleUserId = id("userId")
  .describe("The caller's own user id (an admin may name a user of the organisation); the owner always comes from the credentials")
  .optional();

export const FORECAST_MODELS = ["ma", "linear", "exp", "seasonal"] as const;
export type ForecastModel = (typeof FORECAST_MODELS)[number];

/** What a run is about; the ledger stores the subject's id as the run's business key. */
export const SUBJECT_KINDS = ["product", "upload", "integration", "user", "report"] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface ProgressStep<Id extends string = string> {
  id: Id;
  percent: number;
  message: string;
}

/** A small, flat summary of a result, carried by realtime events instead of the whole result. */
export type ResultSummary = Record<string, string | number | boolean | null>;

export interface QueueDefinition<
  P extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  K extends QueueKey = QueueKey,
  S extends string = string,
> {
  key: K;
  /** BullMQ queue name. */
  name: string;
  label: string;
  description: string;
  /** The documented job data. Jobs are re-checked against it at the start of every attempt. */
  payload: P;
  /** The documented result; the worker checks every result against it before returning it. */
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
  /** What a run is about, and which payload field names it (stored as the ledger's business key). */
  subject?: {
    kind: SubjectKind;
    id(payload: z.infer<P>): string | undefined;
    /** The payload field holding the id, named when the subject is refused (another organisation's product). */
    field?: Extract<keyof z.infer<P>, string>;
  };
  /** The steps a processor reports, in order; the UI lists them and the processor names them by id. */
  progressSteps: readonly ProgressStep<S>[];
  /** Where a completed run's outcome is shown, when that is a page of its own (else the job page). */
  resultHref?(jobId: string, result: z.infer<R>): string;
  /** The words of the link to `resultHref` ("View forecast"); every queue with a result page names it. */
  resultLabel?: string;
  /** What a job:complete event carries about the result. */
  summarize(result: z.infer<R>): ResultSummary;
  /**
   * BullMQ deduplication id: while a job with the same id waits or runs, a second launch returns it
   * instead of adding another. Only where two identical runs at once could never both be wanted.
   */
  deduplicationKey?(payload: z.infer<P>): string;
  /**
   * Whom the payload's `userId` names: the caller themselves (accepted for compatibility; an admin
   * may name a user of the organisation) or the recipient of the job's work, whose organisation
   * the run then works for.
   */
  payloadUser?: "caller" | "recipient";
  /**
   * Where the payload names the organisation the run works for; it is checked against the caller's
   * and filled in with it when left out, so the processor reads it from its own data.
   * A path of its own (e.g. `["params", "organizationId"]`), never the top-level `organizationId`:
   * that name is the owner field the platform keeps beside every payload (lib/jobs/job-data.ts).
   * @defaultValue a top-level `organizationId`, checked but not kept in the payload
   */
  organizationPath?: readonly [string, ...string[]];
  /** The payload field holding a server-side file path: accepted only inside the upload directory. */
  uploadPathField?: Extract<keyof z.infer<P>, string>;
  /**
   * Runs of many products at once as one batch (a BullMQ flow, lib/jobs/batches.ts): one child job
   * per product of the scope, with `field` set to the product, under a parent that rolls the
   * children's results up. Only for queues whose subject is a product.
   */
  batch?: {
    field: Extract<keyof z.infer<P>, string>;
    /** The batch's figures from its completed children's results (failures are counted beside them). */
    rollup(results: readonly z.infer<R>[]): ResultSummary;
    /** What the UI calls each figure of the roll-up, in the order it shows them. */
    figures: Record<string, string>;
  };
}

function defineQueue<K extends QueueKey, P extends z.ZodType, R extends z.ZodType, const S extends string>(
  definition: QueueDefinition<P, R, K, S>,
) {
  return definition;
}

/** Figures in a roll-up: two decimals are all a reader compares. */
const round = (value: number) => Math.round(value * 100) / 100;

const step = <const Id extends string>(id: Id, percent: number, message: string): ProgressStep<Id> => ({ id, percent, message });

// ── forecast ────────────────────────────────────────────────────────────────────────────────────

const forecastPayload = z.object({
  productId: id("productId").describe("The product to forecast"),
  horizon: z
    .number({ error: "horizon must be a number of days" })
    .int("horizon must be a whole number of days")
    .min(1, "horizon must be at least 1 day")
    .max(365, "horizon must be at most 365 days")
    .describe("Days to forecast"),
  models: z
    .union([z.tuple([z.literal("all")]), z.array(z.enum(FORECAST_MODELS)).min(1, "choose at least one model")], {
      error: `models must be ["all"] or a list of ${FORECAST_MODELS.join(", ")}`,
    })
    .default(["all"])
    .describe("The models whose accuracy-weighted ensemble is the forecast; [\"all\"] runs every one"),
  userId: compatibleUserId,
});

const mape = z.number().nullable();

const forecastResult = z.object({
  success: z.literal(true),
  forecastId: z.string().describe("The forecast record (GET /api/v1/forecasts/:id), which holds the points"),
  productId: z.string(),
  horizon: z.number().int(),
  accuracy: mape.describe("The ensemble's MAPE on the holdout, in percent (null when the holdout's actuals are all zero)"),
  predictions: z.number().int().describe("How many daily points were forecast; the points themselves are in the forecast record"),
  modelAccuracy: z.record(z.string(), mape).describe("MAPE per model run, in percent"),
  baselineAccuracy: mape.describe("Seasonal naive's MAPE on the same holdout: the bar the ensemble has to clear"),
});

// ── optimization ────────────────────────────────────────────────────────────────────────────────

const nonNegativeMoney = (field: string) =>
  z.number({ error: `${field} must be a number` }).finite().min(0, `${field} must not be negative`);

const optimizationPayload = z.object({
  productId: id("productId").describe("The product to optimise"),
  constraints: z
    .object({
      orderingCost: nonNegativeMoney("orderingCost").describe("Cost of placing one order").optional(),
      holdingCostRate: z
        .number()
        .finite()
        .gt(0, "holdingCostRate must be above 0")
        .max(10, "holdingCostRate is a yearly fraction of unit cost; at most 10")
        .describe("Yearly holding cost as a fraction of unit cost")
        .optional(),
      serviceLevelZ: z.number().finite().gt(0, "serviceLevelZ must be above 0").max(6, "serviceLevelZ must be at most 6").describe("Safety factor z of the cycle service level").optional(),
      serviceLevel: z
        .number()
        .gt(0.5, "serviceLevel must be above 0.5")
        .lt(1, "serviceLevel must be below 1")
        .describe("A cycle service level as a probability, converted to z with the normal quantile (instead of serviceLevelZ)")
        .optional(),
    })
    .strict()
    .refine((value) => value.serviceLevel === undefined || value.serviceLevelZ === undefined, "give serviceLevelZ or serviceLevel, not both")
    .default({})
    .describe("Each constraint defaults to the product's own value when left out"),
  userId: compatibleUserId,
});

const inventoryPolicySchema = z
  .object({
    annualDemand: z.number(),
    dailyDemand: z.number(),
    dailyDemandStd: z.number(),
    holdingCostPerUnit: z.number().describe("Holding cost of one unit for a year: holdingCostRate × unit cost"),
    eoq: z.number().describe("√(2DS/H)"),
    leadTimeDemand: z.number(),
    leadTimeDemandStd: z.number().describe("σ_L = √(L·σ_d² + d²·σ_LT²)"),
    serviceLevelZ: z.number(),
    safetyStock: z.number().describe("z·σ_L"),
    reorderPoint: z.number(),
    cycleServiceLevel: z.number().describe("P(no stock-out in a cycle)"),
    expectedShortagePerCycle: z.number().describe("Units short per cycle, σ_L·G(z) with G the standard normal loss function"),
    fillRate: z.number().describe("Share of demand met from stock, 1 − shortage/EOQ"),
    ordersPerYear: z.number(),
    annualCost: z.number().describe("Yearly ordering plus holding cost"),
  })
  .describe("A continuous-review (s, Q) policy: order EOQ when the inventory position falls to the reorder point");

const reorderRecommendationSchema = z.object({
  inventoryPosition: z.number().describe("On hand plus open incoming orders"),
  orderNow: z.boolean(),
  quantity: z.number().int().describe("Units to order now, or the next order's size"),
  orderBy: z.string().nullable().describe("Last day (YYYY-MM-DD) to place the order; null without demand"),
  daysOfCover: z.number().nullable(),
  stockoutDate: z.string().nullable().describe("When stock on hand runs out at mean demand if nothing arrives"),
});

const optimizationResult = z.object({
  success: z.literal(true),
  resultId: z.string().describe("The saved result, keyed by the job (a re-run replaces it)"),
  eoq: z.number().describe("The product's economic order quantity, units"),
  safetyStock: z.number(),
  reorderPoint: z.number(),
  productId: z.string(),
  demandSource: z.enum(["forecast", "history"]).describe("Where the demand came from: the latest forecast when there is one, else the last 365 days of sales"),
  forecastId: z.string().nullable(),
  inputs: z
    .object({
      orderingCost: z.number(),
      holdingCostRate: z.number(),
      serviceLevelZ: z.number(),
      serviceLevel: z.number().describe("The cycle service level z stands for, Φ(z)"),
      leadTimeDays: z.number(),
      leadTimeStdDays: z.number(),
      unitCost: z.number(),
      shortageCost: z.number().describe("Cost per unit a warehouse needs and is not allocated (the unit price)"),
      fromJob: z.array(z.string()).describe("The constraints the job gave; the others are the product's own"),
    })
    .describe("What the policy was computed from"),
  policy: inventoryPolicySchema.describe("The product's policy against its supplier, all warehouses together"),
  recommendation: reorderRecommendationSchema,
  warehouses: z
    .array(
      z.object({
        warehouseId: z.string(),
        code: z.string(),
        name: z.string(),
        kind: z.enum(["CENTRAL", "REGIONAL"]),
        suppliedFrom: z.string().nullable().describe("The central DC (code) that normally replenishes it; null: the supplier"),
        leadTimeDays: z.number(),
        leadTimeStdDays: z.number(),
        onHand: z.number().int(),
        onOrder: z.number().int(),
        policy: inventoryPolicySchema,
        recommendation: reorderRecommendationSchema,
        allocated: z.number().int().describe("Units the allocation sends it from the central DCs"),
        short: z.number().int().describe("Units of its need the allocation could not cover"),
        shipments: z.array(z.object({ from: z.string(), quantity: z.number().int(), cost: z.number() })),
      }),
    )
    .describe("Policy, recommendation and allocation per warehouse"),
  allocation: z.object({
    transportCost: z.number(),
    shortageCost: z.number(),
    fairShare: z.boolean().describe("True when supply was short of the need and shared in proportion to need"),
  }),
});

// ── sync ────────────────────────────────────────────────────────────────────────────────────────

export const SYNC_DATA_TYPES = ["orders", "inventory"] as const;

const syncPayload = z.object({
  integrationId: id("integrationId").describe("The connected system to pull from"),
  dataTypes: z.array(z.enum(SYNC_DATA_TYPES)).min(1, "choose at least one data type").default([...SYNC_DATA_TYPES]).describe("What to pull"),
  force: z.boolean().default(false).describe("Re-pull everything instead of resuming from the saved cursor"),
});

const recordCounts = z.object({ read: z.number().int(), written: z.number().int() });

const syncResult = z.object({
  success: z.literal(true),
  integrationId: z.string(),
  orders: recordCounts.optional().describe("Orders read from the provider and written"),
  inventory: recordCounts.optional().describe("Inventory levels read from the provider and written"),
  unknownSkus: z.number().int().describe("SKUs the provider sent that match no product of the organisation"),
});

// ── import ──────────────────────────────────────────────────────────────────────────────────────

export const IMPORT_ENTITY_TYPES = ["products", "sales", "inventory", "warehouses", "lead-times"] as const;
export const IMPORT_MODES = ["all-or-nothing", "valid-rows"] as const;

const importPayload = z
  .object({
    filePath: z
      .string()
      .trim()
      .min(1, "filePath is required")
      .max(1_000, "filePath must be at most 1000 characters")
      .describe("A path the upload endpoint returned (inside the server's UPLOAD_DIR; relative paths are read from there); any other path is refused")
      .optional(),
    uploadId: id("uploadId").describe("The upload to import (give this or filePath)").optional(),
    entityType: z.enum(IMPORT_ENTITY_TYPES, { error: `entityType must be one of ${IMPORT_ENTITY_TYPES.join(", ")}` }).describe("What the file's rows are"),
    mapping: z
      .record(z.string().max(MAX_ID_LENGTH), z.string().max(MAX_ID_LENGTH))
      .describe("File column → field; headers are matched automatically where it is left out")
      .optional(),
    mode: z
      .enum(IMPORT_MODES)
      .default("all-or-nothing")
      .describe("all-or-nothing imports nothing when a row is invalid; valid-rows imports the valid ones"),
    dryRun: z.boolean().default(false).describe("Validate and report without writing"),
    sheet: z.string().trim().min(1).max(MAX_ID_LENGTH).describe("The workbook's sheet to import (XLSX); the first when left out").optional(),
    userId: compatibleUserId,
  })
  .refine((value) => value.filePath !== undefined || value.uploadId !== undefined, {
    message: "give uploadId (or the filePath the upload endpoint returned)",
    path: ["uploadId"],
  });

const importResult = z.object({
  success: z.boolean().describe("Every row was valid (and, unless a dry run, written)"),
  report: z.object({
    total: z.number().int().describe("Data rows read (blank rows are not counted)"),
    valid: z.number().int(),
    invalid: z.number().int(),
    imported: z.number().int().describe("Valid rows now in the database as the file has them (created + updated + unchanged); 0 when nothing was written"),
    errors: z
      .array(
        z.object({
          row: z.number().int().describe("The row as the spreadsheet numbers it (header = row 1)"),
          data: z.record(z.string(), z.unknown()).describe("The row's cells by column, as written"),
          errors: z.array(z.string()).describe('One sentence per issue, "column: message"'),
          sheet: z.string().nullable().describe("The workbook's sheet; null for CSV/TSV"),
          issues: z.array(z.object({ column: z.string().describe("The file's header"), field: z.string(), value: z.string(), message: z.string() })),
        }),
      )
      .describe("The first 1,000 invalid rows; errorsUrl has them all"),
    created: z.number().int().describe("Rows added (in a dry run: that would be)"),
    updated: z.number().int().describe("Stored rows changed (in a dry run: that would be)"),
    unchanged: z.number().int().describe("Valid rows equal to what is stored, not written again: a re-import of the same file has only these"),
    errorCount: z.number().int().describe("Issues in the full error list (one per bad cell)"),
  }),
  entityType: z.enum(IMPORT_ENTITY_TYPES),
  dryRun: z.boolean(),
  mode: z.enum(IMPORT_MODES),
  errorsUrl: z.string().nullable().describe("Every error as CSV (row, sheet, column, field, value, message); null when there are none"),
  reportUrl: z.string().describe("The saved report (GET /api/v1/imports/:jobId)"),
});

// ── export ──────────────────────────────────────────────────────────────────────────────────────

export const EXPORT_ENTITIES = ["products", "sales", "forecasts", "inventory"] as const;
/** json is one array of row objects; jsonl (JSON Lines) one object per line. */
export const EXPORT_FORMATS = ["csv", "json", "pdf", "xlsx", "jsonl"] as const;

const exportFilters = z
  .object({
    category: z.string().trim().min(1).max(MAX_ID_LENGTH).optional(),
    productId: id("productId").optional(),
    warehouseId: id("warehouseId").optional(),
    forecastId: id("forecastId").describe("forecasts: this forecast instead of each product's latest").optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
  })
  .strict();

export type ExportFilterKey = keyof z.infer<typeof exportFilters>;

/**
 * The filters each entity can apply; any other is refused at enqueue (422 at its field), so an
 * export never silently ignores what was asked. The export worker's queries (lib/exports) are
 * typed against this list.
 */
export const EXPORT_ENTITY_FILTERS = {
  products: ["category", "productId"],
  sales: ["category", "productId", "startDate", "endDate"],
  forecasts: ["category", "productId", "forecastId", "startDate", "endDate"],
  inventory: ["category", "productId", "warehouseId", "startDate", "endDate"],
} as const satisfies Record<(typeof EXPORT_ENTITIES)[number], readonly ExportFilterKey[]>;

const exportPayload = z
  .object({
    entity: z.enum(EXPORT_ENTITIES, { error: `entity must be one of ${EXPORT_ENTITIES.join(", ")}` }).describe("What to export"),
    format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(", ")}` }).describe("File format"),
    filters: exportFilters
      .default({})
      .describe(
        "Only rows matching every filter given. products: category, productId; sales: category, productId, startDate, endDate (the sale's day); forecasts: the same (the forecast's days) and forecastId; inventory: category, productId, warehouseId and the dates (without dates, the latest day on record). forecasts are each product's latest forecast unless forecastId names one.",
      ),
    userId: compatibleUserId,
  })
  .superRefine((value, context) => {
    const allowed: readonly ExportFilterKey[] = EXPORT_ENTITY_FILTERS[value.entity];
    for (const key of Object.keys(value.filters) as ExportFilterKey[]) {
      if (value.filters[key] !== undefined && !allowed.includes(key)) {
        context.addIssue({ code: "custom", path: ["filters", key], message: `${key} does not apply to ${value.entity} exports (they take ${allowed.join(", ")})` });
      }
    }
    const { startDate, endDate } = value.filters;
    if (startDate && endDate && startDate > endDate) context.addIssue({ code: "custom", path: ["filters", "endDate"], message: "endDate must not be before startDate" });
  });

const exportResult = z.object({
  success: z.literal(true),
  exportId: z.string(),
  filePath: z.string().describe("Where the server stored the file, relative to its EXPORT_DIR"),
  downloadUrl: z.string().describe("Where its owner downloads it (GET, with the owner's credentials)"),
  rows: z.number().int().describe("Data rows written (the header not counted)"),
  bytes: z.number().int().describe("The file's size"),
  fileName: z.string().describe("The name the download is given"),
  expiresAt: z.string().describe("When the file is deleted (the export queue's retention)"),
});

// ── notification ────────────────────────────────────────────────────────────────────────────────

export const NOTIFICATION_TYPES = ["EMAIL", "SMS", "PUSH", "IN_APP"] as const;

const notificationPayload = z.object({
  userId: id("userId").describe("The recipient: an existing user, whose organisation the run works for"),
  type: z.enum(NOTIFICATION_TYPES, { error: `type must be one of ${NOTIFICATION_TYPES.join(", ")}` }).describe("Channel"),
  title: z.string().trim().min(1, "title is required").max(200, "title must be at most 200 characters"),
  message: z.string().trim().min(1, "message is required").max(MAX_TEXT_LENGTH, `message must be at most ${MAX_TEXT_LENGTH} characters`),
  data: z.record(z.string().max(MAX_ID_LENGTH), z.unknown()).default({}).describe("Extra fields for the channel's template"),
});

const notificationResult = z.object({
  success: z.literal(true),
  notificationId: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  deliveredAt: z.string(),
});

// ── analytics ───────────────────────────────────────────────────────────────────────────────────

/**
 * The reports, each with what it computes. The first five are the documented types clients use;
 * `abc-xyz`, `service` and `gmroi` came later, beside them: `abc-analysis` is the ABC half of
 * `abc-xyz`, `stockout-rate` the stock-out half of `service`.
 */
export const ANALYTICS_REPORTS = {
  "inventory-turnover":
    "Turnover = COGS ÷ average inventory at cost, and days of inventory = period days ÷ turns, for the organisation, per category, per warehouse and per product. COGS = units sold × unit cost; average inventory = the mean over the period's snapshot days of Σ on hand × unit cost (`averageInventory: \"daily-snapshots\"`, the default), or the mean of the first and last snapshot day (`\"begin-end\"`). Sales are recorded per product, so a warehouse's COGS is its share of the product's demand (a regional warehouse's demand share; a central DC's, the shares of the regional warehouses it supplies); a warehouse filter applies that share to every figure.",
  "abc-analysis":
    "ABC classes (the ABC half of abc-xyz): products ranked by value over the period (`abcBasis`: revenue = units sold × unit price, the default, or cost = units × unit cost, the annual usage value), each product's class set by the cumulative share **including the product**: A while it is ≤ `abcCutoffs.a` (80 %), B while ≤ `abcCutoffs.b` (95 %), else C. With each class's count and share of value and the Pareto curve.",
  "abc-xyz":
    "ABC as in abc-analysis, plus XYZ by the coefficient of variation σ/μ of each product's units sold per period of `xyzPeriodDays` days (7; whole periods from startDate, periods without sales counted as 0; σ the population standard deviation): X below `xyzThresholds.x` (0.5), Y below `xyzThresholds.y` (1.0), else Z (Z also when nothing sold). With the 3 × 3 ABC-XYZ matrix of counts.",
  "forecast-accuracy":
    "Stored forecasts against the sales that then happened: every point of every saved forecast dated in the period, up to the last day with sales (a day without a sales row counts as 0 sold), for the ensemble and each model, per model and per product × model. MAPE = 100 × mean |actual − forecast| ÷ actual over days with actual > 0; bias = mean (actual − forecast) (positive: forecast too low); MAD = mean |actual − forecast|; tracking signal = Σ (actual − forecast) ÷ MAD, out of control beyond ±`trackingSignalLimit` (4). With MAPE per model per week.",
  "stockout-rate":
    "The stock-out half of service: stock-out rate by SKU (product × warehouse locations at zero on the period's last snapshot day ÷ locations with a snapshot that day), by demand (units unfilled ÷ units demanded), and days out of stock (location-days at zero), for the organisation, per warehouse, per product and per week. Only customer-facing (regional) warehouses count, unless `warehouseId` names one.",
  "days-of-supply":
    "Days of supply per product × warehouse: on hand on the period's last snapshot day ÷ the warehouse's average daily demand over the period (the product's units demanded = sold + unfilled, ÷ period days, × the warehouse's share of demand, as in inventory-turnover); per product all warehouses together; null without demand.",
  service:
    "Service level: fill rate by units (units shipped ÷ units demanded, demanded = sold + unfilled), by lines (a line is one product's demand on one day; complete when none of it went unfilled: complete lines ÷ lines), plus everything in stockout-rate, for the organisation, per product, per warehouse (unfilled, days out of stock) and per week (the trend).",
  gmroi:
    "Gross margin return on inventory investment = gross margin ÷ average inventory at cost, with gross margin = revenue − COGS (units sold × (unit price − unit cost)) and average inventory as in inventory-turnover, for the organisation, per category and per product.",
} as const;

export type AnalyticsType = keyof typeof ANALYTICS_REPORTS;
export const ANALYTICS_TYPES = Object.keys(ANALYTICS_REPORTS) as [AnalyticsType, ...AnalyticsType[]];

const share = (field: string) => z.number({ error: `${field} must be a number` }).gt(0, `${field} must be above 0`).max(1, `${field} must be at most 1`);

const analyticsPayload = z.object({
  type: z
    .enum(ANALYTICS_TYPES, { error: `type must be one of ${ANALYTICS_TYPES.join(", ")}` })
    .describe(`The report. ${Object.entries(ANALYTICS_REPORTS).map(([type, text]) => `\`${type}\`: ${text}`).join(" ")}`),
  params: z
    .object({
      organizationId: organizationIdSchema.describe("Must be the caller's own organisation (an admin may name any); the caller's when left out").optional(),
      startDate: isoDate.describe("First day of the period"),
      endDate: isoDate.describe("Last day of the period (inclusive)"),
      warehouseId: id("warehouseId").describe("Only this warehouse's stock, and its share of the sales").optional(),
      category: z.string().trim().min(1).max(MAX_ID_LENGTH).describe("Only products of this category").optional(),
      averageInventory: z
        .enum(["daily-snapshots", "begin-end"])
        .default("daily-snapshots")
        .describe("Average inventory as the mean of the daily snapshots, or of the first and last snapshot day"),
      abcBasis: z.enum(["revenue", "cost"]).default("revenue").describe("Rank products by revenue (units × price) or by usage value (units × unit cost)"),
      abcCutoffs: z
        .object({ a: share("abcCutoffs.a").default(0.8), b: share("abcCutoffs.b").default(0.95) })
        .refine((value) => value.a <= value.b, { message: "abcCutoffs.a must not be above abcCutoffs.b", path: ["b"] })
        .default({ a: 0.8, b: 0.95 })
        .describe("Cumulative shares of value (including the product) up to which a product is A, then B"),
      xyzThresholds: z
        .object({
          x: z.number().gt(0, "xyzThresholds.x must be above 0").max(10).default(0.5),
          y: z.number().gt(0, "xyzThresholds.y must be above 0").max(10).default(1),
        })
        .refine((value) => value.x <= value.y, { message: "xyzThresholds.x must not be above xyzThresholds.y", path: ["y"] })
        .default({ x: 0.5, y: 1 })
        .describe("Coefficients of variation below which a product is X, then Y (published values differ: 0.5/1.0, or 0.1/0.25)"),
      xyzPeriodDays: z.number().int().min(1).max(91).default(7).describe("Length in days of the demand periods whose variation sets XYZ"),
      trackingSignalLimit: z.number().gt(0).max(10).default(4).describe("Control limit of the tracking signal (±); 3 is also in use"),
    })
    .refine((value) => value.startDate <= value.endDate, { message: "startDate must not be after endDate", path: ["endDate"] }),
});

const analyticsResult = z.object({
  success: z.literal(true),
  reportId: z.string().describe("The saved report (GET /api/v1/reports/:id), keyed by the job (a re-run replaces it)"),
  type: z.enum(ANALYTICS_TYPES),
});

export const catalog = {
  forecast: defineQueue({
    key: "forecast",
    name: "forecast-queue",
    label: "Demand forecast",
    description: "Forecasts a product's daily demand with several models and an accuracy-weighted ensemble.",
    payload: forecastPayload,
    payloadUser: "caller",
    result: forecastResult,
    concurrency: 3,
    timeoutMs: 5 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    subject: { kind: "product", id: (payload) => payload.productId, field: "productId" },
    progressSteps: [
      step("loading", 10, "Loading historical data"),
      step("preprocessing", 20, "Preprocessing data"),
      step("models", 30, "Running forecast models"),
      step("ensemble", 60, "Calculating ensemble"),
      step("accuracy", 80, "Calculating accuracy"),
      step("saving", 90, "Saving results"),
      step("done", 100, "Complete"),
    ],
    resultHref: (jobId) => `/forecasts?job=${encodeURIComponent(jobId)}`,
    resultLabel: "View forecast",
    summarize: (result) => ({ forecastId: result.forecastId, accuracy: result.accuracy, predictions: result.predictions }),
    batch: {
      field: "productId",
      figures: { forecasts: "Forecasts", meanAccuracy: "Mean MAPE (%)", behindBaseline: "Behind seasonal naive" },
      rollup: (results) => {
        const scored = results.flatMap((result) => (result.accuracy === null ? [] : [result.accuracy]));
        return {
          forecasts: results.length,
          meanAccuracy: scored.length === 0 ? null : round(scored.reduce((sum, value) => sum + value, 0) / scored.length),
          // Forecasts whose ensemble does not beat seasonal naive on the holdout deserve a look.
          behindBaseline: results.filter((result) => result.accuracy !== null && result.baselineAccuracy !== null && result.accuracy > result.baselineAccuracy).length,
        };
      },
    },
  }),
  optimization: defineQueue({
    key: "optimization",
    name: "optimization-queue",
    label: "Inventory optimisation",
    description: "EOQ, safety stock, reorder points and multi-warehouse allocation.",
    payload: optimizationPayload,
    payloadUser: "caller",
    result: optimizationResult,
    concurrency: 2,
    timeoutMs: 5 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    subject: { kind: "product", id: (payload) => payload.productId, field: "productId" },
    progressSteps: [
      step("loading", 10, "Loading demand"),
      step("policy", 40, "Computing inventory policy"),
      step("allocating", 70, "Allocating across warehouses"),
      step("saving", 90, "Saving results"),
      step("done", 100, "Complete"),
    ],
    summarize: (result) => ({ resultId: result.resultId, eoq: result.eoq, safetyStock: result.safetyStock, reorderPoint: result.reorderPoint }),
    batch: {
      field: "productId",
      figures: { policies: "Policies", orderNow: "Products to order now", unitsToOrder: "Units to order now", fromForecast: "Demand from a forecast" },
      rollup: (results) => {
        const toOrder = results.filter((result) => result.recommendation.orderNow);
        return {
          policies: results.length,
          orderNow: toOrder.length,
          unitsToOrder: toOrder.reduce((sum, result) => sum + result.recommendation.quantity, 0),
          fromForecast: results.filter((result) => result.demandSource === "forecast").length,
        };
      },
    },
  }),
  sync: defineQueue({
    key: "sync",
    name: "sync-queue",
    label: "Integration sync",
    description: "Pulls orders and inventory levels from an e-commerce or accounting system.",
    payload: syncPayload,
    result: syncResult,
    concurrency: 2,
    timeoutMs: 10 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    rateLimit: { max: 10, durationMs: 1000 },
    enqueueRoles: ["ADMIN"],
    subject: { kind: "integration", id: (payload) => payload.integrationId },
    progressSteps: [
      step("connecting", 5, "Connecting to the provider"),
      step("orders", 10, "Pulling orders"),
      step("inventory", 50, "Pulling inventory levels"),
      step("saving", 90, "Saving records"),
      step("done", 100, "Complete"),
    ],
    summarize: (result) => ({ integrationId: result.integrationId, unknownSkus: result.unknownSkus }),
    // Two pulls of the same data from the same provider at once would only race each other.
    deduplicationKey: (payload) => `${payload.integrationId}:${[...payload.dataTypes].sort().join(",")}:${payload.force}`,
  }),
  import: defineQueue({
    key: "import",
    name: "import-queue",
    label: "Data import",
    description: "Imports a CSV or Excel upload row by row, with a per-row report.",
    payload: importPayload,
    payloadUser: "caller",
    uploadPathField: "filePath",
    result: importResult,
    concurrency: 1,
    timeoutMs: 15 * MINUTE,
    keepCompletedMs: 7 * DAY,
    keepFailedMs: 30 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    subject: { kind: "upload", id: (payload) => payload.uploadId ?? payload.filePath },
    progressSteps: [
      step("reading", 5, "Reading the file"),
      step("validating", 10, "Validating rows"),
      step("importing", 80, "Importing rows"),
      step("report", 95, "Writing the report"),
      step("done", 100, "Complete"),
    ],
    resultHref: (jobId) => `/imports/${encodeURIComponent(jobId)}`,
    resultLabel: "View import report",
    summarize: (result) => ({ total: result.report.total, imported: result.report.imported, invalid: result.report.invalid }),
  }),
  export: defineQueue({
    key: "export",
    name: "export-queue",
    label: "Data export",
    description: "Exports products, sales, forecasts or inventory as CSV, JSON, Excel or PDF.",
    payload: exportPayload,
    payloadUser: "caller",
    result: exportResult,
    concurrency: 2,
    timeoutMs: 10 * MINUTE,
    keepCompletedMs: 3 * DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    subject: { kind: "report", id: (payload) => payload.entity },
    progressSteps: [
      step("querying", 10, "Reading the data"),
      step("writing", 30, "Writing the file"),
      step("done", 100, "Complete"),
    ],
    resultHref: (_jobId, result) => result.downloadUrl,
    resultLabel: "Download file",
    summarize: (result) => ({ exportId: result.exportId, downloadUrl: result.downloadUrl, rows: result.rows }),
  }),
  notification: defineQueue({
    key: "notification",
    name: "notification-queue",
    label: "Notification",
    description: "Sends an email, SMS, push or in-app notification.",
    payload: notificationPayload,
    payloadUser: "recipient",
    result: notificationResult,
    concurrency: 5,
    timeoutMs: 30_000,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    rateLimit: { max: 50, durationMs: 1000 },
    enqueueRoles: ["ADMIN"],
    subject: { kind: "user", id: (payload) => payload.userId },
    progressSteps: [step("sending", 50, "Sending"), step("done", 100, "Delivered")],
    summarize: (result) => ({ notificationId: result.notificationId, type: result.type }),
  }),
  analytics: defineQueue({
    key: "analytics",
    name: "analytics-queue",
    label: "Analytics",
    description: "Inventory reports over a period: turnover, ABC/XYZ, service level and stock-outs, days of supply, GMROI and forecast accuracy.",
    payload: analyticsPayload,
    organizationPath: ["params", "organizationId"],
    result: analyticsResult,
    concurrency: 2,
    timeoutMs: 10 * MINUTE,
    keepCompletedMs: DAY,
    keepFailedMs: 7 * DAY,
    enqueueRoles: ["ADMIN", "PLANNER"],
    subject: { kind: "report", id: (payload) => payload.type },
    progressSteps: [
      step("loading", 10, "Loading products and warehouses"),
      step("aggregating", 20, "Aggregating sales and stock"),
      step("computing", 70, "Computing the report"),
      step("saving", 90, "Saving the report"),
      step("done", 100, "Complete"),
    ],
    resultHref: (_jobId, result) => `/analytics/reports/${encodeURIComponent(result.reportId)}`,
    resultLabel: "View report",
    summarize: (result) => ({ reportId: result.reportId, type: result.type }),
  }),
} satisfies { [K in QueueKey]: QueueDefinition<z.ZodType, z.ZodType, K, string> };

export type Catalog = typeof catalog;
export type JobPayload<K extends QueueKey> = z.infer<Catalog[K]["payload"]>;
export type JobPayloadInput<K extends QueueKey> = z.input<Catalog[K]["payload"]>;
export type JobResult<K extends QueueKey> = z.infer<Catalog[K]["result"]>;
/** The ids of a queue's progress steps, e.g. "loading" | "models" | … for forecasts. */
export type StepId<K extends QueueKey> = Catalog[K]["progressSteps"][number]["id"];

/** Retry policy shared by every queue: 3 attempts, exponential backoff 2 s, 4 s, 8 s. */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF = { type: "exponential", delay: 2_000 } as const;
/** BullMQ priority: 1 is the highest. */
export const PRIORITY = { min: 1, max: 10, default: 5 } as const;

export function queueDefinition(key: QueueKey): QueueDefinition {
  return catalog[key] as unknown as QueueDefinition;
}

/** Every queue's definition, read from the catalogue at each call rather than captured once at import. */
export function queueDefinitions(): readonly QueueDefinition[] {
  return QUEUE_KEYS.map(queueDefinition);
}

export function queueKeyFromName(name: string): QueueKey | undefined {
  return QUEUE_KEYS.find((key) => queueDefinition(key).name === name);
}

/** The step of a queue by id; a processor reports `progressStep(key, id)` instead of literals. */
export function progressStep<K extends QueueKey>(key: K, stepId: StepId<K>): ProgressStep {
  const found = queueDefinition(key).progressSteps.find((candidate) => candidate.id === stepId);
  if (!found) throw new Error(`The ${key} queue declares no progress step "${String(stepId)}"`);
  return found;
}
