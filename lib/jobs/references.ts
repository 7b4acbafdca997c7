import type { Db } from "../db";
import { db as defaultDb, sqlPool } from "../db";
import type { ReferenceKind } from "./catalog";

/**
 * Where each kind of business reference lives (lib/jobs/catalog.ts `references`), for the enqueue
 * check: one table per kind, every row carrying its organisation.
 */
const REFERENCE_TABLES: Record<ReferenceKind, { table: string; label: string }> = {
  product: { table: "Product", label: "product" },
  warehouse: { table: "Warehouse", label: "warehouse" },
  forecast: { table: "Forecast", label: "forecast" },
  report: { table: "AnalyticsReport", label: "report" },
  optimization: { table: "OptimizationResult", label: "optimisation result" },
};

/** "no product with id …" names the kind as a planner would. */
export function referenceLabel(kind: ReferenceKind): string {
  return REFERENCE_TABLES[kind].label;
}

/** The organisation of each existing row of `ids`, in one query. */
export async function findReferenceOrganizations(kind: ReferenceKind, ids: readonly string[], db: Db = defaultDb()): Promise<Map<string, { organizationId: string }>> {
  const { rows } = await sqlPool(db).query<{ id: string; organizationId: string }>(
    `SELECT "id", "organizationId" FROM "${REFERENCE_TABLES[kind].table}" WHERE "id" = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, { organizationId: row.organizationId }]));
}
