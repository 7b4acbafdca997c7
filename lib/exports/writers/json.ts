import type { ExportRow } from "../export-entities";
import { openFile } from "./file-stream";
import type { ExportHeading, WriterFactory } from "./types";

function record(row: ExportRow, heading: ExportHeading): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const column of heading.columns) out[column.key] = row[column.key] ?? null;
  return out;
}

/** A JSON array of row objects, written row by row (never built in memory). */
export const jsonWriter: WriterFactory = async (path, heading) => {
  const file = await openFile(path);
  await file.write("[");
  let first = true;
  return {
    async write(row) {
      await file.write(`${first ? "\n" : ",\n"}${JSON.stringify(record(row, heading))}`);
      first = false;
    },
    async close() {
      await file.write(first ? "]\n" : "\n]\n");
      await file.end();
    },
    abort: () => file.destroy(),
  };
};

/** JSON Lines: one object per line, nothing else, for tools that read records as a stream. */
export const jsonLinesWriter: WriterFactory = async (path, heading) => {
  const file = await openFile(path);
  return {
    write: (row) => file.write(`${JSON.stringify(record(row, heading))}\n`),
    close: () => file.end(),
    abort: () => file.destroy(),
  };
};
