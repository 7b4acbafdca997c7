import { rename, rm, stat } from "node:fs/promises";
import type pg from "pg";
import Cursor from "pg-cursor";
import { exportEntities, type ExportContext, type ExportEntityKey, type ExportFilters, type ExportRow } from "./export-entities";
import { exportFormats, type ExportFormat } from "./writers";
import type { ChartData, ExportWriter } from "./writers/types";

/** Rows fetched per cursor read: large enough to keep round trips few, small enough to keep memory flat. */
const CURSOR_BATCH = 2_000;

export interface WriteExportOptions {
  pool: pg.Pool;
  entity: ExportEntityKey;
  format: ExportFormat;
  filters: ExportFilters;
  organizationId: string;
  /** Who launched it: a runs export holds their runs. @defaultValue null (no one's runs) */
  ownerId?: string | null;
  organizationName: string;
  /** The final file; it appears only when complete (written beside it, then renamed). */
  path: string;
  generatedAt: Date;
  signal: AbortSignal;
  /** Rows written so far and the total; called every few thousand rows. */
  onProgress?: (done: number, total: number) => Promise<void>;
}

export interface WrittenExport {
  rows: number;
  bytes: number;
}

/**
 * Streams an entity's rows from PostgreSQL (a server-side cursor) into a file of the format, so an
 * export of millions of rows holds a batch in memory, never the whole result. A cancelled or
 * failed export leaves no file behind.
 */
export async function writeExport(options: WriteExportOptions): Promise<WrittenExport> {
  const entity: (typeof exportEntities)[ExportEntityKey] = exportEntities[options.entity];
  const context: ExportContext = { organizationId: options.organizationId, ownerId: options.ownerId ?? null, generatedAt: options.generatedAt };
  const layout = entity.layout ? await entity.layout(options.pool, context, options.filters) : { title: entity.title, columns: entity.columns };
  const countQuery = entity.count(context, options.filters);
  const { rows: countRows } = await options.pool.query<{ count: number }>(countQuery.text, countQuery.values);
  const total = countRows[0]?.count ?? 0;

  const partial = `${options.path}.partial`;
  const writer = await exportFormats[options.format].writer(partial, {
    title: layout.title,
    organization: options.organizationName,
    filters: entity.describeFilters(options.filters),
    generatedAt: options.generatedAt,
    columns: layout.columns,
  });
  const client = await options.pool.connect();
  // Rows read drive progress (against the count); rows written are what the file holds, fewer where `transform` leaves some out.
  let done = 0;
  let written = 0;
  try {
    const query = entity.query(context, options.filters);
    const cursor = client.query(new Cursor<ExportRow>(query.text, query.values));
    try {
      const groups = entity.chart && writer.startGroup ? new GroupedWriter(writer, options.pool, entity.chart) : null;
      let reportedAt = 0;
      for (;;) {
        options.signal.throwIfAborted();
        const batch = await cursor.read(CURSOR_BATCH);
        if (batch.length === 0) break;
        for (const read of batch) {
          const row = entity.transform ? entity.transform(read, context, options.filters) : read;
          if (row === null) continue;
          await (groups ? groups.write(row) : writer.write(row));
          written += 1;
        }
        done += batch.length;
        if (options.onProgress && (done - reportedAt >= 10_000 || done === total)) {
          reportedAt = done;
          await options.onProgress(done, total);
        }
      }
      await groups?.flush();
    } finally {
      await cursor.close().catch(() => {});
    }
    await writer.close();
    await rename(partial, options.path);
  } catch (error) {
    await writer.abort().catch(() => {});
    await rm(partial, { force: true });
    throw error;
  } finally {
    client.release();
  }
  return { rows: written, bytes: (await stat(options.path)).size };
}

/**
 * For formats that draw a chart per group (a product's forecast in the PDF): holds one group's
 * rows (at most a forecast's horizon, 365) until the group ends, reads its history, then writes the
 * chart and the rows.
 */
class GroupedWriter {
  private key: unknown = undefined;
  private rows: ExportRow[] = [];

  constructor(
    private readonly writer: ExportWriter,
    private readonly pool: pg.Pool,
    private readonly chart: NonNullable<(typeof exportEntities)[ExportEntityKey]["chart"]>,
  ) {}

  async write(row: ExportRow) {
    const key = row[this.chart.groupBy];
    if (this.rows.length > 0 && key !== this.key) await this.flush();
    this.key = key;
    this.rows.push(row);
  }

  async flush() {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    const history = this.chart.history(rows[0]);
    const { rows: points } = await this.pool.query<{ date: string; value: number }>(history.text, history.values);
    const chart: ChartData = {
      history: points,
      forecast: rows.map((row) => ({ date: String(row.date), value: Number(row.value), lower: row.lower as number | null, upper: row.upper as number | null })),
    };
    await this.writer.startGroup!(this.chart.title(rows[0]), chart);
    for (const row of rows) await this.writer.write(row);
  }
}
