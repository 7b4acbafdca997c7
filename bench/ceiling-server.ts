import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Queue } from "bullmq";
import { queueDefinition } from "../lib/jobs/catalog";
import { defaultJobOptions } from "../lib/jobs/queue-manager";
import { createRedis } from "../lib/redis";

/**
 * The enqueue ceiling: the least an HTTP endpoint can do per job — one BullMQ add, nothing else —
 * on the same kind of connection and with the same job options as the app's forecast queue, so
 * the app's figure can be read as a fraction of it. Run as its own process, like `next start`.
 *
 * Env: CEILING_PORT, CEILING_PREFIX, REDIS_URL (or REDIS_CLUSTER_NODES).
 */
const port = Number(process.env.CEILING_PORT ?? 3401);
const prefix = process.env.CEILING_PREFIX ?? "{capliquify-bench}:ceiling";

const queue = new Queue(queueDefinition("forecast").name, {
  connection: createRedis("producer"),
  prefix,
  defaultJobOptions: defaultJobOptions("forecast"),
});
queue.on("error", () => {});
await queue.waitUntilReady();

const server = createServer((request, response) => {
  if (request.method !== "POST") {
    response.writeHead(request.url === "/health" ? 200 : 405).end();
    return;
  }
  request.resume(); // drain the body so the connection can be reused
  request.on("end", () => {
    // Same job id scheme as the app (a UUID), so BullMQ does the same work per add.
    queue.add("x", { productId: "p", horizon: 30, models: ["all"] }, { jobId: randomUUID() }).then(
      (job) => {
        response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ jobId: job.id }));
      },
      (error: Error) => {
        response.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: error.message }));
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ msg: "ceiling listening", port, prefix })));

const stop = () => server.close(() => void queue.close().finally(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
