import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { config } from "./config";
import { loadAverage } from "./system";

/** The imports part's own organisation: its million sales rows do not disturb the other parts' data. */
export const IMPORT_BENCH_ORGANIZATION = "bench-import-org";

const PRODUCTS = 1_000;
const DAYS = 1_000;

export interface ImportBenchRow {
  label: string;
  rows: number;
  seconds: number;
  peakRssMb: number | null;
  load: string;
}

/** 1,000 products × 1,000 days of sales as a CSV the way a spreadsheet saves one (CRLF, SKUs with leading zeros). */
async function writeSalesCsv(file: string): Promise<number> {
  const out = createWriteStream(file);
  out.write("SKU,Date,Quantity\r\n");
  const start = Date.UTC(2024, 0, 1);
  for (let day = 0; day < DAYS; day++) {
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    let chunk = "";
    for (let product = 1; product <= PRODUCTS; product++) chunk += `${String(product).padStart(6, "0")},${date},${(product * 7 + day * 13) % 97}\r\n`;
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return PRODUCTS * DAYS;
}

async function seedProducts(pool: pg.Pool): Promise<void> {
  await pool.query(`insert into "Organization" (id, slug, name) values ($1, $1, 'Bench Import Works') on conflict do nothing`, [IMPORT_BENCH_ORGANIZATION]);
  await pool.query(`delete from "SalesDaily" where "organizationId" = $1`, [IMPORT_BENCH_ORGANIZATION]);
  await pool.query(`delete from "Product" where "organizationId" = $1`, [IMPORT_BENCH_ORGANIZATION]);
  await pool.query(
    `insert into "Product" (id, "organizationId", sku, name, category, "unitCost")
     select 'bi-' || g, $1, lpad(g::text, 6, '0'), 'Bench part ' || g, 'Category ' || (g % 12), 1 + (g % 50)
     from generate_series(1, $2::int) g`,
    [IMPORT_BENCH_ORGANIZATION, PRODUCTS],
  );
}

/** The same file straight into an empty table with PostgreSQL's own CSV COPY: the floor the import is compared with. */
async function rawCopy(pool: pg.Pool, file: string): Promise<{ ms: number; rows: number }> {
  const client = await pool.connect();
  try {
    await client.query(`create temp table bench_raw_sales (sku text, date date, quantity integer)`);
    const started = performance.now();
    const stream = client.query(copyFrom(`copy bench_raw_sales from stdin with (format csv, header true)`));
    await pipeline(createReadStream(file), stream);
    return { ms: performance.now() - started, rows: stream.rowCount };
  } finally {
    client.release(true);
  }
}

function runChild(file: string): Promise<{ ms: number; rows: number; imported: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/import-child.ts", file], { stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`import child exited ${code}`))));
  });
}

/** Part: a 1,000,000-row sales CSV imported (read, validated, staged with COPY, merged), beside a raw COPY of the same file. */
export async function measureImports(step: (message: string) => void): Promise<{ megabytes: number; rows: ImportBenchRow[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), "capliquify-bench-imports-"));
  const pool = new pg.Pool({ connectionString: config.databaseUrl });
  try {
    const file = path.join(dir, "sales.csv");
    step(`writing a ${(PRODUCTS * DAYS).toLocaleString("en-US")}-row sales CSV and seeding its ${PRODUCTS.toLocaleString("en-US")} products`);
    const rows = await writeSalesCsv(file);
    await seedProducts(pool);
    step("importing it (a process of its own)");
    const imported = await runChild(file);
    if (imported.imported !== rows) throw new Error(`the import wrote ${imported.imported} of ${rows} rows`);
    step("raw COPY of the same file into an empty table");
    const raw = await rawCopy(pool, file);
    return {
      megabytes: statSync(file).size / 1_048_576,
      rows: [
        { label: "import (all-or-nothing, into an empty sales table)", rows: imported.rows, seconds: imported.ms / 1000, peakRssMb: imported.peakRssMb, load: loadAverage() },
        { label: "raw COPY … FROM STDIN (CSV) into an empty table", rows: raw.rows, seconds: raw.ms / 1000, peakRssMb: null, load: loadAverage() },
      ],
    };
  } finally {
    await pool.query(`delete from "SalesDaily" where "organizationId" = $1`, [IMPORT_BENCH_ORGANIZATION]).catch(() => {});
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
