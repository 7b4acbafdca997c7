/**
 * Content-Security-Policy of every response: pages, API JSON and the embedded bull-board alike.
 * Scripts: 'self' plus 'unsafe-inline', because the App Router inlines its flight-data scripts
 * (`self.__next_f.push`) and a nonce would need the proxy on every page and dynamic rendering of
 * all of them; bull-board's own scripts are files under /admin/queues/static. Styles: inline too
 * (React style attributes, recharts, bull-board's theme variables). Images: data: for bull-board's
 * inlined logo and favicon. `next dev` needs eval for React's debugging features. Workers: only
 * same-origin files (the push service worker).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // Only the push service worker, public/sw.js: said outright rather than left to the script-src fallback.
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Sent with every response; the integration of each is checked by e2e/security-headers.api.spec.ts. */
export const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  // API JSON and bull-board's files are never to be sniffed into HTML or script.
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Older browsers that do not know frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
];

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
    // One copy of the metrics registry and of the OpenTelemetry API for every route and for
    // instrumentation.ts (Next itself requires @opentelemetry/api from node_modules).
    "prom-client",
    "bullmq-otel",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
  ],
  poweredByHeader: false,
  async headers() {
    // "/(.*)" rather than "/:path*": a source with a named parameter makes Next compile every
    // header value holding a ":" (the CSP's "data:") through path-to-regexp on every request, about
    // 35 µs each time; unnamed groups are dropped, so the values are sent as they are.
    return [
      { source: "/(.*)", headers: SECURITY_HEADERS },
      // A browser checks for a new service worker on navigation; a cached copy would keep an old one running.
      { source: "/sw.js", headers: [{ key: "Cache-Control", value: "no-cache, no-store, must-revalidate" }] },
    ];
  },
  // forbidden() answers planners on admin pages with a real 403 and app/forbidden.tsx.
  // NEXT_SERVER_MINIFY=0 keeps function names in the server bundles, for a readable CPU profile
  // (`BENCH_PARTS=web-profile npm run bench`); production builds are minified.
  experimental: { authInterrupts: true, serverMinification: process.env.NEXT_SERVER_MINIFY !== "0" },
  // Type errors are caught by `npm run typecheck` (part of `npm test`) over the whole project,
  // tests included; the build itself should not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
  // Lets a benchmark or a second checkout build next to a running app without clobbering it.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
