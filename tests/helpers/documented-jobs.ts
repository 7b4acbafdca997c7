import type { JobPayloadInput, JobResult, QueueKey } from "@/lib/jobs/catalog";

/**
 * Job data of each queue exactly as the platform's documentation writes it, and a result with the
 * documented fields, for tests that need a valid job of some queue without caring which.
 */
export const DOCUMENTED_DATA: { [K in QueueKey]: JobPayloadInput<K> } = {
  forecast: { productId: "p-1", horizon: 30, models: ["all"] },
  optimization: { productId: "p-1", constraints: { orderingCost: 12, holdingCostRate: 0.25, serviceLevelZ: 1.65 } },
  sync: { integrationId: "erp", dataTypes: ["orders", "inventory"], force: false },
  import: { uploadId: "u-1", entityType: "products" },
  export: { entity: "products", format: "csv", filters: { category: "Fasteners" } },
  notification: { userId: "u", type: "EMAIL", title: "t", message: "b", data: {} },
  analytics: { type: "inventory-turnover", params: { startDate: "2026-01-01", endDate: "2026-06-30" } },
};

const OPTIMIZATION_POLICY = {
  annualDemand: 10_950,
  dailyDemand: 30,
  dailyDemandStd: 5,
  holdingCostPerUnit: 0.005,
  eoq: 3870,
  leadTimeDemand: 300,
  leadTimeDemandStd: 15.81,
  serviceLevelZ: 1.65,
  safetyStock: 26.09,
  reorderPoint: 326.09,
  cycleServiceLevel: 0.9505,
  expectedShortagePerCycle: 0.3,
  fillRate: 0.9999,
  ordersPerYear: 2.83,
  annualCost: 53.5,
};

/** A result of each queue with its documented fields, as a fake processor in a test returns it. */
export function documentedResult<K extends QueueKey>(key: K): JobResult<K> {
  const results: { [Q in QueueKey]: JobResult<Q> } = {
    forecast: { success: true, forecastId: "f-1", productId: "p-1", horizon: 30, accuracy: 12.5, predictions: 30, modelAccuracy: { ma: 14 }, baselineAccuracy: 15 },
    optimization: {
      success: true,
      resultId: "o-1",
      eoq: 3870,
      safetyStock: 26.09,
      reorderPoint: 326.09,
      productId: "p-1",
      demandSource: "history",
      forecastId: null,
      inputs: { orderingCost: 12, holdingCostRate: 0.25, serviceLevelZ: 1.65, serviceLevel: 0.9505, leadTimeDays: 10, leadTimeStdDays: 0, unitCost: 0.02, shortageCost: 0.05, fromJob: ["orderingCost"] },
      policy: OPTIMIZATION_POLICY,
      recommendation: { inventoryPosition: 400, orderNow: false, quantity: 3870, orderBy: "2026-12-04", daysOfCover: 13.3, stockoutDate: "2026-12-15" },
      warehouses: [],
      allocation: { transportCost: 0, shortageCost: 0, fairShare: false },
    },
    sync: { success: true, integrationId: "erp", orders: { read: 2, written: 2 }, unknownSkus: 0 },
    import: {
      success: true,
      report: { total: 1, valid: 1, invalid: 0, imported: 1, errors: [], created: 1, updated: 0, unchanged: 0, errorCount: 0 },
      entityType: "products",
      dryRun: false,
      mode: "all-or-nothing",
      errorsUrl: null,
      reportUrl: "/api/v1/imports/j-1",
    },
    export: { success: true, exportId: "e-1", filePath: "org-1/e-1.csv", downloadUrl: "/api/v1/exports/e-1/download", rows: 1, bytes: 10, fileName: "products-2026-12-02.csv", expiresAt: "2026-12-05T00:00:00.000Z" },
    notification: { success: true, notificationId: "n-1", type: "EMAIL", deliveredAt: "2026-12-02T00:00:00.000Z" },
    analytics: { success: true, reportId: "r-1", type: "inventory-turnover" },
  };
  return results[key] as JobResult<K>;
}
