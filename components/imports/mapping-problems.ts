import type { ColumnMapping, ImportEntity } from "./import-api";

/** The field select's value for a column that is left out. */
export const NOT_IMPORTED = "";

/** What stops a run: required fields no column feeds, and fields fed by more than one column (by label). */
export function mappingProblems(entity: ImportEntity, mapping: ColumnMapping): { missing: string[]; doubled: string[] } {
  const mapped = Object.values(mapping).filter((field) => field !== NOT_IMPORTED);
  const missing = entity.fields.filter((field) => field.required && !mapped.includes(field.field)).map((field) => field.label);
  const doubled = entity.fields.filter((field) => mapped.filter((candidate) => candidate === field.field).length > 1).map((field) => field.label);
  return { missing, doubled };
}

/** The mapping a run is given: only the columns given a field, so a column left out is not imported. */
export function mappingToSend(mapping: ColumnMapping): ColumnMapping {
  return Object.fromEntries(Object.entries(mapping).filter(([, field]) => field !== NOT_IMPORTED));
}
