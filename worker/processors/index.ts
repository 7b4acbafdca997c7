import type { QueueKey } from "../../lib/jobs/catalog";
import type { Processor } from "../processor";
import type { TaskMap } from "../threads/pool";
import { exportProcessor } from "./export.processor";
import { analyticsProcessor } from "./analytics.processor";
import { forecastProcessor } from "./forecast.processor";
import { importProcessor } from "./import.processor";
import { notificationProcessor } from "./notification.processor";
import { optimizationProcessor } from "./optimization.processor";
import { syncProcessor } from "./sync.processor";

/**
 * The processor of each queue. Every queue in the catalogue must appear here (the type check
 * fails otherwise); `null` marks a queue whose processor has not been built yet: its jobs wait,
 * and the dashboard flags the queue as having no worker.
 */
export const processors = {
  forecast: forecastProcessor,
  optimization: optimizationProcessor,
  sync: syncProcessor,
  import: importProcessor,
  export: exportProcessor,
  notification: notificationProcessor,
  analytics: analyticsProcessor,
} satisfies { [K in QueueKey]: Processor<K, TaskMap> | null };
