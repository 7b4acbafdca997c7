import { defineConfig } from "prisma/config";

// The CLI reads DATABASE_URL here; the app reads it through lib/env.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/capliquify" },
});
