import type { Db } from "../db";
import { inTransaction, sqlPool } from "../db";
import type { ExternalInventoryLevel, ExternalOrder, Connector } from "./connector";
import { readSettings, warehouseForLocation, type IntegrationSettings, type WarehouseRef } from "./settings";
import { advanceCursor, lockIntegration, readCursor, startPull, upsertOrderLines, upsertStock, type OrderLineRow, type StockRow, type SyncDataType } from "./sync-store";

/**
 * One sync of an integration: for each data type, a pull page by page from where the saved cursor
 * stands. Orders are incremental: a new pull starts at the last complete pull's watermark minus
 * an overlap window (a record changed while the last pull read the page before its own must not
 * be missed; seeing it twice costs nothing, since lines are upserted by id). `force` starts a new
 * pull of everything. Inventory is a full pull of today's stock each time; a pull of the same day
 * interrupted midway resumes.
 */
export const ORDERS_OVERLAP_MS = 10 * 60_000;
/** Unknown SKUs named in a result; the count is always complete. */
const LISTED_UNKNOWN_SKUS = 100;

export interface SyncCounts {
  read: number;
  written: number;
  pages: number;
}

export interface SyncOutcome {
  orders?: SyncCounts;
  inventory?: SyncCounts;
  /** SKUs the provider sent that match no product of the organisation, first ones by name. */
  unknownSkus: string[];
  unknownSkuCount: number;
  /** Provider locations that feed no warehouse (no mapping, no warehouse of that name, or a warehouse fed by another location). */
  unmappedLocations: string[];
  /** True when a pull continued from a page a previous attempt had committed. */
  resumed: boolean;
}

export interface SyncInput {
  integrationId: string;
  organizationId: string;
  dataTypes: readonly SyncDataType[];
  force: boolean;
  settings: unknown;
}

export interface SyncDeps {
  db: Db;
  connector: Connector;
  signal: AbortSignal;
  /** Told after each committed page. */
  onPage?: (dataType: SyncDataType, page: { pages: number; records: number }) => Promise<void>;
  now?: () => Date;
}

export async function runSync(input: SyncInput, deps: SyncDeps): Promise<SyncOutcome> {
  const settings = readSettings(input.settings);
  const unknown = new Set<string>();
  const outcome: SyncOutcome = { unknownSkus: [], unknownSkuCount: 0, unmappedLocations: [], resumed: false };
  const products = new ProductIndex(deps.db, input.organizationId);
  for (const dataType of input.dataTypes) {
    if (dataType === "orders") outcome.orders = await pullOrders(input, deps, products, unknown, outcome);
    else outcome.inventory = await pullInventory(input, deps, settings, products, unknown, outcome);
  }
  const sorted = [...unknown].sort();
  outcome.unknownSkuCount = sorted.length;
  outcome.unknownSkus = sorted.slice(0, LISTED_UNKNOWN_SKUS);
  return outcome;
}

async function pullOrders(input: SyncInput, deps: SyncDeps, products: ProductIndex, unknown: Set<string>, outcome: SyncOutcome): Promise<SyncCounts> {
  const pool = sqlPool(deps.db);
  let cursor = await readCursor(pool, input.integrationId, "orders");
  if (input.force || cursor.pageCursor === null) {
    const since = input.force || cursor.watermark === null ? null : new Date(cursor.watermark.getTime() - ORDERS_OVERLAP_MS);
    await startPull(pool, input.integrationId, "orders", { since, highWater: input.force ? null : cursor.watermark, day: null });
    cursor = { ...cursor, pageCursor: null, pullSince: since, pullHighWater: input.force ? null : cursor.watermark, pages: 0, records: 0 };
  } else {
    outcome.resumed = true;
  }
  const counts: SyncCounts = { read: 0, written: 0, pages: 0 };
  let pageCursor = cursor.pageCursor;
  let highWater = cursor.pullHighWater;
  let pagesSoFar = cursor.pages;
  let recordsSoFar = cursor.records;
  do {
    deps.signal.throwIfAborted();
    const page = await deps.connector.listOrders({ since: cursor.pullSince, cursor: pageCursor, signal: deps.signal });
    const lines = await orderLines(page.records, products, unknown);
    for (const order of page.records) if (highWater === null || order.updatedAt > highWater) highWater = order.updatedAt;
    const written = await inTransaction(deps.db, async (client) => {
      await lockIntegration(client, input.integrationId);
      const count = await upsertOrderLines(client, input.integrationId, input.organizationId, lines);
      await advanceCursor(client, input.integrationId, "orders", { nextCursor: page.nextCursor, highWater, records: page.records.length });
      return count;
    });
    counts.read += page.records.length;
    counts.written += written;
    counts.pages++;
    pagesSoFar++;
    recordsSoFar += page.records.length;
    pageCursor = page.nextCursor;
    await deps.onPage?.("orders", { pages: pagesSoFar, records: recordsSoFar });
  } while (pageCursor !== null);
  return counts;
}

async function orderLines(orders: readonly ExternalOrder[], products: ProductIndex, unknown: Set<string>): Promise<OrderLineRow[]> {
  const ids = await products.resolve(orders.flatMap((order) => order.lines.flatMap((line) => (line.sku ? [line.sku] : []))));
  // One row per line id (an order appears once per page, but be safe: the last wins).
  const rows = new Map<string, OrderLineRow>();
  for (const order of orders) {
    for (const line of order.lines) {
      const productId = line.sku ? ids.get(line.sku) : undefined;
      if (!productId) {
        unknown.add(line.sku ?? "(no SKU)");
        continue;
      }
      rows.set(line.lineId, { lineId: line.lineId, orderId: order.orderId, productId, day: order.day, quantity: line.quantity });
    }
  }
  return [...rows.values()];
}

async function pullInventory(input: SyncInput, deps: SyncDeps, settings: IntegrationSettings, products: ProductIndex, unknown: Set<string>, outcome: SyncOutcome): Promise<SyncCounts> {
  const pool = sqlPool(deps.db);
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  let cursor = await readCursor(pool, input.integrationId, "inventory");
  if (input.force || cursor.pageCursor === null || cursor.pullDay !== today) {
    await startPull(pool, input.integrationId, "inventory", { since: null, highWater: null, day: today });
    cursor = { ...cursor, pageCursor: null, pages: 0, records: 0 };
  } else {
    outcome.resumed = true;
  }
  const warehouses = await deps.db.warehouse.findMany({ where: { organizationId: input.organizationId }, select: { id: true, code: true, name: true } });
  const fedBy = new Map<string, string>();
  const unmapped = new Set<string>();
  const counts: SyncCounts = { read: 0, written: 0, pages: 0 };
  let pageCursor = cursor.pageCursor;
  let pagesSoFar = cursor.pages;
  let recordsSoFar = cursor.records;
  do {
    deps.signal.throwIfAborted();
    const page = await deps.connector.listInventoryLevels({ cursor: pageCursor, signal: deps.signal });
    const rows = await stockRows(page.records, settings, warehouses, fedBy, unmapped, products, unknown);
    const written = await inTransaction(deps.db, async (client) => {
      await lockIntegration(client, input.integrationId);
      const count = await upsertStock(client, input.organizationId, today, rows);
      await advanceCursor(client, input.integrationId, "inventory", { nextCursor: page.nextCursor, highWater: null, records: page.records.length });
      return count;
    });
    counts.read += page.records.length;
    counts.written += written;
    counts.pages++;
    pagesSoFar++;
    recordsSoFar += page.records.length;
    pageCursor = page.nextCursor;
    await deps.onPage?.("inventory", { pages: pagesSoFar, records: recordsSoFar });
  } while (pageCursor !== null);
  outcome.unmappedLocations = [...unmapped].sort();
  return counts;
}

async function stockRows(
  levels: readonly ExternalInventoryLevel[],
  settings: IntegrationSettings,
  warehouses: readonly WarehouseRef[],
  fedBy: Map<string, string>,
  unmapped: Set<string>,
  products: ProductIndex,
  unknown: Set<string>,
): Promise<StockRow[]> {
  const ids = await products.resolve(levels.flatMap((level) => (level.sku ? [level.sku] : [])));
  const rows = new Map<string, StockRow>();
  for (const level of levels) {
    const warehouse = warehouseForLocation({ id: level.locationId, name: level.locationName }, settings, warehouses);
    const feeder = warehouse ? fedBy.get(warehouse.id) : undefined;
    if (!warehouse || (feeder !== undefined && feeder !== level.locationId)) {
      unmapped.add(level.locationName);
      continue;
    }
    fedBy.set(warehouse.id, level.locationId);
    const productId = level.sku ? ids.get(level.sku) : undefined;
    if (!productId) {
      unknown.add(level.sku ?? "(no SKU)");
      continue;
    }
    rows.set(`${productId}:${warehouse.id}`, { productId, warehouseId: warehouse.id, onHand: Math.max(0, level.available) });
  }
  return [...rows.values()];
}

/** SKU → product id of the organisation, looked up once per SKU per sync. */
class ProductIndex {
  private readonly known = new Map<string, string | null>();

  constructor(
    private readonly db: Db,
    private readonly organizationId: string,
  ) {}

  async resolve(skus: readonly string[]): Promise<Map<string, string>> {
    const missing = [...new Set(skus)].filter((sku) => !this.known.has(sku));
    if (missing.length > 0) {
      const found = await this.db.product.findMany({ where: { organizationId: this.organizationId, sku: { in: missing } }, select: { id: true, sku: true } });
      for (const sku of missing) this.known.set(sku, null);
      for (const product of found) this.known.set(product.sku, product.id);
    }
    const result = new Map<string, string>();
    for (const sku of skus) {
      const id = this.known.get(sku);
      if (id) result.set(sku, id);
    }
    return result;
  }
}
