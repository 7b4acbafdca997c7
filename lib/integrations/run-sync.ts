import type { Db } from "../db";
import { inTransaction, sqlPool } from "../db";
import type pg from "pg";
import { ProviderRequestError, type Connector, type ExternalInventoryLevel, type ExternalOrder, type Page } from "./connector";
import { readSettings, warehouseForLocation, type IntegrationSettings, type WarehouseRef } from "./settings";
import { advanceCursor, lockIntegration, readCursor, startPull, upsertOrderLines, upsertStock, type CursorRow, type OrderLineRow, type StockRow, type SyncDataType } from "./sync-store";

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
    const resumed: Resumed = { value: false };
    if (dataType === "orders") outcome.orders = await restartIfCursorRefused(resumed, (fresh) => pullOrders(input, deps, products, unknown, resumed, fresh));
    else outcome.inventory = await restartIfCursorRefused(resumed, (fresh) => pullInventory(input, deps, settings, products, unknown, outcome, resumed, fresh));
    outcome.resumed ||= resumed.value;
  }
  const sorted = [...unknown].sort();
  outcome.unknownSkuCount = sorted.length;
  outcome.unknownSkus = sorted.slice(0, LISTED_UNKNOWN_SKUS);
  return outcome;
}

/** Whether a pull continued a saved one; set by the pull before its first page. */
interface Resumed {
  value: boolean;
}

/**
 * A saved cursor the provider refuses (400: a page_info that expired, or one an older connector
 * wrote) would fail every sync after it; the pull starts again from the watermark instead
 * (pages seen twice cost nothing: records are upserted).
 */
async function restartIfCursorRefused(resumed: Resumed, pull: (fresh: boolean) => Promise<SyncCounts>): Promise<SyncCounts> {
  try {
    return await pull(false);
  } catch (error) {
    if (!resumed.value || !(error instanceof ProviderRequestError) || error.status !== 400) throw error;
    resumed.value = false;
    return pull(true);
  }
}

async function pullOrders(input: SyncInput, deps: SyncDeps, products: ProductIndex, unknown: Set<string>, resumed: Resumed, fresh: boolean): Promise<SyncCounts> {
  const pool = sqlPool(deps.db);
  let cursor = await readCursor(pool, input.integrationId, "orders");
  if (input.force || fresh || cursor.pageCursor === null) {
    const since = input.force || cursor.watermark === null ? null : new Date(cursor.watermark.getTime() - ORDERS_OVERLAP_MS);
    await startPull(pool, input.integrationId, "orders", { since, highWater: input.force ? null : cursor.watermark, day: null });
    cursor = { ...cursor, pageCursor: null, pullSince: since, pullHighWater: input.force ? null : cursor.watermark, pages: 0, records: 0 };
  } else {
    resumed.value = true;
  }
  let highWater = cursor.pullHighWater;
  return pullPages(input, deps, "orders", cursor, {
    fetch: (pageCursor) => deps.connector.listOrders({ since: cursor.pullSince, cursor: pageCursor, signal: deps.signal }),
    prepare: async (records) => {
      for (const order of records) if (highWater === null || order.updatedAt > highWater) highWater = order.updatedAt;
      const lines = await orderLines(records, products, unknown);
      return { highWater, write: (client) => upsertOrderLines(client, input.integrationId, input.organizationId, lines) };
    },
  });
}

/**
 * The page loop both data types share: fetch a page, write its records and the next page's cursor
 * in one transaction (under the integration's lock), report, until the provider has no next page.
 */
async function pullPages<T>(
  input: SyncInput,
  deps: SyncDeps,
  dataType: SyncDataType,
  cursor: Pick<CursorRow, "pageCursor" | "pages" | "records">,
  page: {
    fetch(pageCursor: string | null): Promise<Page<T>>;
    prepare(records: T[]): Promise<{ highWater: Date | null; write(client: pg.PoolClient): Promise<number> }>;
  },
): Promise<SyncCounts> {
  const counts: SyncCounts = { read: 0, written: 0, pages: 0 };
  let pageCursor = cursor.pageCursor;
  do {
    deps.signal.throwIfAborted();
    const fetched = await page.fetch(pageCursor);
    const prepared = await page.prepare(fetched.records);
    counts.written += await inTransaction(deps.db, async (client) => {
      await lockIntegration(client, input.integrationId);
      const written = await prepared.write(client);
      await advanceCursor(client, input.integrationId, dataType, { nextCursor: fetched.nextCursor, highWater: prepared.highWater, records: fetched.records.length });
      return written;
    });
    counts.read += fetched.records.length;
    counts.pages++;
    pageCursor = fetched.nextCursor;
    await deps.onPage?.(dataType, { pages: cursor.pages + counts.pages, records: cursor.records + counts.read });
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

async function pullInventory(input: SyncInput, deps: SyncDeps, settings: IntegrationSettings, products: ProductIndex, unknown: Set<string>, outcome: SyncOutcome, resumed: Resumed, fresh: boolean): Promise<SyncCounts> {
  const pool = sqlPool(deps.db);
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  let cursor = await readCursor(pool, input.integrationId, "inventory");
  if (input.force || fresh || cursor.pageCursor === null || cursor.pullDay !== today) {
    await startPull(pool, input.integrationId, "inventory", { since: null, highWater: null, day: today });
    cursor = { ...cursor, pageCursor: null, pages: 0, records: 0 };
  } else {
    resumed.value = true;
  }
  const warehouses = await deps.db.warehouse.findMany({ where: { organizationId: input.organizationId }, select: { id: true, code: true, name: true } });
  const fedBy = new Map<string, string>();
  const unmapped = new Set<string>();
  const counts = await pullPages(input, deps, "inventory", cursor, {
    fetch: (pageCursor) => deps.connector.listInventoryLevels({ cursor: pageCursor, signal: deps.signal }),
    prepare: async (records) => {
      const rows = await stockRows(records, settings, warehouses, fedBy, unmapped, products, unknown);
      return { highWater: null, write: (client) => upsertStock(client, input.organizationId, today, rows) };
    },
  });
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
