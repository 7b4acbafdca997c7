import type pg from "pg";
import type { SYNC_DATA_TYPES } from "../jobs/catalog";

export type SyncDataType = (typeof SYNC_DATA_TYPES)[number];

/**
 * The sync's writes. Each page is one transaction: its records and the cursor of the next page
 * commit together, so a crash loses at most the page in flight, which the next attempt reads again.
 * An advisory lock per integration serialises two pulls of the same integration (a scheduled one
 * and a manual one with different data types), whose order-line deltas would otherwise race.
 */
export interface CursorRow {
  watermark: Date | null;
  pageCursor: string | null;
  pullSince: Date | null;
  pullHighWater: Date | null;
  pullDay: string | null;
  pages: number;
  records: number;
}

export async function readCursor(client: pg.Pool | pg.PoolClient, integrationId: string, dataType: SyncDataType): Promise<CursorRow> {
  const { rows } = await client.query(
    `INSERT INTO "IntegrationCursor" ("integrationId", "dataType", "updatedAt") VALUES ($1, $2, now())
     ON CONFLICT ("integrationId", "dataType") DO UPDATE SET "dataType" = excluded."dataType"
     RETURNING watermark, "pageCursor", "pullSince", "pullHighWater", to_char("pullDay", 'YYYY-MM-DD') AS "pullDay", pages, records`,
    [integrationId, dataType],
  );
  return rows[0] as CursorRow;
}

/** Starts a pull: the cursor of its first page is none, its bounds those given. */
export async function startPull(client: pg.Pool, integrationId: string, dataType: SyncDataType, pull: { since: Date | null; highWater: Date | null; day: string | null }): Promise<void> {
  await client.query(
    `UPDATE "IntegrationCursor" SET "pageCursor" = NULL, "pullSince" = $3, "pullHighWater" = $4, "pullDay" = $5::date, pages = 0, records = 0, "updatedAt" = now()
     WHERE "integrationId" = $1 AND "dataType" = $2`,
    [integrationId, dataType, pull.since, pull.highWater, pull.day],
  );
}

/**
 * After a page's records: the next page's cursor, or, after the last page, the pull's high-water
 * mark as the new watermark and no pull in progress.
 */
export async function advanceCursor(client: pg.PoolClient, integrationId: string, dataType: SyncDataType, step: { nextCursor: string | null; highWater: Date | null; records: number }): Promise<void> {
  await client.query(
    step.nextCursor === null
      ? `UPDATE "IntegrationCursor" SET watermark = COALESCE($4, watermark), "pageCursor" = NULL, "pullSince" = NULL, "pullHighWater" = NULL, "pullDay" = NULL,
           pages = pages + 1, records = records + $5, "updatedAt" = now() WHERE "integrationId" = $1 AND "dataType" = $2 AND $3::text IS NULL`
      : `UPDATE "IntegrationCursor" SET "pageCursor" = $3, "pullHighWater" = $4, pages = pages + 1, records = records + $5, "updatedAt" = now()
         WHERE "integrationId" = $1 AND "dataType" = $2`,
    [integrationId, dataType, step.nextCursor, step.highWater, step.records],
  );
}

export async function lockIntegration(client: pg.PoolClient, integrationId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('integration-sync'), hashtext($1))`, [integrationId]);
}

export interface OrderLineRow {
  lineId: string;
  orderId: string;
  productId: string;
  day: string;
  quantity: number;
}

/**
 * Upserts order lines by the provider's line id and moves each day's sales by the change: a line
 * seen for the first time adds its quantity, a line seen again with the same values adds nothing,
 * an edited or cancelled one adds the difference (a changed day or product moves it). Sales that
 * did not come from this integration (imports, the demo) are left as they are. Returns the lines
 * that were new or changed. The previous values are read without FOR UPDATE: a row the same
 * statement's upsert has changed would be skipped by the lock (and its old quantity not taken
 * off); the caller's advisory lock is what keeps two pulls apart.
 */
export async function upsertOrderLines(client: pg.PoolClient, integrationId: string, organizationId: string, lines: readonly OrderLineRow[]): Promise<number> {
  if (lines.length === 0) return 0;
  const { rows } = await client.query(
    `WITH incoming AS (
       SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::date[], $7::int[]) AS t(line_id, order_id, product_id, day, quantity)
     ), previous AS (
       SELECT l."productId", l.date, l.quantity FROM "IntegrationOrderLine" l JOIN incoming i ON i.line_id = l."externalLineId"
       WHERE l."integrationId" = $1
     ), saved AS (
       INSERT INTO "IntegrationOrderLine" ("integrationId", "externalLineId", "externalOrderId", "organizationId", "productId", date, quantity, "updatedAt")
       SELECT $1, line_id, order_id, $2, product_id, day, quantity, now() FROM incoming
       ON CONFLICT ("integrationId", "externalLineId") DO UPDATE
         SET "productId" = excluded."productId", date = excluded.date, quantity = excluded.quantity, "externalOrderId" = excluded."externalOrderId", "updatedAt" = now()
         WHERE ("IntegrationOrderLine"."productId", "IntegrationOrderLine".date, "IntegrationOrderLine".quantity) IS DISTINCT FROM (excluded."productId", excluded.date, excluded.quantity)
       RETURNING 1
     ), deltas AS (
       SELECT product_id, day, SUM(quantity)::int AS quantity FROM (
         SELECT product_id, day, quantity FROM incoming
         UNION ALL SELECT "productId", date, -quantity FROM previous
       ) changes GROUP BY product_id, day HAVING SUM(quantity) <> 0
     ), applied AS (
       INSERT INTO "SalesDaily" ("organizationId", "productId", date, quantity)
       SELECT $2, product_id, day, GREATEST(quantity, 0) FROM deltas
       ON CONFLICT ("productId", date) DO UPDATE SET quantity = GREATEST("SalesDaily".quantity + (SELECT d.quantity FROM deltas d WHERE d.product_id = excluded."productId" AND d.day = excluded.date), 0)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM saved)::int AS written, (SELECT count(*) FROM applied)::int AS days`,
    [integrationId, organizationId, lines.map((line) => line.lineId), lines.map((line) => line.orderId), lines.map((line) => line.productId), lines.map((line) => line.day), lines.map((line) => line.quantity)],
  );
  return rows[0].written as number;
}

export interface StockRow {
  productId: string;
  warehouseId: string;
  onHand: number;
}

/** Stock on hand of the day per product and warehouse; a later pull the same day replaces it. */
export async function upsertStock(client: pg.PoolClient, organizationId: string, day: string, rows: readonly StockRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", date, "onHand")
     SELECT $1, product_id, warehouse_id, $2::date, on_hand FROM unnest($3::text[], $4::text[], $5::int[]) AS t(product_id, warehouse_id, on_hand)
     ON CONFLICT ("productId", "warehouseId", date) DO UPDATE SET "onHand" = excluded."onHand"`,
    [organizationId, day, rows.map((row) => row.productId), rows.map((row) => row.warehouseId), rows.map((row) => row.onHand)],
  );
  return result.rowCount ?? rows.length;
}
