import type { ImportEntityType, ImportMode } from "./import-api";

/** For run headers and history rows, which have only the job data; the mapping editor reads the server's entity list. */
export const IMPORT_ENTITY_LABELS: Record<ImportEntityType, string> = {
  products: "Products",
  sales: "Sales history",
  inventory: "Inventory levels",
  warehouses: "Warehouses",
  "lead-times": "Lead times",
};

export const IMPORT_MODE_LABELS: Record<ImportMode, { label: string; hint: string }> = {
  "all-or-nothing": { label: "All or nothing", hint: "One invalid row and nothing is imported; the database stays as it was." },
  "valid-rows": { label: "Valid rows only", hint: "The valid rows are imported; the invalid ones are reported and left out." },
};

/** A run in a planner's words: "Sales history · dry run · all or nothing". */
export function describeImport(data: { entityType: ImportEntityType; dryRun: boolean; mode: ImportMode }): string[] {
  return [IMPORT_ENTITY_LABELS[data.entityType] ?? data.entityType, data.dryRun ? "Dry run" : "Import", IMPORT_MODE_LABELS[data.mode]?.label ?? data.mode];
}

/** The job's name: the file it reads, so runs read as "import · stock-2026-12.xlsx". */
export const IMPORT_JOB_PREFIX = "import:";
export const importJobName = (fileName: string) => `${IMPORT_JOB_PREFIX}${fileName}`.slice(0, 100);
export const fileFromJobName = (name: string) => (name.startsWith(IMPORT_JOB_PREFIX) ? name.slice(IMPORT_JOB_PREFIX.length) : name);
