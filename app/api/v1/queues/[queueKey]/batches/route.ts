import { apiRoute } from "@/lib/api/handler";
import { batchCreated, batchError, batchLaunchSchema } from "@/lib/api/batch-response";
import { queueParams } from "@/lib/api/params";
import { enqueueBatch } from "@/lib/jobs/batches";

export const dynamic = "force-dynamic";

// POST /api/v1/queues/:queueKey/batches — run a queue's job for many products as one batch (a flow: one parent, one child per product)
export const POST = apiRoute(
  {
    auth: "user",
    redis: true,
    params: queueParams,
    body: batchLaunchSchema,
    doc: {
      summary: "Run a queue's job for many products at once, as one batch",
      tag: "batches",
      description:
        "The multi-product form of a queue whose runs are about a product (forecast, optimization): `scope` is `{ productIds }`, `{ category }` or `{ all: true }` within the caller's organisation, `data` the job data every child shares (e.g. `{ constraints: { serviceLevel: 0.95 } }`). One parent job and one child per product are added at once; the parent rolls the children's results up once all have finished, failed children included. Follow it at `GET /api/v1/batches/:id`.",
      responses: { 201: "Batch added: `{ batchId, queue, children, href }`" },
      errors: {
        "not-found": "The queue does not run in batches.",
        forbidden: "The caller's role may not launch this queue's jobs, or names another organisation.",
        "unprocessable-entity": "A named product is not the organisation's, the scope holds no products, or the data is not valid for the queue.",
      },
    },
  },
  async ({ params, body, principal }) => {
    const result = await enqueueBatch({ queue: params.queueKey, scope: body.scope, data: body.data, priority: body.priority, organizationId: body.organizationId, owner: principal });
    if (!result.ok) throw batchError(result);
    return batchCreated(result);
  },
);
