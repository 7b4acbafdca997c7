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
  // Lets a benchmark or a second checkout build next to a running app without clobbering it.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
