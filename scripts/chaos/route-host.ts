// The API route handlers the chaos load calls, served by node:http instead of `next start`: the
// same modules (route wrapper, auth, validation, enqueue, error mapping), without a Next build,
// which costs minutes of CPU on a loaded 2-core machine. The integration tests use it; `npm run
// chaos` uses `next start` unless CHAOS_WEB=routes. Run as a child: `node --import tsx
// scripts/chaos/route-host.ts`, with PORT and the app's env.
import { createServer } from "node:http";
import { Readable } from "node:stream";
import * as forecasts from "../../app/api/v1/forecasts/route";
import * as health from "../../app/api/v1/health/route";
import * as queueJob from "../../app/api/v1/queues/[queueKey]/jobs/[jobId]/route";
import * as queueJobs from "../../app/api/v1/queues/[queueKey]/jobs/route";
import * as queues from "../../app/api/v1/queues/route";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST", Handler>>;

/** Path patterns as the App Router's folders name them; `:name` is a dynamic segment. */
const ROUTES: [string, RouteModule][] = [
  ["/api/v1/health", health],
  ["/api/v1/forecasts", forecasts],
  ["/api/v1/queues", queues],
  ["/api/v1/queues/:queueKey/jobs", queueJobs],
  ["/api/v1/queues/:queueKey/jobs/:jobId", queueJob],
];

function match(pathname: string): { module: RouteModule; params: Record<string, string> } | null {
  const segments = pathname.split("/").filter(Boolean);
  for (const [pattern, module] of ROUTES) {
    const parts = pattern.split("/").filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (parts.every((part, index) => (part.startsWith(":") ? ((params[part.slice(1)] = decodeURIComponent(segments[index]!)), true) : part === segments[index]))) {
      return { module, params };
    }
  }
  return null;
}

const port = Number(process.env.PORT ?? 3322);
const server = createServer(async (incoming, outgoing) => {
  const url = new URL(incoming.url ?? "/", `http://127.0.0.1:${port}`);
  const found = match(url.pathname);
  const handler = found?.module[incoming.method as "GET" | "POST"];
  if (!found || !handler) {
    outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not-found", message: "Not found", details: [] } }));
    return;
  }
  const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
  const request = new Request(url, {
    method: incoming.method,
    headers: Object.entries(incoming.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)] as [string, string]])),
    body: hasBody ? (Readable.toWeb(incoming) as ReadableStream) : undefined,
    duplex: "half",
  } as RequestInit);
  const response = await handler(request, { params: Promise.resolve(found.params) });
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(port, "127.0.0.1", () => console.log(`route host listening on ${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
