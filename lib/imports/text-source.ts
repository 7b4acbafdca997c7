import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { open } from "node:fs/promises";
import { parse as parseSync } from "csv-parse/sync";
import { parse } from "csv-parse";
import iconv from "iconv-lite";
import { UnsupportedFileError } from "./unsupported-file-error";

/** A record of a delimited file, numbered as a spreadsheet numbers its rows (a quoted newline stays in one row). */
export type TextRecord = { row: number; cells: string[] };

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/** How many bytes are looked at to choose the delimiter: plenty of lines for any real header plus rows. */
const SAMPLE_BYTES = 64 * 1024;
/** Records compared to choose the delimiter. */
const SAMPLE_RECORDS = 50;
const DELIMITERS = [",", ";", "\t", "|"] as const;

function bomEncoding(head: Buffer): { encoding: TextEncoding; bomLength: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  return null;
}

/**
 * UTF-16 without a byte-order mark, as some exports write it: text that is mostly ASCII has a NUL
 * in every other byte, always on the same side.
 */
function bomlessUtf16(head: Buffer): TextEncoding | null {
  const pairs = Math.floor(Math.min(head.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenNul++;
    if (head[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.9 && evenNul === 0) return "utf-16le";
  if (evenNul > pairs * 0.9 && oddNul === 0) return "utf-16be";
  return null;
}

/** Control characters that never appear in text (all of C0 but tab, line feed, form feed and carriage return, and DEL). */
const BINARY_BYTE = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;

/**
 * Reads the whole file once: a NUL or other control byte anywhere means it is not text (a binary
 * renamed .csv), and UTF-8 is chosen only if every byte sequence is valid UTF-8 — a Windows-1252
 * "é" late in the file must not turn into "\uFFFD".
 */
async function scanSingleByteText(filePath: string, start: number): Promise<"utf-8" | "windows-1252"> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let utf8 = true;
  let offset = start;
  for await (const chunk of createReadStream(filePath, { start, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    // latin1 maps each byte to one character, so a regular expression finds the first control byte fast.
    const at = chunk.toString("latin1").search(BINARY_BYTE);
    if (at >= 0) {
      throw new UnsupportedFileError(
        `the file is not text (byte ${offset + at} is a control character, 0x${chunk[at].toString(16).padStart(2, "0")}): upload a CSV, TSV or XLSX file`,
      );
    }
    offset += chunk.length;
    if (utf8) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        utf8 = false;
      }
    }
  }
  if (utf8) {
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  }
  return utf8 ? "utf-8" : "windows-1252";
}

export async function detectTextEncoding(filePath: string, head: Buffer): Promise<TextEncoding> {
  const bom = bomEncoding(head);
  if (bom?.encoding.startsWith("utf-16")) return bom.encoding;
  const utf16 = bom ? null : bomlessUtf16(head);
  if (utf16) return utf16;
  return scanSingleByteText(filePath, bom?.bomLength ?? 0);
}

export async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Splits the sample into records with one delimiter; a record cut by the end of the sample is left out. */
function sampleRecords(sample: string, delimiter: string): string[][] {
  try {
    return parseSync(sample, { delimiter, relax_column_count: true, relax_quotes: true, to: SAMPLE_RECORDS });
  } catch {
    // The sample ends inside a quoted field: the records before it are what can be compared.
    const lastNewline = sample.lastIndexOf("\n", sample.length - 2);
    if (lastNewline <= 0) return [];
    return sampleRecords(sample.slice(0, lastNewline + 1), delimiter);
  }
}

/**
 * The delimiter that splits the first records most consistently: most records with the same
 * number of fields (at least two), then the most fields. A file of one column reads as CSV.
 */
export async function detectDelimiter(filePath: string, encoding: TextEncoding): Promise<string> {
  const head = await readHead(filePath, SAMPLE_BYTES);
  let sample = iconv.decode(head, encoding);
  if (head.length === SAMPLE_BYTES) sample = sample.slice(0, Math.max(sample.lastIndexOf("\n") + 1, 1));
  let best: { delimiter: string; share: number; fields: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const records = sampleRecords(sample, delimiter).filter((record) => record.some((cell) => cell !== ""));
    if (records.length === 0) continue;
    const counts = new Map<number, number>();
    for (const record of records) counts.set(record.length, (counts.get(record.length) ?? 0) + 1);
    const [fields, consistent] = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
    if (fields < 2) continue;
    const share = consistent / records.length;
    if (!best || share > best.share || (share === best.share && fields > best.fields)) best = { delimiter, share, fields };
  }
  return best?.delimiter ?? ",";
}

/**
 * Reads an object-mode stream in batches: a `for await` per record costs a promise round per
 * row, which made a million-row file take 40 s; `read()` in a loop drains what is buffered at once.
 */
async function* readBatches<T>(stream: Readable, size: number): AsyncGenerator<T[]> {
  for (;;) {
    const batch: T[] = [];
    for (let item: T | null; batch.length < size && (item = stream.read() as T | null) !== null; ) batch.push(item);
    if (batch.length > 0) {
      yield batch;
      continue;
    }
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        stream.off("readable", done).off("end", done).off("error", failed);
        resolve();
      };
      const failed = (error: Error) => {
        stream.off("readable", done).off("end", done).off("error", failed);
        reject(error);
      };
      stream.on("readable", done).on("end", done).on("error", failed);
    });
  }
}

/**
 * The records of a delimited file, decoded and parsed as a stream (in batches): memory stays
 * flat however long the file. Each record is one spreadsheet row, whatever newlines its quoted
 * fields hold; empty lines are kept as records so the numbering matches what Excel shows. Rows are
 * counted here rather than with csv-parse's `info` option, which gives the same number but builds
 * an info object per record and tripled the parse time of a million rows.
 */
export async function* textRecords(
  filePath: string,
  { encoding, delimiter, signal }: { encoding: string; delimiter: string; signal?: AbortSignal },
): AsyncGenerator<TextRecord[]> {
  if (!iconv.encodingExists(encoding)) throw new UnsupportedFileError(`unknown text encoding "${encoding}"`);
  const file = createReadStream(filePath);
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  // iconv-lite drops a byte-order mark when it decodes, so the first header never starts with "\uFEFF".
  file.pipe(iconv.decodeStream(encoding)).pipe(parser);
  file.on("error", (error) => parser.destroy(error));
  try {
    let row = 0;
    for await (const batch of readBatches<string[]>(parser, 1000)) {
      signal?.throwIfAborted();
      yield batch.map((cells) => ({ row: ++row, cells }));
    }
  } catch (error) {
    if (signal?.aborted || error instanceof UnsupportedFileError) throw error;
    const code = (error as { code?: string }).code;
    if (code?.startsWith("CSV_")) throw new UnsupportedFileError(`the file cannot be read as delimited text: ${(error as Error).message}`);
    throw error;
  } finally {
    file.destroy();
    parser.destroy();
  }
}
