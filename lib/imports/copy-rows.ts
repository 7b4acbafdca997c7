import { once } from "node:events";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

export type CopyValue = string | number | null | undefined;

/** Rows streamed into a table with `COPY … FROM STDIN`, the fastest way into PostgreSQL. */
export interface CopyWriter {
  /** Queues one row (values in the order of the columns); waits only when the socket is full. */
  write(values: readonly CopyValue[]): Promise<void>;
  /** Sends what is left and ends the COPY; resolves with the rows PostgreSQL took. */
  end(): Promise<number>;
}

/** Text-format COPY escapes: backslash first, then the characters that end a field or a row. */
function escapeCopy(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : text;
}

/** Lines are sent in chunks of about this many characters: one socket write per chunk instead of per row. */
const CHUNK_CHARS = 64 * 1024;

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Starts `COPY table (columns) FROM STDIN` on a checked-out client (its transaction, its temp
 * tables). A failure on the server surfaces from the next write or from end(). While the COPY
 * runs, the client can run nothing else; a caller that gives up half-way must discard the
 * client (`release(error)`), which ends the session and with it the transaction.
 */
export function copyInto(client: pg.PoolClient, table: string, columns: readonly string[]): CopyWriter {
  const stream = client.query(copyFrom(`COPY ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) FROM STDIN`));
  let failure: Error | null = null;
  stream.on("error", (error: Error) => (failure ??= error));
  let chunk = "";

  const flush = async () => {
    if (failure) throw failure;
    if (chunk === "") return;
    const full = !stream.write(chunk);
    chunk = "";
    // once() rejects when the stream errors while it waits.
    if (full) await once(stream, "drain");
    if (failure) throw failure;
  };

  return {
    async write(values) {
      chunk += `${values.map(escapeCopy).join("\t")}\n`;
      if (chunk.length >= CHUNK_CHARS) await flush();
    },
    async end() {
      await flush();
      stream.end();
      // The stream finishes once PostgreSQL has confirmed the COPY.
      await once(stream, "finish");
      return stream.rowCount;
    },
  };
}
