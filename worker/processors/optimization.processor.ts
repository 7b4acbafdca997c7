import { UnrecoverableError } from "bullmq";
import { INTERVAL_LEVEL } from "../../lib/forecasting";
import { dailyDemandStats, type DailyDemand } from "../../lib/inventory/demand";
import { InventoryInputError } from "../../lib/inventory/errors";
import { normalCdf, serviceLevelToZ } from "../../lib/inventory/normal";
import { allocationByWarehouse, planProduct, type ProductPlan } from "../../lib/inventory/plan";
import type { JobPayload } from "../../lib/jobs/catalog";
import {
  loadLatestForecast,
  loadNetwork,
  loadOptimizationProduct,
  loadRecentSales,
  saveOptimizationResult,
  type OptimizationProduct,
} from "../../lib/optimization/optimization-store";
import { ThreadTaskError } from "../threads/pool";
import { threadTasksModule, type Processor } from "../processor";

type OptimizationTasks = typeof import("./optimization.tasks").threadTasks;

/**
 * Loads a product's demand (latest forecast, else sales history), supply terms, stock and network;
 * computes its policy and each warehouse's (lib/inventory/plan.ts); allocates the central stock in
 * a task thread (HiGHS); saves the result keyed by the job.
 */
export const optimizationProcessor: Processor<"optimization", OptimizationTasks> = {
  threadTasks: threadTasksModule(new URL("./optimization.tasks.ts", import.meta.url)),
  async run(job, context) {
    const { productId } = job.data;

    await context.step("loading");
    const product = await loadOptimizationProduct(context.db, productId, context.owner.organizationId);
    if (!product) throw new UnrecoverableError(`Product ${productId} does not exist`);
    const inputs = resolveInputs(product, job.data.constraints);
    const demand = await loadDemand(context.db, product);
    const network = await loadNetwork(context.db, product.organizationId, product.id);

    await context.step("policy");
    let plan: ProductPlan;
    try {
      plan = planProduct({ today: today(), demand: demand.daily, ...inputs, warehouses: network.warehouses, lanes: network.lanes });
    } catch (error) {
      throw error instanceof InventoryInputError ? new UnrecoverableError(`Product ${product.sku}: ${error.message}`) : error;
    }

    await context.step("allocating");
    const allocation = await context.threads.run("allocate", [plan.allocation], context.signal).catch((error: unknown) => {
      // Bad data (a lane with a negative cost, fractional stock) will not heal on a retry.
      if (error instanceof ThreadTaskError && error.name === "InventoryInputError") throw new UnrecoverableError(`Product ${product.sku}: ${error.message}`);
      throw error;
    });
    const byWarehouse = allocationByWarehouse(allocation);
    const codes = new Map(plan.warehouses.map((warehouse) => [warehouse.id, warehouse.code]));
    const warehouses = plan.warehouses.map((warehouse) => {
      const allocated = byWarehouse.get(warehouse.id);
      return {
        warehouseId: warehouse.id,
        code: warehouse.code,
        name: warehouse.name,
        kind: warehouse.kind,
        suppliedFrom: warehouse.suppliedFrom ? codes.get(warehouse.suppliedFrom)! : null,
        leadTimeDays: warehouse.leadTimeDays,
        leadTimeStdDays: warehouse.leadTimeStdDays,
        onHand: warehouse.onHand,
        onOrder: warehouse.onOrder,
        policy: warehouse.policy,
        recommendation: warehouse.recommendation,
        allocated: allocated?.allocated ?? 0,
        short: allocated?.short ?? 0,
        shipments: (allocated?.from ?? []).map((shipment) => ({ from: codes.get(shipment.warehouseId)!, quantity: shipment.quantity, cost: shipment.cost })),
      };
    });
    const allocationSummary = { transportCost: allocation.transportCost, shortageCost: allocation.shortageCost, fairShare: allocation.fairShared.length > 0 };
    const usedInputs = { ...inputs, serviceLevel: normalCdf(inputs.serviceLevelZ) };

    await context.step("saving");
    const resultId = await saveOptimizationResult(
      context.db,
      {
        jobId: job.id,
        organizationId: product.organizationId,
        productId: product.id,
        demandSource: demand.source,
        forecastId: demand.forecastId,
        eoq: plan.policy.eoq,
        safetyStock: plan.policy.safetyStock,
        reorderPoint: plan.policy.reorderPoint,
        inputs: { ...usedInputs, demand: { source: demand.source, forecastId: demand.forecastId, days: demand.days, ...demand.daily }, network },
        warehouses,
        allocation: { ...allocationSummary, shipments: allocation.shipments.map(({ from, to, quantity, cost }) => ({ from: codes.get(from), to: codes.get(to), quantity, cost })) },
      },
      context.signal,
    );

    await context.step("done");
    return {
      success: true,
      resultId,
      eoq: plan.policy.eoq,
      safetyStock: plan.policy.safetyStock,
      reorderPoint: plan.policy.reorderPoint,
      productId: product.id,
      demandSource: demand.source,
      forecastId: demand.forecastId,
      inputs: usedInputs,
      policy: plan.policy,
      recommendation: plan.recommendation,
      warehouses,
      allocation: allocationSummary,
    };
  },
};

type Constraints = JobPayload<"optimization">["constraints"];

/** The job's constraints, each defaulting to the product's own value; the lead time is always the product's. */
function resolveInputs(product: OptimizationProduct, constraints: Constraints) {
  const supply = product.supply;
  const fromJob = (["orderingCost", "holdingCostRate", "serviceLevelZ", "serviceLevel"] as const).filter((key) => constraints[key] !== undefined);
  if (!supply) {
    throw new UnrecoverableError(`Product ${product.sku} has no supply terms (lead time, ordering cost, holding cost rate): import its lead time first`);
  }
  const serviceLevelZ =
    constraints.serviceLevelZ ?? (constraints.serviceLevel !== undefined ? serviceLevelToZ(constraints.serviceLevel) : zOf(product, supply.serviceLevel));
  const inputs = {
    orderingCost: constraints.orderingCost ?? supply.orderingCost,
    holdingCostRate: constraints.holdingCostRate ?? supply.holdingCostRate,
    serviceLevelZ,
    leadTimeDays: supply.leadTimeDays,
    leadTimeStdDays: supply.leadTimeStdDays,
    unitCost: product.unitCost,
    // A unit a warehouse needs and does not get is a lost sale: its price (the cost where no price is set).
    shortageCost: product.unitPrice > 0 ? product.unitPrice : product.unitCost,
    fromJob: [...fromJob],
  };
  // The product's own values come from the database, which the payload schema never checked.
  if (!(inputs.orderingCost >= 0)) throw new UnrecoverableError(`Product ${product.sku}: orderingCost must not be negative, got ${inputs.orderingCost}`);
  if (!(inputs.holdingCostRate > 0)) throw new UnrecoverableError(`Product ${product.sku}: holdingCostRate must be above 0, got ${inputs.holdingCostRate}`);
  if (!(inputs.serviceLevelZ > 0)) throw new UnrecoverableError(`Product ${product.sku}: serviceLevelZ must be above 0, got ${inputs.serviceLevelZ}`);
  if (!(product.unitCost > 0)) throw new UnrecoverableError(`Product ${product.sku}: unit cost must be above 0 for a holding cost, got ${product.unitCost}`);
  return inputs;
}

function zOf(product: OptimizationProduct, serviceLevel: number): number {
  try {
    return serviceLevelToZ(serviceLevel);
  } catch (error) {
    throw error instanceof InventoryInputError ? new UnrecoverableError(`Product ${product.sku}: ${error.message}`) : error;
  }
}

/** The z of the forecast's prediction interval: its upper bound sits z·σ above the point. */
const INTERVAL_Z = serviceLevelToZ((1 + INTERVAL_LEVEL) / 2);

/**
 * Daily demand from the latest forecast when there is one — the mean of its points, and the
 * standard deviation of its one-day-ahead error read back from its prediction interval — else the
 * mean and standard deviation of the last 365 days of sales.
 */
async function loadDemand(db: Parameters<typeof loadLatestForecast>[0], product: OptimizationProduct): Promise<{ source: "forecast" | "history"; forecastId: string | null; days: number; daily: DailyDemand }> {
  const forecast = await loadLatestForecast(db, product.id);
  if (forecast) {
    const mean = forecast.values.reduce((sum, value) => sum + value, 0) / forecast.values.length;
    const upper = forecast.upper[0];
    const std = upper !== null && upper !== undefined ? (upper - forecast.values[0]!) / INTERVAL_Z : (forecast.values.length > 1 ? dailyDemandStats(forecast.values).std : 0);
    return { source: "forecast", forecastId: forecast.id, days: forecast.values.length, daily: { mean, std } };
  }
  const sales = await loadRecentSales(db, product.id);
  if (sales.length < 2) {
    throw new UnrecoverableError(`Product ${product.sku} has no demand history and no forecast${sales.length === 1 ? " (one day of sales)" : ""}: nothing to plan from`);
  }
  return { source: "history", forecastId: null, days: sales.length, daily: dailyDemandStats(sales) };
}

function today(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
