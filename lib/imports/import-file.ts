import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { importEntity, type ImportEntityType } from "./entities";
import { ErrorFile } from "./error-file";
import { mappingProblems, suggestMapping, type ColumnMapping } from "./mapping";
import { runImport, type ImportMode, type ImportOutcome } from "./run-import";
import { detectFile, readRows, type DetectedFile, type SourceRow } from "./source";

/** A file that cannot be imported as asked (unreadable, no such sheet, a mapping that does not fit): retrying will not help. */
export class ImportFileError extends Error {}

export interface ImportFileOptions {
  pool: pg.Pool;
  organizationId: string;
  /** For the error file's heading. */
  organizationName: string;
  entityType: ImportEntityType;
  /** The uploaded file on disk. */
  filePath: string;
  sheet?: string;
  /** The user's mapping; without one, the saved mapping or the headers matched by name. */
  mapping?: ColumnMapping;
  savedMapping: ColumnMapping | null;
  mode: ImportMode;
  dryRun: boolean;
  /** Where the full error list goes (absolute; its folder is made). */
  errorsPath: string;
  signal: AbortSignal;
  /** Rows read so far, and the file's row count when it can be told (CSV/TSV: estimated from its size). */
  onProgress(rowsRead: number, estimatedTotal: number | null, finished: boolean): Promise<void>;
}

export interface ImportedFile {
  detected: DetectedFile;
  mapping: ColumnMapping;
  outcome: ImportOutcome;
  /** Lines in the error file (one per bad cell); 0 and no file when every row was valid. */
  errorCount: number;
  hasErrorFile: boolean;
}

/**
 * Estimates a text file's row count from its size and the mean size of the rows read so far, so
 * progress can show a total before the end. XLSX is compressed: no estimate.
 */
function rowEstimator(detected: DetectedFile, fileBytes: number) {
  if (detected.format === "xlsx") return { observe: (_row: SourceRow) => {}, total: () => null };
  const bytesPerChar = detected.encoding?.startsWith("utf-16") ? 2 : 1;
  let chars = 0;
  let rows = 0;
  return {
    observe(row: SourceRow) {
      rows += 1;
      // Cells, delimiters and a line end; quoting is not seen, so this slightly overestimates the total.
      for (const value of Object.values(row.values)) chars += value.length + 1;
    },
    total: () => (rows === 0 ? null : Math.max(rows, Math.round(fileBytes / ((chars * bytesPerChar) / rows)))),
  };
}

async function* observed(rows: AsyncIterable<SourceRow>, observe: (row: SourceRow) => void): AsyncIterable<SourceRow> {
  for await (const row of rows) {
    observe(row);
    yield row;
  }
}

/** Reads an uploaded file and imports its rows (lib/imports/run-import.ts), writing every error to the error file. */
export async function importFile(options: ImportFileOptions): Promise<ImportedFile> {
  const entity = importEntity(options.entityType);
  const detected = await detectFile(options.filePath, { sheet: options.sheet });
  const mapping = options.mapping ?? suggestMapping(entity, detected.headers, options.savedMapping).mapping;
  const problems = mappingProblems(entity, detected.headers, mapping);
  if (problems.length > 0) throw new ImportFileError(`The file cannot be imported as ${entity.label.toLowerCase()}: ${problems.join("; ")}`);

  const estimate = rowEstimator(detected, (await stat(options.filePath)).size);
  await mkdir(path.dirname(options.errorsPath), { recursive: true });
  const errors = new ErrorFile(options.errorsPath, { title: `Errors of the ${entity.label.toLowerCase()} import`, organization: options.organizationName });
  try {
    const outcome = await runImport({
      pool: options.pool,
      organizationId: options.organizationId,
      entity,
      mapping,
      mode: options.mode,
      dryRun: options.dryRun,
      // A ";" between fields is what spreadsheets write where "," is the decimal separator.
      decimalComma: detected.delimiter === ";",
      signal: options.signal,
      rows: observed(readRows(options.filePath, detected, { sheet: options.sheet, signal: options.signal }), estimate.observe),
      onError: (error) => errors.write(error),
      onProgress: (rowsRead, finished) => options.onProgress(rowsRead, finished ? rowsRead : estimate.total(), finished),
    });
    const hasErrorFile = await errors.close();
    return { detected, mapping, outcome, errorCount: errors.count, hasErrorFile };
  } catch (error) {
    await errors.discard();
    throw error;
  }
}
