/**
 * Reading the files users import: CSV/TSV and XLSX, recognised by their content (never by the
 * name the client gave), streamed row by row with cells as the text the user wrote.
 */
import { stat } from "node:fs/promises";
import { detectDelimiter, detectTextEncoding, readHead, textRecords } from "./text-source";
import { UnsupportedFileError } from "./unsupported-file-error";
import { chooseSheet, inspectWorkbook, sheetRecords } from "./xlsx-source";

export { UnsupportedFileError };

export type FileFormat = "csv" | "tsv" | "xlsx";

export type DetectedFile = {
  format: FileFormat;
  /** Text encoding of CSV/TSV ("utf-8", "utf-16le", "utf-16be", "windows-1252"); null for XLSX. */
  encoding: string | null;
  /** Field delimiter of CSV/TSV; null for XLSX. */
  delimiter: string | null;
  /** Sheet names in tab order; empty for CSV/TSV. */
  sheets: string[];
  /** Column names of the header row (of the chosen sheet, the first by default). */
  headers: string[];
};

/**
 * One data row. `row` is the number the spreadsheet shows (header = row 1; a quoted newline in a
 * CSV stays in one row). `values` maps each header to the cell as the user wrote it: text verbatim
 * (leading zeros kept), numbers as shown and never in scientific notation, Excel dates as ISO
 * "yyyy-mm-dd" ("Thh:mm:ss" added only for a time), formulas by their cached result; empty → "".
 */
export type SourceRow = { row: number; sheet: string | null; values: Record<string, string> };

/** Signatures of files people upload by mistake, so the refusal names what they sent. */
const KNOWN_BINARIES: { magic: number[]; what: string }[] = [
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: "an old-style Excel .xls (or a password-protected workbook): save it as .xlsx or CSV" },
  { magic: [0x25, 0x50, 0x44, 0x46], what: "a PDF" },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: "a PNG image" },
  { magic: [0xff, 0xd8, 0xff], what: "a JPEG image" },
  { magic: [0x47, 0x49, 0x46, 0x38], what: "a GIF image" },
  { magic: [0x1f, 0x8b], what: "a gzip archive" },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: "a program (ELF)" },
  { magic: [0x4d, 0x5a], what: "a Windows program" },
];

const startsWith = (head: Buffer, magic: number[]) => magic.every((byte, i) => head[i] === byte);
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

/** Header names as columns are known by: trimmed; a blank one named by its column letter; repeats numbered. */
function headerNames(cells: string[]): string[] {
  let width = cells.length;
  while (width > 0 && cells[width - 1].trim() === "") width--;
  const seen = new Map<string, number>();
  return cells.slice(0, width).map((cell, index) => {
    const base = cell.trim() || `Column ${columnLetter(index + 1)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

function columnLetter(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === "");

type RawRecord = { row: number; cells: string[] };

/** The file's records in batches (one promise per batch, not per row: it matters for a million rows). */
function records(filePath: string, detected: DetectedFile, sheetName: string | undefined, signal: AbortSignal | undefined): AsyncGenerator<RawRecord[]> {
  if (detected.format === "xlsx") {
    return (async function* () {
      // The parts were inflated once to verify them when the file was detected; here the
      // directory is checked again (cheap) in case the file was swapped since.
      const sheet = chooseSheet(await inspectWorkbook(filePath, { verifyParts: false }), sheetName);
      yield* sheetRecords(filePath, sheet, { signal });
    })();
  }
  if (!detected.encoding || !detected.delimiter) throw new UnsupportedFileError(`a ${detected.format} file needs its encoding and delimiter`);
  return textRecords(filePath, { encoding: detected.encoding, delimiter: detected.delimiter, signal });
}

/** Recognises the file by its content and reads its header row. Throws UnsupportedFileError for anything else. */
export async function detectFile(filePath: string, options: { sheet?: string } = {}): Promise<DetectedFile> {
  const { size } = await stat(filePath);
  if (size === 0) throw new UnsupportedFileError("the file is empty");
  const head = await readHead(filePath, 4096);
  let detected: DetectedFile;
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) {
    const sheets = await inspectWorkbook(filePath);
    const sheet = chooseSheet(sheets, options.sheet);
    detected = { format: "xlsx", encoding: null, delimiter: null, sheets: sheets.map((s) => s.name), headers: [] };
    detected.headers = await firstHeaders(sheetRecords(filePath, sheet));
  } else {
    const known = KNOWN_BINARIES.find(({ magic }) => startsWith(head, magic));
    if (known) throw new UnsupportedFileError(`the file is ${known.what}, not CSV, TSV or XLSX`);
    const encoding = await detectTextEncoding(filePath, head);
    const delimiter = await detectDelimiter(filePath, encoding);
    detected = { format: delimiter === "\t" ? "tsv" : "csv", encoding, delimiter, sheets: [], headers: [] };
    detected.headers = await firstHeaders(textRecords(filePath, { encoding, delimiter }));
  }
  if (detected.headers.length === 0) throw new UnsupportedFileError("the file has no header row (every row is empty)");
  return detected;
}

async function firstHeaders(source: AsyncGenerator<RawRecord[]>): Promise<string[]> {
  try {
    for await (const batch of source) {
      const header = batch.find(({ cells }) => !isBlank(cells));
      if (header) return headerNames(header.cells);
    }
    return [];
  } finally {
    await source.return(undefined);
  }
}

/**
 * The data rows under the header row, streamed. Blank rows are skipped (their numbers are not
 * reused, so later rows keep the numbers the spreadsheet shows). Cells beyond the named columns
 * are dropped; a short row's missing cells read "".
 */
export function readRows(filePath: string, detected: DetectedFile, options: { sheet?: string; signal?: AbortSignal } = {}): AsyncIterable<SourceRow> {
  const sheet = detected.format === "xlsx" ? (options.sheet ?? detected.sheets[0]) : null;
  return {
    async *[Symbol.asyncIterator]() {
      let headers: string[] | null = null;
      for await (const batch of records(filePath, detected, sheet ?? undefined, options.signal)) {
        for (const { row, cells } of batch) {
          // Checked per row, not per batch: a cancelled import must not go on with a thousand rows.
          options.signal?.throwIfAborted();
          if (isBlank(cells)) continue;
          if (!headers) {
            headers = headerNames(cells);
            continue;
          }
          const values: Record<string, string> = {};
          headers.forEach((header, index) => {
            values[header] = cells[index] ?? "";
          });
          yield { row, sheet, values };
        }
      }
    },
  };
}
