/** @type {import('next').NextConfig} */
const nextConfig = {
  // Node-only clients stay out of the bundle: they hold sockets and native-ish deps.
  serverExternalPackages: [
    "bullmq",
    "ioredis",
    "pg",
    "pino",
    "@prisma/adapter-pg",
    "@bull-board/api",
    "@bull-board/ui",
    "@bull-board/hono",
  ],
  poweredByHeader: false,
  // forbidden() answers planners on admin pages with a real 403 and app/forbidden.tsx.
  experimental: { authInterrupts: true },
  // Type errors are caught by `npm run typecheck` (part of `npm test`) over the whole project,
  // tests included; the build itself should not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
  // Lets a benchmark or a second checkout build next to a running app without clobbering it.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
