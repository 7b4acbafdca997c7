import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup-file.ts"],
    // Integration tests share one Redis and one database; files run one at a time so queue
    // timing assertions are not skewed by a neighbour hogging the two cores.
    fileParallelism: false,
    testTimeout: 30_000,
    env: {
      NODE_ENV: "test",
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/capliquify_test",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      NEXTAUTH_SECRET: "test-secret-at-least-16-chars",
    },
    hookTimeout: 60_000,
  },
});
