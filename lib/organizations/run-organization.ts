import type { Principal } from "../auth/principal";
import type { Db } from "../db";
import { db as defaultDb } from "../db";
import { queueDefinition, type QueueKey } from "../jobs/catalog";
import { findProduct } from "../products/product-queries";

export type RunOrganization = { ok: true; organizationId: string } | { ok: false; code: "unknown-product"; productId: string };

/**
 * The organisation a new run works for. A run about a product works for the product's
 * organisation: a planner may name products of their own organisation only (another's is
 * refused as unknown, so nothing about it is confirmed), and an admin, who operates the platform
 * for every organisation, may launch for any product, the run, its results and its events then
 * belonging to that product's organisation. Every other run works for `fallback`: the caller's
 * organisation unless the caller says otherwise (a duplicate works for its original's).
 *
 * A product id that matches no product at all is let through as before: the worker fails such a
 * run with a clear reason, and the ledger keeps it.
 */
export async function runOrganization(
  queue: QueueKey,
  data: unknown,
  principal: Pick<Principal, "role" | "organizationId">,
  { fallback = principal.organizationId, db = defaultDb() }: { fallback?: string; db?: Db } = {},
): Promise<RunOrganization> {
  const definition = queueDefinition(queue);
  if (definition.subject?.kind !== "product") return { ok: true, organizationId: fallback };
  // An invalid payload is reported by the enqueue, field by field; nothing to look up here.
  const parsed = definition.payload.safeParse(data);
  const productId = parsed.success ? definition.subject.id(parsed.data) : undefined;
  if (!productId) return { ok: true, organizationId: fallback };
  const product = await findProduct(productId, {}, { db });
  if (!product) return { ok: true, organizationId: fallback };
  if (principal.role !== "ADMIN" && product.organizationId !== principal.organizationId) return { ok: false, code: "unknown-product", productId };
  return { ok: true, organizationId: product.organizationId };
}
