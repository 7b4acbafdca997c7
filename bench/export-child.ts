// One export, run alone in this process so its peak memory is its own: `tsx bench/export-child.ts
// <format> <filters-json> <path>` prints `{ ms, rows, bytes, peakRssMb }` as JSON on stdout.
import "./config";
import { createDb, disconnectDb, sqlPool } from "../lib/db";
import type { ExportFilters } from "../lib/exports/export-entities";
import { writeExport } from "../lib/exports/write-export";
import type { ExportFormat } from "../lib/exports/writers";
import { EXPORT_BENCH_ORGANIZATION } from "./exports";

const [format, filtersJson, path] = process.argv.slice(2) as [ExportFormat, string, string];
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10);
const db = createDb();
const started = performance.now();
const written = await writeExport({
  pool: sqlPool(db),
  entity: "sales",
  format,
  filters: JSON.parse(filtersJson) as ExportFilters,
  organizationId: EXPORT_BENCH_ORGANIZATION,
  organizationName: "Bench Export Works",
  path,
  generatedAt: new Date(),
  signal: new AbortController().signal,
});
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await disconnectDb(db);
console.log(JSON.stringify({ ms, rows: written.rows, bytes: written.bytes, peakRssMb: peak / 1_048_576 }));
