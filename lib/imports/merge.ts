import type pg from "pg";
import type { ImportEntity, ImportEntityType } from "./entities";

/** The session's staging table: dropped at the end of the import's transaction, whatever its outcome. */
export const STAGE_TABLE = "import_stage";

export function createStageTable(entity: ImportEntity): string {
  const columns = entity.fields.map((spec) => `"${spec.field}" ${spec.stageType}`);
  return `CREATE TEMP TABLE ${STAGE_TABLE} ("row" integer NOT NULL, ${columns.join(", ")}) ON COMMIT DROP`;
}

/** The staging table's columns in COPY order. */
export function stageColumns(entity: ImportEntity): string[] {
  return ["row", ...entity.fields.map((spec) => spec.field)];
}

export interface MergeCounts {
  /** Rows that were not in the table. */
  created: number;
  /** Stored rows the file changed. */
  updated: number;
}

/**
 * One upsert per entity, from the staging table into the real one by natural key, scoped to the
 * organisation ($1). `… DO UPDATE … WHERE (stored) IS DISTINCT FROM (new)` leaves a row the file
 * does not change untouched (no new row version, not counted), so the same file imported twice
 * changes nothing the second time. An optional field left empty keeps the stored value (the
 * LEFT JOIN on the stored row), and gets the column's default on a new row. `xmax = 0` tells a
 * row the statement inserted from one it updated.
 */
const UPSERTS: Record<ImportEntityType, string> = {
  products: `
    INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost", "unitPrice", "createdAt")
    SELECT gen_random_uuid()::text, $1, s."sku", s."name", s."category", s."unitCost", COALESCE(s."unitPrice", p."unitPrice", 0), (now() AT TIME ZONE 'UTC')
    FROM ${STAGE_TABLE} s
    LEFT JOIN "Product" p ON p."organizationId" = $1 AND p."sku" = s."sku"
    ON CONFLICT ("organizationId", "sku") DO UPDATE
      SET "name" = EXCLUDED."name", "category" = EXCLUDED."category", "unitCost" = EXCLUDED."unitCost", "unitPrice" = EXCLUDED."unitPrice"
      WHERE ("Product"."name", "Product"."category", "Product"."unitCost", "Product"."unitPrice")
        IS DISTINCT FROM (EXCLUDED."name", EXCLUDED."category", EXCLUDED."unitCost", EXCLUDED."unitPrice")
    RETURNING (xmax = 0) AS inserted`,
  sales: `
    INSERT INTO "SalesDaily" ("organizationId", "productId", "date", "quantity")
    SELECT $1, p."id", s."date", s."quantity"
    FROM ${STAGE_TABLE} s
    JOIN "Product" p ON p."organizationId" = $1 AND p."sku" = s."sku"
    ON CONFLICT ("productId", "date") DO UPDATE
      SET "quantity" = EXCLUDED."quantity"
      WHERE "SalesDaily"."quantity" IS DISTINCT FROM EXCLUDED."quantity"
    RETURNING (xmax = 0) AS inserted`,
  inventory: `
    INSERT INTO "StockSnapshot" ("organizationId", "productId", "warehouseId", "date", "onHand", "unfilled")
    SELECT $1, p."id", w."id", s."date", s."onHand", COALESCE(s."unfilled", k."unfilled", 0)
    FROM ${STAGE_TABLE} s
    JOIN "Product" p ON p."organizationId" = $1 AND p."sku" = s."sku"
    JOIN "Warehouse" w ON w."organizationId" = $1 AND w."code" = s."warehouse"
    LEFT JOIN "StockSnapshot" k ON k."productId" = p."id" AND k."warehouseId" = w."id" AND k."date" = s."date"
    ON CONFLICT ("productId", "warehouseId", "date") DO UPDATE
      SET "onHand" = EXCLUDED."onHand", "unfilled" = EXCLUDED."unfilled"
      WHERE ("StockSnapshot"."onHand", "StockSnapshot"."unfilled") IS DISTINCT FROM (EXCLUDED."onHand", EXCLUDED."unfilled")
    RETURNING (xmax = 0) AS inserted`,
  warehouses: `
    INSERT INTO "Warehouse" ("id", "organizationId", "code", "name", "region", "kind", "capacity", "demandShare", "createdAt")
    SELECT gen_random_uuid()::text, $1, s."code", s."name", s."region", COALESCE(s."kind"::"WarehouseKind", w."kind", 'REGIONAL'), s."capacity",
      COALESCE(s."demandShare", w."demandShare", 0), (now() AT TIME ZONE 'UTC')
    FROM ${STAGE_TABLE} s
    LEFT JOIN "Warehouse" w ON w."organizationId" = $1 AND w."code" = s."code"
    ON CONFLICT ("organizationId", "code") DO UPDATE
      SET "name" = EXCLUDED."name", "region" = EXCLUDED."region", "kind" = EXCLUDED."kind", "capacity" = EXCLUDED."capacity", "demandShare" = EXCLUDED."demandShare"
      WHERE ("Warehouse"."name", "Warehouse"."region", "Warehouse"."kind", "Warehouse"."capacity", "Warehouse"."demandShare")
        IS DISTINCT FROM (EXCLUDED."name", EXCLUDED."region", EXCLUDED."kind", EXCLUDED."capacity", EXCLUDED."demandShare")
    RETURNING (xmax = 0) AS inserted`,
  "lead-times": `
    INSERT INTO "ProductSupply" ("productId", "organizationId", "supplier", "leadTimeDays", "leadTimeStdDays", "orderingCost", "holdingCostRate", "serviceLevel")
    SELECT p."id", $1, s."supplier", s."leadTimeDays", COALESCE(s."leadTimeStdDays", ps."leadTimeStdDays", 0), s."orderingCost", s."holdingCostRate",
      COALESCE(s."serviceLevel", ps."serviceLevel", 0.95)
    FROM ${STAGE_TABLE} s
    JOIN "Product" p ON p."organizationId" = $1 AND p."sku" = s."sku"
    LEFT JOIN "ProductSupply" ps ON ps."productId" = p."id"
    ON CONFLICT ("productId") DO UPDATE
      SET "supplier" = EXCLUDED."supplier", "leadTimeDays" = EXCLUDED."leadTimeDays", "leadTimeStdDays" = EXCLUDED."leadTimeStdDays",
        "orderingCost" = EXCLUDED."orderingCost", "holdingCostRate" = EXCLUDED."holdingCostRate", "serviceLevel" = EXCLUDED."serviceLevel"
      WHERE ("ProductSupply"."supplier", "ProductSupply"."leadTimeDays", "ProductSupply"."leadTimeStdDays", "ProductSupply"."orderingCost", "ProductSupply"."holdingCostRate", "ProductSupply"."serviceLevel")
        IS DISTINCT FROM (EXCLUDED."supplier", EXCLUDED."leadTimeDays", EXCLUDED."leadTimeStdDays", EXCLUDED."orderingCost", EXCLUDED."holdingCostRate", EXCLUDED."serviceLevel")
    RETURNING (xmax = 0) AS inserted`,
};

/** Merges the staged rows into the entity's table; counts only rows it inserted or changed. */
export async function mergeStaged(client: pg.PoolClient, entity: ImportEntity, organizationId: string): Promise<MergeCounts> {
  const { rows } = await client.query<{ created: number; updated: number }>(
    `WITH merged AS (${UPSERTS[entity.entityType]})
     SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`,
    [organizationId],
  );
  return rows[0]!;
}
