import { createReadStream } from "node:fs";
import path from "node:path/posix";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import ExcelJS from "exceljs";
import yauzl from "yauzl";
import { formattedNumber, isDateFormat, isoDate, serialDateText } from "./cell-text";
import { UnsupportedFileError } from "./unsupported-file-error";

/** A row of a worksheet: `row` is the row number Excel shows; `cells[i]` is column i + 1 as text. */
export type SheetRecord = { row: number; cells: string[] };

/**
 * What a workbook may inflate to before it is treated as a zip bomb. Spreadsheet XML compresses
 * around 5–20 to 1, so a 100 MB workbook stays well inside both limits; a bomb's parts declare
 * sizes hundreds or thousands of times their compressed size.
 */
export const ZIP_LIMITS = {
  maxEntries: 10_000,
  maxTotalUncompressed: 2 * 1024 ** 3,
  /** Ratio above which a part is refused, once the part is larger than `ratioFloor` (tiny parts may compress 1000:1 harmlessly). */
  maxRatio: 200,
  ratioFloor: 16 * 1024 ** 2,
};

type ZipEntry = { name: string; compressedSize: number; uncompressedSize: number };

const zipDamaged = (reason: string) => new UnsupportedFileError(`the XLSX file is truncated or damaged (${reason}): save it again from Excel and upload it once more`);

async function openZip(filePath: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(filePath, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw zipDamaged((error as Error).message);
  }
}

async function zipEntries(zip: yauzl.ZipFile): Promise<Map<string, { entry: yauzl.Entry } & ZipEntry>> {
  if (zip.entryCount > ZIP_LIMITS.maxEntries) {
    throw new UnsupportedFileError(`the workbook has ${zip.entryCount} parts (at most ${ZIP_LIMITS.maxEntries} are read): this is not a spreadsheet`);
  }
  const entries = new Map<string, { entry: yauzl.Entry } & ZipEntry>();
  try {
    for await (const entry of zip.eachEntry()) {
      entries.set(entry.fileName, { entry, name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
    }
  } catch (error) {
    throw zipDamaged((error as Error).message);
  }
  return entries;
}

/** Refuses a zip bomb from the sizes its directory declares, before a byte is inflated. */
export function checkDeclaredSizes(entries: Iterable<ZipEntry>): void {
  let total = 0;
  for (const { name, compressedSize, uncompressedSize } of entries) {
    total += uncompressedSize;
    const ratio = uncompressedSize / Math.max(compressedSize, 1);
    if (uncompressedSize > ZIP_LIMITS.ratioFloor && ratio > ZIP_LIMITS.maxRatio) {
      throw new UnsupportedFileError(
        `the workbook looks like a zip bomb: its part ${name} inflates ${Math.round(ratio)} times (${compressedSize} bytes to ${uncompressedSize}); at most ${ZIP_LIMITS.maxRatio} times is read`,
      );
    }
  }
  if (total > ZIP_LIMITS.maxTotalUncompressed) {
    throw new UnsupportedFileError(
      `the workbook looks like a zip bomb: its parts inflate to ${total} bytes (at most ${ZIP_LIMITS.maxTotalUncompressed} are read)`,
    );
  }
}

async function readEntryText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw zipDamaged(`${entry.fileName}: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Inflates every part once, discarding the bytes: yauzl stops a part that inflates past the size
 * it declared (the sizes already checked), and a part cut short or with a bad checksum shows here,
 * before an import has read half the file.
 */
async function verifyParts(zip: yauzl.ZipFile, entries: Iterable<{ entry: yauzl.Entry }>): Promise<void> {
  for (const { entry } of entries) {
    if (entry.fileName.endsWith("/")) continue;
    try {
      const stream = await zip.openReadStreamPromise(entry);
      await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
    } catch (error) {
      // yauzl's words for a part that inflates to more than its directory entry says.
      if (/too many bytes in the stream/.test((error as Error).message)) {
        throw new UnsupportedFileError(`the workbook looks like a zip bomb: its part ${entry.fileName} inflates past the ${entry.uncompressedSize} bytes it declares`);
      }
      throw zipDamaged(`${entry.fileName}: ${(error as Error).message}`);
    }
  }
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, code: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (code[0] !== "#") return named[code.toLowerCase()];
    return String.fromCodePoint(code[1] === "x" || code[1] === "X" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10));
  });
}

function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) result[name.replace(/^\w+:(?=id$)/, "r:")] = decodeXml(value);
  for (const [, name, value] of tag.matchAll(/([\w:]+)\s*=\s*'([^']*)'/g)) result[name.replace(/^\w+:(?=id$)/, "r:")] = decodeXml(value);
  return result;
}

/** The sheets of a workbook in tab order, each with the zip part that holds it. */
export type WorkbookSheet = { name: string; part: string };

function workbookSheets(workbookXml: string, relsXml: string): WorkbookSheet[] {
  const targets = new Map<string, string>();
  for (const [tag] of relsXml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const { Id, Target } = attributes(tag);
    if (Id && Target) targets.set(Id, Target.startsWith("/") ? Target.slice(1) : path.normalize(path.join("xl", Target)));
  }
  const sheets: WorkbookSheet[] = [];
  for (const [tag] of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const attrs = attributes(tag);
    const part = targets.get(attrs["r:id"]);
    if (attrs.name && part) sheets.push({ name: attrs.name, part });
  }
  return sheets;
}

/** What a zip that is not an Excel workbook is, so the refusal tells the user what to do. */
function notAWorkbook(names: Set<string>): UnsupportedFileError {
  if (names.has("content.xml") && names.has("mimetype")) {
    return new UnsupportedFileError("the file is an OpenDocument file (.ods), not XLSX: save it as .xlsx or CSV and upload that");
  }
  if (names.has("word/document.xml")) return new UnsupportedFileError("the file is a Word document, not a spreadsheet");
  if (names.has("ppt/presentation.xml")) return new UnsupportedFileError("the file is a PowerPoint presentation, not a spreadsheet");
  return new UnsupportedFileError("the file is a zip archive without an Excel workbook in it (no xl/workbook.xml): upload a CSV, TSV or XLSX file");
}

/**
 * Opens a workbook for reading: checks it is a whole XLSX (not truncated, not a zip bomb, not
 * another zip) and lists its sheets. Done before exceljs sees the file, since exceljs streams the
 * zip from its first byte and trusts whatever it finds.
 */
export async function inspectWorkbook(filePath: string, { verifyParts: verify = true }: { verifyParts?: boolean } = {}): Promise<WorkbookSheet[]> {
  const zip = await openZip(filePath);
  try {
    const entries = await zipEntries(zip);
    checkDeclaredSizes(entries.values());
    const workbook = entries.get("xl/workbook.xml");
    if (!workbook) throw notAWorkbook(new Set(entries.keys()));
    const rels = entries.get("xl/_rels/workbook.xml.rels");
    if (!rels) throw zipDamaged("xl/_rels/workbook.xml.rels is missing");
    if (workbook.entry.isEncrypted()) throw new UnsupportedFileError("the workbook is encrypted: remove its password and upload it again");
    if (verify) await verifyParts(zip, entries.values());
    const sheets = workbookSheets(await readEntryText(zip, workbook.entry), await readEntryText(zip, rels.entry));
    if (sheets.length === 0) throw new UnsupportedFileError("the workbook has no worksheets");
    for (const sheet of sheets) {
      if (!entries.has(sheet.part)) throw zipDamaged(`sheet "${sheet.name}" has no part ${sheet.part}`);
    }
    return sheets;
  } finally {
    zip.close();
  }
}

export function chooseSheet(sheets: WorkbookSheet[], name: string | undefined): WorkbookSheet {
  if (name === undefined) return sheets[0];
  const sheet = sheets.find((candidate) => candidate.name === name);
  if (!sheet) throw new UnsupportedFileError(`the workbook has no sheet "${name}" (its sheets: ${sheets.map((s) => `"${s.name}"`).join(", ")})`);
  return sheet;
}

type StreamCell = { value: ExcelJS.CellValue; numFmt?: string };

/** A cell as the text the user sees (see SourceRow in ./source). */
function cellText(cell: StreamCell, date1904: boolean): string {
  const value = cell.value;
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return isDateFormat(cell.numFmt) ? serialDateText(value, date1904) : formattedNumber(value, cell.numFmt);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return isoDate(value.getTime(), { timeOnly: value.getTime() < Date.UTC(1899, 11, 31) && value.getTime() >= Date.UTC(1899, 11, 30) });
  if ("richText" in value) return value.richText.map((run) => run.text ?? "").join("");
  if ("error" in value) return value.error;
  if ("formula" in value || "sharedFormula" in value) {
    // The result Excel (or LibreOffice) cached when it saved: what the user saw in the cell.
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return "";
    return cellText({ value: result as ExcelJS.CellValue, numFmt: cell.numFmt }, date1904);
  }
  if ("text" in value) return String((value as { text: unknown }).text ?? "");
  return "";
}

type SheetReader = AsyncIterable<ExcelJS.Row> & { id: number | string; name?: string };

/**
 * The rows of one worksheet, streamed by exceljs: cells become text as they come and the row is
 * dropped, so memory holds the shared strings and a batch of rows, not the sheet.
 */
export async function* sheetRecords(filePath: string, sheet: WorkbookSheet, { signal }: { signal?: AbortSignal } = {}): AsyncGenerator<SheetRecord[]> {
  const input = createReadStream(filePath);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  // exceljs names a worksheet only when workbook.xml came before it in the zip; otherwise it is
  // known by the number in its part name (xl/worksheets/sheetN.xml).
  const isWanted = (worksheet: SheetReader) =>
    worksheet.name !== undefined ? worksheet.name === sheet.name : `xl/worksheets/sheet${worksheet.id}.xml` === sheet.part;
  let found = false;
  try {
    for await (const worksheet of reader as unknown as AsyncIterable<SheetReader>) {
      if (!isWanted(worksheet)) continue;
      found = true;
      const date1904 = Boolean((reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904);
      let batch: SheetRecord[] = [];
      for await (const row of worksheet) {
        const cells: string[] = [];
        row.eachCell({ includeEmpty: false }, (cell, column) => {
          cells[column - 1] = cellText(cell as unknown as StreamCell, date1904);
        });
        for (let i = 0; i < cells.length; i++) cells[i] ??= "";
        batch.push({ row: row.number, cells });
        if (batch.length === 1000) {
          signal?.throwIfAborted();
          yield batch;
          batch = [];
        }
      }
      signal?.throwIfAborted();
      if (batch.length > 0) yield batch;
      return;
    }
  } catch (error) {
    if (signal?.aborted || error instanceof UnsupportedFileError) throw error;
    throw zipDamaged((error as Error).message);
  } finally {
    input.destroy();
  }
  if (!found) throw new UnsupportedFileError(`sheet "${sheet.name}" cannot be read: its part ${sheet.part} is not where Excel keeps worksheets`);
}
