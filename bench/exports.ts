import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { config } from "./config";
import { loadAverage } from "./system";

/** The exports part's own organisation: its million sales rows do not disturb the other parts' data. */
export const EXPORT_BENCH_ORGANIZATION = "bench-export-org";

const PRODUCTS = 1_000;
const DAYS = 1_000;
const FIRST_DAY = "2024-01-01";

export interface ExportBenchRow {
  label: string;
  format: string;
  rows: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  pages?: number;
  targetSeconds: number;
  load: string;
}

/**
 * 1,000 products × 1,000 days of sales (1,000,000 rows), made by PostgreSQL itself with
 * generate_series: the figure measured is the export, not the seeding.
 */
async function seedSales(): Promise<number> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl });
  try {
    await pool.query(`insert into "Organization" (id, slug, name) values ($1, $1, 'Bench Export Works') on conflict do nothing`, [EXPORT_BENCH_ORGANIZATION]);
    await pool.query(`delete from "SalesDaily" where "organizationId" = $1`, [EXPORT_BENCH_ORGANIZATION]);
    await pool.query(`delete from "Product" where "organizationId" = $1`, [EXPORT_BENCH_ORGANIZATION]);
    await pool.query(
      `insert into "Product" (id, "organizationId", sku, name, category, "unitCost")
       select 'bx-' || g, $1, lpad(g::text, 6, '0'), 'Bench part ' || g, 'Category ' || (g % 12), 1 + (g % 50)
       from generate_series(1, $2::int) g`,
      [EXPORT_BENCH_ORGANIZATION, PRODUCTS],
    );
    const { rowCount } = await pool.query(
      `insert into "SalesDaily" ("organizationId", "productId", date, quantity)
       select $1, 'bx-' || p, $3::date + d, (p * 7 + d * 13) % 97
       from generate_series(1, $2::int) p, generate_series(0, $4::int - 1) d`,
      [EXPORT_BENCH_ORGANIZATION, PRODUCTS, FIRST_DAY, DAYS],
    );
    await pool.query(`analyze "Product"; analyze "SalesDaily"`);
    return rowCount ?? 0;
  } finally {
    await pool.end();
  }
}

function runChild(format: string, filters: object, file: string): Promise<{ ms: number; rows: number; bytes: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/export-child.ts", format, JSON.stringify(filters), file], { stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`export child (${format}) exited ${code}`))));
  });
}

/** Part: exports of a million sales rows (CSV, XLSX, JSON Lines) and a PDF report of over 100 pages. */
export async function measureExports(step: (message: string) => void): Promise<{ seeded: number; rows: ExportBenchRow[] }> {
  step(`seeding ${PRODUCTS.toLocaleString("en-US")} products × ${DAYS.toLocaleString("en-US")} days of sales for the exports`);
  const seeded = await seedSales();
  const dir = mkdtempSync(path.join(tmpdir(), "capliquify-bench-exports-"));
  const rows: ExportBenchRow[] = [];
  try {
    // About 34 table rows fit a landscape page: 4 days × 1,000 products = 4,000 rows ≈ 120 pages.
    const pdfDays = { startDate: FIRST_DAY, endDate: "2024-01-04" };
    const runs = [
      { label: "1,000,000 sales rows", format: "csv", filters: {}, targetSeconds: 15 },
      { label: "1,000,000 sales rows", format: "jsonl", filters: {}, targetSeconds: 15 },
      { label: "1,000,000 sales rows", format: "xlsx", filters: {}, targetSeconds: 60 },
      { label: "4 days of sales (4,000 rows)", format: "pdf", filters: pdfDays, targetSeconds: 10 },
    ];
    for (const run of runs) {
      step(`exporting ${run.label} as ${run.format}`);
      const file = path.join(dir, `export.${run.format}`);
      const result = await runChild(run.format, run.filters, file);
      const pages = run.format === "pdf" ? Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))?.[1]) : undefined;
      rows.push({ label: run.label, format: run.format, rows: result.rows, bytes: result.bytes, seconds: result.ms / 1000, peakRssMb: result.peakRssMb, pages, targetSeconds: run.targetSeconds, load: loadAverage() });
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seeded, rows };
}
