import type { ImportEntity, ImportField } from "./entities";

/** File column → field. */
export type ColumnMapping = Record<string, string>;

export interface SuggestedMapping {
  mapping: ColumnMapping;
  /** "saved": the organisation's mapping from its last import of this entity; "matched": headers matched to fields by name. */
  source: "saved" | "matched";
  unmatchedColumns: string[];
  missingRequired: string[];
}

/** A header or name as compared: lower case, letters and digits only ("Lead time (days)" → "leadtimedays"). */
export function normalizeHeader(header: string): string {
  return header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** Every normalised name a field answers to: its name, its label and its synonyms. */
function fieldNames(entity: ImportEntity): Map<string, string> {
  const names = new Map<string, string>();
  // Names first, then labels, then synonyms: a header equal to one field's name is that field even
  // when another field lists it as a synonym ("Quantity" in an inventory file is no synonym clash).
  const tiers: ((spec: ImportField) => readonly string[])[] = [(spec) => [spec.field], (spec) => [spec.label], (spec) => spec.synonyms];
  for (const pick of tiers) {
    for (const spec of entity.fields) {
      for (const name of pick(spec)) {
        const key = normalizeHeader(name);
        if (key && !names.has(key)) names.set(key, spec.field);
      }
    }
  }
  return names;
}

function describe(entity: ImportEntity, headers: readonly string[], mapping: ColumnMapping, source: SuggestedMapping["source"]): SuggestedMapping {
  const mapped = new Set(Object.values(mapping));
  return {
    mapping,
    source,
    unmatchedColumns: headers.filter((header) => !(header in mapping)),
    missingRequired: entity.fields.filter((spec) => spec.required && !mapped.has(spec.field)).map((spec) => spec.field),
  };
}

/** Headers matched to fields by name: each field takes the first header that names it; blank headers are never mapped. */
export function matchHeaders(entity: ImportEntity, headers: readonly string[]): ColumnMapping {
  const names = fieldNames(entity);
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const header of headers) {
    const target = names.get(normalizeHeader(header));
    if (target && !taken.has(target)) {
      mapping[header] = target;
      taken.add(target);
    }
  }
  return mapping;
}

/**
 * The mapping to propose for a file: the organisation's saved one when the file has every column
 * it names (the same spreadsheet again), else the headers matched by name.
 */
export function suggestMapping(entity: ImportEntity, headers: readonly string[], saved?: ColumnMapping | null): SuggestedMapping {
  const present = new Set(headers);
  if (saved && Object.keys(saved).length > 0 && Object.keys(saved).every((column) => present.has(column)) && mappingProblems(entity, headers, saved).length === 0) {
    return describe(entity, headers, { ...saved }, "saved");
  }
  return describe(entity, headers, matchHeaders(entity, headers), "matched");
}

/** What is wrong with a mapping for this file, each as a sentence; empty when it can run. */
export function mappingProblems(entity: ImportEntity, headers: readonly string[], mapping: ColumnMapping): string[] {
  const problems: string[] = [];
  const present = new Set(headers);
  const known = new Set(entity.fields.map((spec) => spec.field));
  const seen = new Map<string, string>();
  for (const [column, target] of Object.entries(mapping)) {
    if (!present.has(column)) problems.push(`the mapping names a column "${column}" the file does not have (its columns: ${headers.map((header) => `"${header}"`).join(", ")})`);
    if (!known.has(target)) problems.push(`"${column}" is mapped to "${target}", which is no field of ${entity.label.toLowerCase()} (fields: ${[...known].join(", ")})`);
    const first = seen.get(target);
    if (first !== undefined) problems.push(`"${column}" and "${first}" are both mapped to ${target}`);
    else seen.set(target, column);
  }
  const missing = entity.fields.filter((spec) => spec.required && !seen.has(spec.field));
  if (missing.length > 0) problems.push(`no column is mapped to the required field${missing.length > 1 ? "s" : ""} ${missing.map((spec) => `${spec.field} (${spec.label})`).join(", ")}`);
  return problems;
}
