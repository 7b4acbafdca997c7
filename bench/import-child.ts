// One import, run alone in this process so its peak memory is its own: `tsx bench/import-child.ts
// <csv>` prints `{ ms, rows, imported, peakRssMb }` as JSON on stdout. It runs what the import
// processor runs for a job (lib/imports/import-file.ts), without the queue around it.
import { tmpdir } from "node:os";
import path from "node:path";
import "./config";
import { createDb, disconnectDb, sqlPool } from "../lib/db";
import { importFile } from "../lib/imports/import-file";
import { IMPORT_BENCH_ORGANIZATION } from "./imports";

const [file] = process.argv.slice(2) as [string];
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10);
const db = createDb();
const started = performance.now();
const imported = await importFile({
  pool: sqlPool(db),
  organizationId: IMPORT_BENCH_ORGANIZATION,
  organizationName: "Bench Import Works",
  entityType: "sales",
  filePath: file,
  savedMapping: null,
  mode: "all-or-nothing",
  dryRun: false,
  errorsPath: path.join(tmpdir(), `capliquify-bench-import-errors-${process.pid}.csv`),
  signal: new AbortController().signal,
  onProgress: async () => {},
});
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await disconnectDb(db);
console.log(JSON.stringify({ ms, rows: imported.outcome.total, imported: imported.outcome.imported, peakRssMb: peak / 1_048_576 }));
