import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { testPrefix, removePrefix } from "./helpers/redis";

// Each test file gets its own Redis key prefix, so queues, events and heartbeats of one file never
// meet another's. Set before any module reads the environment.
const prefix = testPrefix();
process.env.REDIS_PREFIX = prefix;
// And its own export directory, removed at the end, so no test writes into the checkout.
const exportDir = path.join(tmpdir(), `capliquify-exports-${prefix.replace(/[^\w-]/g, "")}`);
process.env.EXPORT_DIR = exportDir;
// The same for uploads.
const uploadDir = path.join(tmpdir(), `capliquify-uploads-${prefix.replace(/[^\w-]/g, "")}`);
process.env.UPLOAD_DIR = uploadDir;

afterAll(async () => {
  const globals = globalThis as Record<string, unknown> & {
    __capliquifyQueues?: { close(): Promise<void> };
    __capliquifyHub?: { close(): Promise<void> };
  };
  await globals.__capliquifyHub?.close();
  await globals.__capliquifyQueues?.close();
  delete globals.__capliquifyHub;
  delete globals.__capliquifyQueues;
  const { closeSharedRedis } = await import("@/lib/redis");
  const { closeDb } = await import("@/lib/db");
  await Promise.all([closeSharedRedis(), closeDb()]);
  await removePrefix(prefix);
  rmSync(exportDir, { recursive: true, force: true });
  rmSync(uploadDir, { recursive: true, force: true });
});
