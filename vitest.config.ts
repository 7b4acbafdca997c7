import { defineConfig } from "vitest/config";
import path from "node:path";
import { clusterNodesEnv } from "./tests/helpers/redis-cluster";

/** Tests that run the app against a private Redis Cluster, which their project's global setup starts and stops. */
const CLUSTER_TESTS = "tests/cluster/**/*.test.ts";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
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
    projects: [
      {
        extends: true,
        test: { name: "app", include: ["tests/**/*.test.ts"], exclude: [CLUSTER_TESTS], globalSetup: ["tests/global-setup.ts"] },
      },
      {
        // The same app code with REDIS_CLUSTER_NODES set: every client it builds is a cluster client.
        extends: true,
        test: {
          name: "redis-cluster",
          include: [CLUSTER_TESTS],
          globalSetup: ["tests/global-setup.ts", "tests/cluster/global-setup.ts"],
          env: { REDIS_CLUSTER_NODES: clusterNodesEnv() },
        },
      },
    ],
  },
});
