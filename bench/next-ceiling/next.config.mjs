import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The Next ceiling of `npm run bench`: a Next app of one route handler that parses the body and
 * calls `queue.add`, nothing else. It lives here, outside the product's app/, so the product never
 * ships an unauthenticated enqueue route; the bench builds and starts it next to the app, with the
 * same Next version, the same production mode and the same externals.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ["bullmq", "ioredis", "pino"],
  poweredByHeader: false,
  // The route imports the app's own catalogue and Redis factory from the repository root.
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  typescript: { ignoreBuildErrors: true },
  distDir: ".next-bench",
};

export default nextConfig;
