#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
//
// The Prisma CLI spawns the binary named by PRISMA_SCHEMA_ENGINE_BINARY in three ways:
//   schema-engine --version                                   -> print a version line
//   schema-engine --datasource '{"url":…}' cli <command>      -> one-shot can-connect-to-database / create-database
//   schema-engine [--datamodels <file>]… [--datasource '{…}'] -> JSON-RPC 2.0 server, one JSON message per line on stdio
// We serve the JSON-RPC methods with Prisma's own WebAssembly build of the schema engine
// (@prisma/schema-engine-wasm), which reaches PostgreSQL through the @prisma/adapter-pg driver adapter.
// Only PostgreSQL is supported. Run it through scripts/prisma.mjs, which sets the env var.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as wasmBindings from "@prisma/schema-engine-wasm/schema_engine_bg";

const argv = process.argv.slice(2);
const argValues = (flag) => argv.flatMap((a, i) => (a === flag && i + 1 < argv.length ? [argv[i + 1]] : []));
const datasource = JSON.parse(argValues("--datasource")[0] ?? "{}");

// ---------------------------------------------------------------------------------------------
// PostgreSQL connections

// Split a URL into host/port/user/… fields. pg lets `connectionString` override every other field,
// so a config like {...mainConfig, database: shadowDb} would silently connect to the main database.
function pgConfig(url) {
  const { schema, sslmode, connectionString, ...config } = parseConnectionString(url ?? "postgresql://localhost/postgres");
  return { config: { ...config, database: config.database || "postgres" }, schema };
}

const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

async function withClient(config, fn) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// The wasm engine cannot decode PostgreSQL's internal `"char"` (oid 18) and `name` (oid 19) types, which
// its catalog queries return; relabel those columns as `text` (oid 25) before the adapter converts rows.
// performIO lives on the adapter's base class, shared by connections and transactions, so patch it once.
function relabelCatalogTypes(adapter) {
  let proto = Object.getPrototypeOf(adapter);
  while (proto && !Object.hasOwn(proto, "performIO")) proto = Object.getPrototypeOf(proto);
  if (!proto || proto.performIO.relabelsCatalogTypes) return adapter;
  const performIO = proto.performIO;
  proto.performIO = async function (query) {
    const result = await performIO.call(this, query);
    for (const field of result?.fields ?? []) if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25;
    return result;
  };
  proto.performIO.relabelsCatalogTypes = true;
  return adapter;
}

// The adapter splits scripts on every ";" (breaking strings and function bodies that contain one);
// send the whole migration script as one simple-protocol query, as the native engine does.
function wholeScripts(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

class PgFactory extends PrismaPg {
  constructor(url, shadowDatabaseUrl) {
    const { config, schema } = pgConfig(url);
    super(config, schema ? { schema } : undefined);
    this.shadowDatabaseUrl = shadowDatabaseUrl;
  }

  async connect() {
    return wholeScripts(relabelCatalogTypes(await super.connect()));
  }

  // The adapter's own version drops the shadow database while its pool still holds connections
  // (so the DROP fails and the database leaks). Create it ourselves, close the pool, then drop it.
  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      // A configured shadow database is emptied first, as the native engine does.
      const factory = new PgFactory(this.shadowDatabaseUrl);
      const adapter = await factory.connect();
      const schema = quoteIdent(factory.options?.schema ?? "public");
      await adapter.executeScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`);
      return adapter;
    }
    const database = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
    await withClient(this.config, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
    const shadow = new PrismaPg({ ...this.config, database }, this.options);
    const adapter = wholeScripts(relabelCatalogTypes(await shadow.connect()));
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // ends the shadow pool
      await withClient(this.config, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`));
    };
    return adapter;
  }
}

// ---------------------------------------------------------------------------------------------
// `cli` sub-commands, called as separate processes by `migrate dev`, `db push`, …

// Error codes the CLI understands (P1003 makes it call create-database).
function errorCode(error) {
  if (error.code === "3D000") return "P1003"; // database does not exist
  if (error.code === "28P01" || error.code === "28000") return "P1000"; // authentication failed
  return "P1001"; // cannot reach the server
}

async function runCliCommand(command) {
  const { config } = pgConfig(datasource.url);
  try {
    if (command === "can-connect-to-database") {
      await withClient(config, (c) => c.query("SELECT 1"));
    } else if (command === "create-database") {
      await createDatabase(config);
    } else {
      throw new Error(`Unsupported schema engine command: cli ${command}`);
    }
    process.exit(0);
  } catch (error) {
    // The CLI skips the first stderr line and reads the rest as the engine's JSON log lines,
    // taking error_code/message from the ERROR line of target schema_engine::logger.
    const log = (level, fields) => JSON.stringify({ level, target: "schema_engine::logger", fields });
    const message =
      error.code === "3D000"
        ? `Database \`${config.database}\` does not exist on the database server at \`${config.host}:${config.port ?? 5432}\`.`
        : error.message;
    process.stderr.write(`${log("INFO", { message: `cli ${command}` })}\n${log("ERROR", { error_code: errorCode(error), message })}\n`);
    process.exit(1);
  }
}

// Connect to the server's maintenance database to create the target one, as the native engine does.
async function createDatabase(config) {
  await withClient({ ...config, database: "postgres" }, (c) => c.query(`CREATE DATABASE ${quoteIdent(config.database)}`));
  return { databaseName: config.database };
}

// ---------------------------------------------------------------------------------------------
// The wasm engine

// The package's entry point imports the .wasm file as an ES module, which Node 20 only allows
// behind --experimental-wasm-modules; instantiate it by hand with the generated JS glue instead.
async function instantiateWasm() {
  const glue = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = join(dirname(glue), "schema_engine_bg.wasm");
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": wasmBindings });
  wasmBindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
}

// The engine's Rust panic hook hands the panic message to global.PRISMA_WASM_PANIC_REGISTRY.set_message
// (and fails if that is missing); the JS side then only sees "RuntimeError: unreachable".
let panicMessage;
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (message) => (panicMessage = message) };

let nextPrintId = 1_000_000;
const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);

// This wasm build gives evaluateDataLoss and createMigration no shadow database: they reuse the schema
// that diagnoseMigrationHistory/devDiagnostic cached for the *applied* migrations. When `migrate dev`
// has just applied pending migrations (e.g. on a fresh database) that cache entry is missing and they
// fail with "shadow DB must be provided through an external factory"; fill the cache and retry once.
const withMigrationsCache = (method) => async (engine, params) => {
  try {
    return await engine[method](params);
  } catch (error) {
    if (!/shadow DB must be provided through an external factory/.test(error?.message)) throw error;
    const { migrationsList, filters } = params;
    await engine.diagnoseMigrationHistory({ migrationsList, filters, optInToShadowDatabase: true });
    return await engine[method](params);
  }
};

// Methods whose wasm counterpart differs from the native engine's JSON-RPC surface.
const overrides = {
  evaluateDataLoss: withMigrationsCache("evaluateDataLoss"),
  createMigration: withMigrationsCache("createMigration"),
  getDatabaseVersion: (engine, params) => engine.version(params),
  createDatabase: (_, params) => createDatabase(pgConfig(params?.datasource?.url ?? datasource.url).config),
  // The wasm engine returns the diff text in the result; the native engine instead sends the CLI a
  // `print` request with it (the CLI reads only exitCode from the result), so do that.
  diff: async (engine, params) => {
    const { stdout, ...rest } = await engine.diff(params);
    if (stdout) send({ id: nextPrintId++, method: "print", params: { content: stdout } });
    return rest;
  },
};

function rpcError(error, factory) {
  // JS errors thrown inside the driver adapter (e.g. CREATE DATABASE denied) reach us only as
  // "External error id#N", an index into the adapter's error registry; put their message back.
  const panic = error instanceof WebAssembly.RuntimeError;
  const message = String((panic && panicMessage) || (error?.message ?? error)).replace(
    /External error id#(\d+)/g,
    (text, id) => factory.errorRegistry.consumeError(Number(id))?.error?.message ?? text,
  );
  return {
    code: 4466,
    message, // what the CLI shows for panics; other errors are read from data
    data: { is_panic: panic, message, error_code: error?.code, meta: error?.meta },
  };
}

async function serve() {
  await instantiateWasm();
  const datamodels = argValues("--datamodels").map((path) => [path, readFileSync(path, "utf8")]);
  const factory = bindMigrationAwareSqlAdapterFactory(new PgFactory(datasource.url, datasource.shadowDatabaseUrl));
  const log = (line) => process.stderr.write(`${line}\n`); // the CLI shows engine logs only with DEBUG
  // The engine connects on creation. If that fails (server down, bad credentials), keep running and
  // answer each request with the error, as the native engine does, instead of dying without a word.
  const starting = wasmBindings.SchemaEngine.new({ datamodels: datamodels.length ? datamodels : undefined }, log, factory);
  starting.catch(() => {});

  let queue = Promise.resolve(); // one request at a time, like the native engine
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    const request = JSON.parse(line);
    if (!request.method) return; // the CLI's replies to our `print` requests
    queue = queue.then(async () => {
      try {
        const engine = await starting;
        const override = overrides[request.method];
        if (!override && typeof engine[request.method] !== "function") throw new Error(`Unsupported method: ${request.method}`);
        // Call as a method: detaching it from the engine loses its wasm pointer.
        const result = override ? await override(engine, request.params) : await engine[request.method](request.params);
        send({ id: request.id, result: result ?? {} });
      } catch (error) {
        const rpc = rpcError(error, factory);
        send({ id: request.id, error: rpc });
        if (rpc.data.is_panic) process.exit(101); // a panicked wasm instance is unusable
      }
    });
  });
  lines.on("close", () => queue.finally(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------

if (argv.includes("--version")) {
  await instantiateWasm();
  console.log(`schema-engine-wasm ${wasmBindings.version()}`);
} else if (argv.includes("cli")) {
  await runCliCommand(argv[argv.indexOf("cli") + 1]);
} else {
  await serve();
}
