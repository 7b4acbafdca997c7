import type pg from "pg";
import type { IMPORT_MODES } from "../jobs/catalog";
import { copyInto } from "./copy-rows";
import type { ImportEntity } from "./entities";
import type { ColumnMapping } from "./mapping";
import { createStageTable, mergeStaged, STAGE_TABLE, stageColumns } from "./merge";
import type { SourceRow } from "./source";
import { isBlankRow, RowValidator, type KnownReferences, type RowError } from "./validate-rows";

export type ImportMode = (typeof IMPORT_MODES)[number];

/** The report keeps this many errors inline; the full list goes to `onError`. */
export const INLINE_ERRORS = 1_000;
/** Rows between two progress reports. */
const PROGRESS_EVERY = 5_000;

export interface RunImportOptions {
  pool: pg.Pool;
  organizationId: string;
  entity: ImportEntity;
  /** File column → field, already checked against the file's headers (mappingProblems). */
  mapping: ColumnMapping;
  /** @defaultValue "all-or-nothing" */
  mode?: ImportMode;
  /** Validate and report what the import would do, writing nothing. @defaultValue false */
  dryRun?: boolean;
  rows: AsyncIterable<SourceRow>;
  /** Numbers are written with a decimal comma (see RowValidator). @defaultValue false */
  decimalComma?: boolean;
  signal?: AbortSignal;
  /** Called every few thousand rows read, and once at the end of the file (`finished`), before the merge. */
  onProgress?(rowsRead: number, finished: boolean): Promise<void>;
  /** Every invalid row, in file order (the report keeps only the first INLINE_ERRORS). */
  onError?(error: RowError): Promise<void> | void;
}

export interface ImportOutcome {
  /** Data rows read (blank rows are not counted). */
  total: number;
  valid: number;
  invalid: number;
  /** Valid rows now in the database as the file has them: created + updated + unchanged. 0 when nothing was written. */
  imported: number;
  /** Rows created and stored rows changed; in a dry run, what the import would create and change. */
  created: number;
  updated: number;
  /** Valid rows equal to what is stored: not written again. */
  unchanged: number;
  /** Whether anything was written: false for a dry run, and for all-or-nothing with an invalid row. */
  written: boolean;
  /** The first INLINE_ERRORS invalid rows. */
  errors: RowError[];
}

/** The organisation's keys that the entity's rows refer to, read once before the file. */
async function loadReferences(pool: pg.Pool, entity: ImportEntity, organizationId: string): Promise<KnownReferences> {
  const kinds = new Set(entity.fields.flatMap((spec) => (spec.references ? [spec.references] : [])));
  const known: KnownReferences = {};
  if (kinds.has("product")) {
    const { rows } = await pool.query<{ key: string }>(`SELECT "sku" AS key FROM "Product" WHERE "organizationId" = $1`, [organizationId]);
    known.product = new Set(rows.map((row) => row.key));
  }
  if (kinds.has("warehouse")) {
    const { rows } = await pool.query<{ key: string }>(`SELECT "code" AS key FROM "Warehouse" WHERE "organizationId" = $1`, [organizationId]);
    known.warehouse = new Set(rows.map((row) => row.key));
  }
  return known;
}

/**
 * Imports a file's rows into the organisation's data. Every row is validated as it is read and the
 * valid ones are streamed with COPY into a temporary staging table, inside one transaction that
 * then merges them into the real table by natural key and commits — or rolls back: for a dry run,
 * for all-or-nothing with any invalid row, and for any failure or cancellation on the way, so the
 * database is either as before or has the whole (valid) file, never part of it.
 */
export async function runImport(options: RunImportOptions): Promise<ImportOutcome> {
  const { pool, organizationId, entity, mapping, mode = "all-or-nothing", dryRun = false, signal } = options;
  signal?.throwIfAborted();
  const validator = new RowValidator(entity, mapping, await loadReferences(pool, entity, organizationId), { decimalComma: options.decimalComma });
  const fields = entity.fields.map((spec) => spec.field);
  const outcome: ImportOutcome = { total: 0, valid: 0, invalid: 0, imported: 0, created: 0, updated: 0, unchanged: 0, written: false, errors: [] };

  const client = await pool.connect();
  let settled = false;
  try {
    await client.query("BEGIN");
    await client.query(createStageTable(entity));
    const stage = copyInto(client, STAGE_TABLE, stageColumns(entity));
    for await (const source of options.rows) {
      if (isBlankRow(source)) continue;
      outcome.total += 1;
      const checked = validator.check(source);
      if (checked.ok) {
        outcome.valid += 1;
        await stage.write([checked.row, ...fields.map((field) => checked.values[field])]);
      } else {
        outcome.invalid += 1;
        if (outcome.errors.length < INLINE_ERRORS) outcome.errors.push(checked.error);
        await options.onError?.(checked.error);
      }
      if (outcome.total % PROGRESS_EVERY === 0) {
        signal?.throwIfAborted();
        await options.onProgress?.(outcome.total, false);
      }
    }
    await stage.end();
    signal?.throwIfAborted();
    await options.onProgress?.(outcome.total, true);

    const merges = outcome.valid > 0 && (mode === "valid-rows" || outcome.invalid === 0);
    if (merges) {
      // A dry run merges too, and rolls back: its counts are exactly what the import would do.
      const counts = await mergeStaged(client, entity, organizationId);
      outcome.created = counts.created;
      outcome.updated = counts.updated;
      outcome.unchanged = outcome.valid - counts.created - counts.updated;
    }
    signal?.throwIfAborted();
    outcome.written = merges && !dryRun;
    await client.query(outcome.written ? "COMMIT" : "ROLLBACK");
    settled = true;
    if (outcome.written) outcome.imported = outcome.valid;
    return outcome;
  } finally {
    // Given up half-way (a bad file, a cancellation, a COPY in flight): the session is discarded,
    // which ends its transaction on the server with nothing written.
    client.release(settled ? undefined : true);
  }
}
