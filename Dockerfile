# syntax=docker/dockerfile:1
# One image for the web app and the worker; they differ only in their command (see docker-compose.yml):
#   web      next start                        (the default CMD, port 3000)
#   worker   node dist/worker/main.js          (add --queues=forecast to serve a subset)
#   migrate  node scripts/prisma.mjs migrate deploy
#   seed     npm run db:seed                   (demo data; idempotent)
# Build: docker build -t capliquify-jobs .

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# openssl: Prisma's native schema engine (downloaded on install when the build has internet access;
# without it scripts/prisma.mjs falls back to the WebAssembly engine).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# What `npm ci` needs, postinstall (Prisma client generation) included.
FROM base AS manifests
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma/schema.prisma prisma/schema.prisma
COPY scripts/prisma.mjs scripts/prisma.mjs
COPY scripts/prisma-engine scripts/prisma-engine

# Every dependency, for the build.
FROM manifests AS deps
RUN npm ci --no-audit --no-fund

# Production dependencies only: what the runtime image ships.
FROM manifests AS runtime-deps
RUN NODE_ENV=production npm ci --no-audit --no-fund

# next build + the worker bundle (dist/worker).
FROM base AS build
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=deps /app/lib/generated ./lib/generated
RUN npm run build && rm -rf .next/cache

FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    UPLOAD_DIR=/app/data/uploads \
    EXPORT_DIR=/app/data/exports
# Sources stay in the image: migrations, the Prisma config and the one-shot TypeScript commands
# (db:seed, api-key:create, workers:restart run through tsx) need them. Owned by root, so the
# app cannot rewrite its own code.
COPY . .
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=runtime-deps /app/lib/generated ./lib/generated
COPY --from=build /app/dist ./dist
# What the app writes: Next's caches (.next/cache, and pages it regenerates), uploads (a volume
# shared by web and worker), the Prisma CLI's config cache (jiti, in node_modules/.cache).
COPY --from=build --chown=node:node /app/.next ./.next
RUN mkdir -p data/uploads node_modules/.cache && chown -R node:node data node_modules/.cache
USER node
EXPOSE 3000
VOLUME ["/app/data"]
CMD ["node_modules/.bin/next", "start", "-H", "0.0.0.0"]
