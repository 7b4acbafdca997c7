import type { Db } from "../db";
import { warehouseDemandShares } from "../inventory/plan";
import type { AnalyticsType, JobPayload } from "../jobs/catalog";
import {
  abcClasses,
  averageOfEnds,
  coefficientOfVariation,
  fillRate,
  forecastAccuracy,
  gmroi,
  inventoryTurnover,
  KpiInputError,
  stockoutRateByDemand,
  stockoutRateBySku,
  xyzClassOfCv,
  type AbcClass,
  type ErrorSums,
  type XyzClass,
} from "./kpis";
import {
  aggregateDemandPeriods,
  aggregateForecastErrors,
  aggregateIncompleteLines,
  aggregateSales,
  aggregateStock,
  loadReportContext,
  loadSnapshotDays,
  type ErrorCell,
  type ReportProduct,
  type ReportReader,
  type ReportScope,
  type ReportWarehouse,
  type StockCell,
} from "./report-queries";

/**
 * The analytics reports: which aggregates each one reads from PostgreSQL (report-queries.ts) and
 * how the KPIs follow from them (kpis.ts). The definitions are the catalogue's
 * (ANALYTICS_REPORTS in lib/jobs/catalog.ts), printed with every report.
 */
export type ReportParams = JobPayload<"analytics">["params"];

const DAY_MS = 86_400_000;

export function periodDays(startDate: string, endDate: string): number {
  return Math.round((Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / DAY_MS) + 1;
}

type Context = Awaited<ReturnType<typeof loadReportContext>>;

export interface ReportData {
  context: Context;
  snapshotDays: { first: string | null; last: string | null; days: number };
  sales?: Awaited<ReturnType<typeof aggregateSales>>;
  stock?: Awaited<ReturnType<typeof aggregateStock>>;
  incompleteLines?: Awaited<ReturnType<typeof aggregateIncompleteLines>>;
  demandPeriods?: Awaited<ReturnType<typeof aggregateDemandPeriods>>;
  forecastErrors?: Awaited<ReturnType<typeof aggregateForecastErrors>>;
}

/** What each report reads. */
const NEEDS: Record<AnalyticsType, { sales?: { byWeek: boolean }; stock?: { byWeek: boolean }; lines?: true; periods?: true; errors?: true }> = {
  "inventory-turnover": { sales: { byWeek: false }, stock: { byWeek: false } },
  gmroi: { sales: { byWeek: false }, stock: { byWeek: false } },
  "abc-analysis": { sales: { byWeek: false } },
  "abc-xyz": { sales: { byWeek: false }, periods: true },
  service: { sales: { byWeek: true }, stock: { byWeek: true }, lines: true },
  "stockout-rate": { sales: { byWeek: true }, stock: { byWeek: true } },
  "days-of-supply": { sales: { byWeek: false }, stock: { byWeek: false } },
  "forecast-accuracy": { errors: true },
};

/** Products and warehouses of the organisation (the "loading" step). */
export async function loadReportBase(db: Db, type: AnalyticsType, scope: ReportScope): Promise<Pick<ReportData, "context" | "snapshotDays">> {
  const [context, snapshotDays] = await Promise.all([
    loadReportContext(db, scope),
    NEEDS[type].stock ? loadSnapshotDays(db, scope) : Promise.resolve({ first: null, last: null, days: 0 }),
  ]);
  if (scope.warehouseId && !context.warehouses.some((warehouse) => warehouse.id === scope.warehouseId)) {
    throw new KpiInputError(`no warehouse ${scope.warehouseId} in the organisation`);
  }
  return { context, snapshotDays };
}

/** The report's aggregates, each one pass in PostgreSQL, run side by side (the "aggregating" step). */
export async function aggregateReport(reader: ReportReader, type: AnalyticsType, scope: ReportScope, params: ReportParams, base: Pick<ReportData, "context" | "snapshotDays">): Promise<ReportData> {
  const needs = NEEDS[type];
  const { first, last } = base.snapshotDays;
  const zeroAt = scope.warehouseId ? [scope.warehouseId] : base.context.warehouses.filter((warehouse) => warehouse.kind === "REGIONAL").map((warehouse) => warehouse.id);
  const periods = Math.floor(periodDays(scope.startDate, scope.endDate) / params.xyzPeriodDays);
  if (needs.periods && periods === 0) throw new KpiInputError(`the period is shorter than one XYZ period of ${params.xyzPeriodDays} days`);
  const [sales, stock, incompleteLines, demandPeriods, forecastErrors] = await Promise.all([
    needs.sales ? aggregateSales(reader, scope, needs.sales) : undefined,
    needs.stock && first && last ? aggregateStock(reader, scope, { first, last }, { zeroAt, byWeek: needs.stock.byWeek }) : needs.stock ? { cells: [], weeks: [] } : undefined,
    needs.lines ? aggregateIncompleteLines(reader, scope) : undefined,
    needs.periods ? aggregateDemandPeriods(reader, scope, params.xyzPeriodDays, periods) : undefined,
    needs.errors ? aggregateForecastErrors(reader, scope) : undefined,
  ]);
  return { ...base, sales, stock, incompleteLines, demandPeriods, forecastErrors };
}

// ── building blocks ───────────────────────────────────────────────────────────────────────────

interface Inputs {
  type: AnalyticsType;
  scope: ReportScope;
  params: ReportParams;
  data: ReportData;
}

function common({ scope, params, data }: Inputs) {
  const { products, warehouses, lanes } = data.context;
  const shares = warehouseDemandShares(warehouses, lanes);
  const productById = new Map(products.map((product) => [product.id, product]));
  const warehouseById = new Map(warehouses.map((warehouse) => [warehouse.id, warehouse]));
  // Sales are per product for the whole organisation: a warehouse's part is its share of them.
  const scopeShare = scope.warehouseId ? shares.get(scope.warehouseId)! : 1;
  const unitsSold = new Map((data.sales?.products ?? []).map((row) => [row.productId, row.units]));
  const days = periodDays(scope.startDate, scope.endDate);
  const cells = (data.stock?.cells ?? []).filter((cell) => productById.has(cell.productId));
  // Average inventory at cost of one product × warehouse, by the method the params name.
  const inventoryValue = (cell: StockCell) => {
    const cost = productById.get(cell.productId)!.unitCost;
    return params.averageInventory === "begin-end" ? averageOfEnds(cell.begin * cost, cell.end * cost) : data.snapshotDays.days === 0 ? 0 : (cell.onHandSum * cost) / data.snapshotDays.days;
  };
  return { products, warehouses, shares, productById, warehouseById, scopeShare, unitsSold, days, cells, inventoryValue };
}

const productRef = (product: ReportProduct) => ({ productId: product.id, sku: product.sku, name: product.name, category: product.category });
const warehouseRef = (warehouse: ReportWarehouse) => ({ warehouseId: warehouse.id, code: warehouse.code, name: warehouse.name, kind: warehouse.kind });

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

function sumBy<T>(rows: readonly T[], key: (row: T) => string, value: (row: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + value(row));
  return sums;
}

const categoriesOf = (products: readonly ReportProduct[]) => [...new Set(products.map((product) => product.category))].sort();

// ── inventory-turnover and gmroi ──────────────────────────────────────────────────────────────

function turnoverRow(cogs: number, averageInventory: number, days: number) {
  return { cogs, averageInventory, ...inventoryTurnover(cogs, averageInventory, days) };
}

export function inventoryTurnoverReport(inputs: Inputs) {
  const { products, warehouses, shares, scopeShare, unitsSold, days, cells, inventoryValue } = common(inputs);
  const cogsOf = (product: ReportProduct, share: number) => (unitsSold.get(product.id) ?? 0) * product.unitCost * share;
  const inventoryByProduct = sumBy(cells, (cell) => cell.productId, inventoryValue);
  const inventoryByWarehouse = sumBy(cells, (cell) => cell.warehouseId, inventoryValue);
  const productRows = products.map((product) => ({
    ...productRef(product),
    unitsSold: (unitsSold.get(product.id) ?? 0) * scopeShare,
    ...turnoverRow(cogsOf(product, scopeShare), inventoryByProduct.get(product.id) ?? 0, days),
  }));
  const byCategory = categoriesOf(products).map((category) => {
    const rows = productRows.filter((row) => row.category === category);
    return { category, products: rows.length, ...turnoverRow(sum(rows, (row) => row.cogs), sum(rows, (row) => row.averageInventory), days) };
  });
  const inScope = warehouses.filter((warehouse) => !inputs.scope.warehouseId || warehouse.id === inputs.scope.warehouseId);
  const byWarehouse = inScope.map((warehouse) => ({
    ...warehouseRef(warehouse),
    demandShare: shares.get(warehouse.id)!,
    ...turnoverRow(sum(products, (product) => cogsOf(product, shares.get(warehouse.id)!)), inventoryByWarehouse.get(warehouse.id) ?? 0, days),
  }));
  return {
    total: turnoverRow(sum(productRows, (row) => row.cogs), sum(productRows, (row) => row.averageInventory), days),
    byCategory,
    byWarehouse,
    products: productRows.sort((x, y) => (y.turns ?? -1) - (x.turns ?? -1) || x.sku.localeCompare(y.sku)),
  };
}

function gmroiRow(revenue: number, cogs: number, averageInventory: number) {
  return { revenue, cogs, grossMargin: revenue - cogs, grossMarginRate: revenue === 0 ? null : (revenue - cogs) / revenue, averageInventory, gmroi: gmroi(revenue, cogs, averageInventory) };
}

export function gmroiReport(inputs: Inputs) {
  const { products, scopeShare, unitsSold, cells, inventoryValue } = common(inputs);
  const inventoryByProduct = sumBy(cells, (cell) => cell.productId, inventoryValue);
  const productRows = products.map((product) => {
    const units = (unitsSold.get(product.id) ?? 0) * scopeShare;
    return { ...productRef(product), unitsSold: units, ...gmroiRow(units * product.unitPrice, units * product.unitCost, inventoryByProduct.get(product.id) ?? 0) };
  });
  const totals = (rows: typeof productRows) => gmroiRow(sum(rows, (row) => row.revenue), sum(rows, (row) => row.cogs), sum(rows, (row) => row.averageInventory));
  return {
    total: totals(productRows),
    byCategory: categoriesOf(products).map((category) => {
      const rows = productRows.filter((row) => row.category === category);
      return { category, products: rows.length, ...totals(rows) };
    }),
    products: productRows.sort((x, y) => (y.gmroi ?? -Infinity) - (x.gmroi ?? -Infinity) || x.sku.localeCompare(y.sku)),
  };
}

// ── service and stockout-rate ─────────────────────────────────────────────────────────────────

export function serviceReport(inputs: Inputs, { fillRates }: { fillRates: boolean }) {
  const { products, warehouses, scopeShare, unitsSold, cells } = common(inputs);
  const zeroAt = new Set(inputs.scope.warehouseId ? [inputs.scope.warehouseId] : warehouses.filter((warehouse) => warehouse.kind === "REGIONAL").map((warehouse) => warehouse.id));
  const located = cells.filter((cell) => zeroAt.has(cell.warehouseId));
  const unfilledByProduct = sumBy(cells, (cell) => cell.productId, (cell) => cell.unfilled);
  const zeroDaysByProduct = sumBy(located, (cell) => cell.productId, (cell) => cell.zeroDays);
  const atZeroByProduct = sumBy(located, (cell) => cell.productId, (cell) => (cell.atEnd && cell.end === 0 ? 1 : 0));
  const saleDays = new Map((inputs.data.sales?.products ?? []).map((row) => [row.productId, row.saleDays]));
  const incomplete = new Map((inputs.data.incompleteLines ?? []).map((row) => [row.productId, row]));

  const stockout = (demanded: number, unfilled: number, locations: number, atZero: number, locationDays: number, zeroDays: number) => ({
    unitsDemanded: demanded,
    unitsUnfilled: unfilled,
    stockoutRateByDemand: stockoutRateByDemand(unfilled, demanded),
    skuLocations: locations,
    skuLocationsAtZero: atZero,
    stockoutRateBySku: stockoutRateBySku(atZero, locations),
    locationDays,
    daysOutOfStock: zeroDays,
    stockoutDayRate: locationDays === 0 ? null : zeroDays / locationDays,
  });
  const fill = (shipped: number, demanded: number, lines: number, completeLines: number) =>
    fillRates ? { unitsShipped: shipped, fillRateUnits: fillRate(shipped, demanded), lines, completeLines, fillRateLines: fillRate(completeLines, lines) } : {};

  const locatedByProduct = groupBy(located, (cell) => cell.productId);
  const productRows = products.map((product) => {
    const shipped = (unitsSold.get(product.id) ?? 0) * scopeShare;
    const unfilled = unfilledByProduct.get(product.id) ?? 0;
    const own = locatedByProduct.get(product.id) ?? [];
    const short = incomplete.get(product.id);
    const lines = (saleDays.get(product.id) ?? 0) + (short?.withoutSale ?? 0);
    return {
      ...productRef(product),
      lineCounts: { lines, complete: lines - (short?.incomplete ?? 0) },
      ...stockout(shipped + unfilled, unfilled, own.filter((cell) => cell.atEnd).length, atZeroByProduct.get(product.id) ?? 0, sum(own, (cell) => cell.snapshots), zeroDaysByProduct.get(product.id) ?? 0),
      ...fill(shipped, shipped + unfilled, lines, lines - (short?.incomplete ?? 0)),
    };
  });
  const locatedByWarehouse = groupBy(located, (cell) => cell.warehouseId);
  const byWarehouse = warehouses
    .filter((warehouse) => zeroAt.has(warehouse.id))
    .map((warehouse) => {
      const own = locatedByWarehouse.get(warehouse.id) ?? [];
      return {
        ...warehouseRef(warehouse),
        unitsUnfilled: sum(own, (cell) => cell.unfilled),
        skuLocations: own.filter((cell) => cell.atEnd).length,
        skuLocationsAtZero: own.filter((cell) => cell.atEnd && cell.end === 0).length,
        stockoutRateBySku: stockoutRateBySku(own.filter((cell) => cell.atEnd && cell.end === 0).length, own.filter((cell) => cell.atEnd).length),
        locationDays: sum(own, (cell) => cell.snapshots),
        daysOutOfStock: sum(own, (cell) => cell.zeroDays),
      };
    });
  const salesByWeek = new Map((inputs.data.sales?.weeks ?? []).map((week) => [week.week, week.units * scopeShare]));
  const trend = (inputs.data.stock?.weeks ?? []).map((week) => {
    const shipped = salesByWeek.get(week.week) ?? 0;
    return {
      week: week.week,
      unitsUnfilled: week.unfilled,
      stockoutDayRate: week.locationDays === 0 ? null : week.zeroDays / week.locationDays,
      ...(fillRates ? { fillRateUnits: fillRate(shipped, shipped + week.unfilled) } : {}),
    };
  });
  const shipped = sum(productRows, (row) => row.unitsDemanded - row.unitsUnfilled);
  const unfilled = sum(productRows, (row) => row.unitsUnfilled);
  const lines = sum(productRows, (row) => row.lineCounts.lines);
  const completeLines = sum(productRows, (row) => row.lineCounts.complete);
  return {
    total: {
      ...stockout(shipped + unfilled, unfilled, sum(productRows, (row) => row.skuLocations), sum(productRows, (row) => row.skuLocationsAtZero), sum(productRows, (row) => row.locationDays), sum(productRows, (row) => row.daysOutOfStock)),
      ...fill(shipped, shipped + unfilled, lines, completeLines),
    },
    trend,
    byWarehouse,
    products: productRows
      .map(({ lineCounts: _lineCounts, ...row }) => row)
      .sort((x, y) => y.daysOutOfStock - x.daysOutOfStock || y.unitsUnfilled - x.unitsUnfilled || x.sku.localeCompare(y.sku)),
  };
}

// ── days-of-supply ────────────────────────────────────────────────────────────────────────────

export function daysOfSupplyReport(inputs: Inputs) {
  const { products, shares, productById, warehouseById, scopeShare, unitsSold, days, cells } = common(inputs);
  const daysOfSupply = (onHand: number, dailyDemand: number) => (dailyDemand > 0 ? onHand / dailyDemand : null);
  const unfilledByProduct = sumBy(cells, (cell) => cell.productId, (cell) => cell.unfilled);
  const locations = cells
    .filter((cell) => cell.atEnd)
    .map((cell) => {
      const product = productById.get(cell.productId)!;
      const warehouse = warehouseById.get(cell.warehouseId)!;
      const dailyDemand = ((unitsSold.get(product.id) ?? 0) * shares.get(warehouse.id)! + cell.unfilled) / days;
      return { ...productRef(product), ...warehouseRef(warehouse), onHand: cell.end, dailyDemand, daysOfSupply: daysOfSupply(cell.end, dailyDemand) };
    });
  const onHandByProduct = sumBy(locations, (row) => row.productId, (row) => row.onHand);
  const productRows = products.map((product) => {
    const onHand = onHandByProduct.get(product.id) ?? 0;
    const dailyDemand = ((unitsSold.get(product.id) ?? 0) * scopeShare + (unfilledByProduct.get(product.id) ?? 0)) / days;
    return { ...productRef(product), onHand, dailyDemand, daysOfSupply: daysOfSupply(onHand, dailyDemand) };
  });
  const onHand = sum(productRows, (row) => row.onHand);
  const dailyDemand = sum(productRows, (row) => row.dailyDemand);
  const byDays = (x: { daysOfSupply: number | null; sku: string }, y: { daysOfSupply: number | null; sku: string }) =>
    (x.daysOfSupply ?? Infinity) - (y.daysOfSupply ?? Infinity) || x.sku.localeCompare(y.sku);
  return {
    asOf: inputs.data.snapshotDays.last,
    total: { onHand, dailyDemand, daysOfSupply: daysOfSupply(onHand, dailyDemand) },
    products: productRows.sort(byDays),
    locations: locations.sort(byDays),
  };
}

// ── abc-analysis and abc-xyz ──────────────────────────────────────────────────────────────────

export function abcReport(inputs: Inputs, { xyz }: { xyz: boolean }) {
  const { products, productById, scopeShare, unitsSold, days } = common(inputs);
  const { params } = inputs;
  const price = (product: ReportProduct) => (params.abcBasis === "revenue" ? product.unitPrice : product.unitCost);
  const ranked = abcClasses(
    products.map((product) => ({ id: product.id, value: (unitsSold.get(product.id) ?? 0) * scopeShare * price(product) })),
    params.abcCutoffs,
  );
  const periods = Math.floor(days / params.xyzPeriodDays);
  const moments = new Map((inputs.data.demandPeriods ?? []).map((row) => [row.productId, row]));
  const items = ranked.map((item, index) => {
    const product = productById.get(item.id)!;
    const base = { rank: index + 1, ...productRef(product), unitsSold: (unitsSold.get(product.id) ?? 0) * scopeShare, value: item.value, share: item.share, cumulativeShare: item.cumulativeShare, abc: item.class };
    if (!xyz) return base;
    const own = moments.get(product.id);
    const stats = coefficientOfVariation({ periods, sum: own?.sum ?? 0, sumOfSquares: own?.sumOfSquares ?? 0 });
    return { ...base, periodMean: stats.mean, periodStd: stats.std, cv: stats.cv, xyz: xyzClassOfCv(stats.cv, params.xyzThresholds) };
  });
  const total = sum(items, (item) => item.value);
  const classes = (["A", "B", "C"] as const).map((abc) => {
    const members = items.filter((item) => item.abc === abc);
    return { class: abc, products: members.length, value: sum(members, (item) => item.value), valueShare: total === 0 ? 0 : sum(members, (item) => item.value) / total };
  });
  const matrix = xyz
    ? Object.fromEntries(
        (["A", "B", "C"] as AbcClass[]).flatMap((abc) => (["X", "Y", "Z"] as XyzClass[]).map((cls) => [`${abc}${cls}`, items.filter((item) => item.abc === abc && "xyz" in item && item.xyz === cls).length])),
      )
    : undefined;
  return { basis: params.abcBasis, cutoffs: params.abcCutoffs, ...(xyz ? { thresholds: params.xyzThresholds, periodDays: params.xyzPeriodDays, periods, matrix } : {}), total: { products: items.length, value: total }, classes, items };
}

// ── forecast-accuracy ─────────────────────────────────────────────────────────────────────────

function addSums(rows: readonly ErrorSums[]): ErrorSums {
  return {
    points: sum(rows, (row) => row.points),
    sumError: sum(rows, (row) => row.sumError),
    sumAbsError: sum(rows, (row) => row.sumAbsError),
    sumAbsPercentError: sum(rows, (row) => row.sumAbsPercentError),
    percentPoints: sum(rows, (row) => row.percentPoints),
  };
}

export function forecastAccuracyReport(inputs: Inputs) {
  const { productById } = common(inputs);
  const limit = inputs.params.trackingSignalLimit;
  const errors = inputs.data.forecastErrors ?? { cells: [], weeks: [] };
  const cells: ErrorCell[] = errors.cells.filter((cell) => productById.has(cell.productId));
  const models = [...new Set(cells.map((cell) => cell.model))].sort((x, y) => (x === "ensemble" ? -1 : y === "ensemble" ? 1 : x.localeCompare(y)));
  const ensemble = cells.filter((cell) => cell.model === "ensemble");
  return {
    trackingSignalLimit: limit,
    total: ensemble.length === 0 ? null : { model: "ensemble", ...forecastAccuracy(addSums(ensemble), limit) },
    models: models.map((model) => ({ model, products: cells.filter((cell) => cell.model === model).length, ...forecastAccuracy(addSums(cells.filter((cell) => cell.model === model)), limit) })),
    products: cells
      .map((cell) => ({ ...productRef(productById.get(cell.productId)!), model: cell.model, ...forecastAccuracy(cell, limit) }))
      .sort((x, y) => Math.abs(y.trackingSignal ?? 0) - Math.abs(x.trackingSignal ?? 0) || x.sku.localeCompare(y.sku) || x.model.localeCompare(y.model)),
    trend: errors.weeks.map((week) => ({ week: week.week, model: week.model, ...forecastAccuracy(week, limit) })),
  };
}

// ── dispatch ──────────────────────────────────────────────────────────────────────────────────

export function buildReport(inputs: Inputs) {
  switch (inputs.type) {
    case "inventory-turnover":
      return inventoryTurnoverReport(inputs);
    case "gmroi":
      return gmroiReport(inputs);
    case "service":
      return serviceReport(inputs, { fillRates: true });
    case "stockout-rate":
      return serviceReport(inputs, { fillRates: false });
    case "days-of-supply":
      return daysOfSupplyReport(inputs);
    case "abc-analysis":
      return abcReport(inputs, { xyz: false });
    case "abc-xyz":
      return abcReport(inputs, { xyz: true });
    case "forecast-accuracy":
      return forecastAccuracyReport(inputs);
  }
}

export type ReportBody = ReturnType<typeof buildReport>;

function sum<T>(rows: readonly T[], value: (row: T) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}
