import type { ImportEntity, ParsedRow } from "./entities";
import { rowSchema } from "./entities";
import type { ColumnMapping } from "./mapping";
import type { SourceRow } from "./source";

/** One thing wrong with a row: the file's column (header), the field it maps to, the cell as written and why. */
export interface RowIssue {
  column: string;
  field: string;
  value: string;
  message: string;
}

/**
 * An invalid row in the report's documented shape, `{ row, data, errors }` (data: the row's cells by
 * header, errors: one sentence per issue), plus its sheet and the issues one by one.
 */
export interface RowError {
  row: number;
  sheet: string | null;
  data: Record<string, string>;
  errors: string[];
  issues: RowIssue[];
}

export type CheckedRow = { ok: true; row: number; values: ParsedRow } | { ok: false; error: RowError };

/** Keys of what the organisation already has, which rows may refer to. */
export interface KnownReferences {
  /** SKUs of the organisation's products. */
  product?: ReadonlySet<string>;
  /** Codes of the organisation's warehouses. */
  warehouse?: ReadonlySet<string>;
}

/** A number written with a decimal comma and dots (or nothing) between thousands: "2,50", "1.234,5", "12". */
const COMMA_DECIMAL = /^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$/;

const REFERENCE_WORDS = { product: ["product", "SKU"], warehouse: ["warehouse", "code"] } as const;

/** True for a row with nothing in it: spreadsheets keep formatted empty rows, and a file's trailing blank lines are no data. */
export function isBlankRow(row: SourceRow): boolean {
  return Object.values(row.values).every((value) => value.trim() === "");
}

/**
 * Checks a file's rows one by one, in order: the entity's row schema (required fields, types,
 * ranges), references to the organisation's products and warehouses, and duplicates by the
 * entity's natural key (the later row is reported, naming the first). Holds one key per valid row
 * for the duplicate check and nothing else, so it runs over files of millions of rows.
 */
export class RowValidator {
  private readonly schema;
  private readonly columnOf: Map<string, string>;
  private readonly firstRowByKey = new Map<string, number>();

  private readonly numericFields: Set<string>;

  /**
   * @param options.decimalComma - Numbers are written with a decimal comma ("2,50"), as spreadsheets
   *   in most of Europe save them, where the CSV delimiter is then ";".
   *   @defaultValue false: a dot for decimals, commas between thousands
   */
  constructor(
    private readonly entity: ImportEntity,
    mapping: ColumnMapping,
    private readonly known: KnownReferences = {},
    private readonly options: { decimalComma?: boolean } = {},
  ) {
    this.schema = rowSchema(entity);
    this.columnOf = new Map(Object.entries(mapping).map(([column, field]) => [field, column]));
    this.numericFields = new Set(entity.fields.filter((spec) => ["integer", "numeric", "double precision"].includes(spec.stageType)).map((spec) => spec.field));
  }

  check(source: SourceRow): CheckedRow {
    const cells: Record<string, string> = {};
    const issues: RowIssue[] = [];
    const input: Record<string, string> = {};
    for (const [field, column] of this.columnOf) {
      const value = source.values[column] ?? "";
      cells[field] = value;
      input[field] = this.options.decimalComma && this.numericFields.has(field) ? this.fromDecimalComma(field, value, issues) : value;
    }
    const parsed = this.schema.safeParse(input);
    if (!parsed.success) {
      const reported = new Set(issues.map((issue) => issue.field));
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? this.entity.fields[0]!.field);
        if (!reported.has(field)) issues.push(this.issue(field, cells[field] ?? "", issue.message));
      }
    } else {
      for (const spec of this.entity.fields) {
        const value = parsed.data[spec.field];
        const keys = spec.references ? this.known[spec.references] : undefined;
        if (keys && typeof value === "string" && !keys.has(value)) {
          const [noun, key] = REFERENCE_WORDS[spec.references!];
          issues.push(this.issue(spec.field, cells[spec.field] ?? "", `no ${noun} with ${key} "${value}" in the organisation`));
        }
      }
    }
    if (issues.length === 0 && parsed.success) {
      const key = this.entity.naturalKey.map((field) => String(parsed.data[field])).join("\u0000");
      const first = this.firstRowByKey.get(key);
      if (first === undefined) {
        this.firstRowByKey.set(key, source.row);
        return { ok: true, row: source.row, values: parsed.data };
      }
      const keyField = this.entity.naturalKey[0]!;
      const labels = this.entity.naturalKey.map((field) => this.entity.fields.find((spec) => spec.field === field)!.label);
      issues.push(this.issue(keyField, cells[keyField] ?? "", `duplicate of row ${first} (same ${labels.join(" and ")}); only the first is imported`));
    }
    return {
      ok: false,
      error: { row: source.row, sheet: source.sheet, data: source.values, errors: issues.map((issue) => `${issue.column}: ${issue.message}`), issues },
    };
  }

  /** "1.234,5" as the schemas read numbers ("1234.5"); a cell that is no such number is reported here, in the comma's terms. */
  private fromDecimalComma(field: string, value: string, issues: RowIssue[]): string {
    const trimmed = value.trim();
    if (trimmed === "") return value;
    if (COMMA_DECIMAL.test(trimmed)) return trimmed.replace(/\./g, "").replace(",", ".");
    issues.push(this.issue(field, value, `"${trimmed}" is not a number (expected digits with a comma for decimals, e.g. 1234,5 or 1.234,5)`));
    return "0";
  }

  private issue(field: string, value: string, message: string): RowIssue {
    return { column: this.columnOf.get(field) ?? field, field, value, message };
  }
}
