import type { Db } from "../db";
import { organizationIdSchema, type QueueDefinition, type Role } from "./catalog";
import { findProduct } from "../products/product-queries";

/** What an enqueue request refers to that the payload schema alone cannot judge. */
export interface PayloadIssue {
  path: PropertyKey[];
  message: string;
}

export type ScopeFailure = { ok: false; code: "forbidden"; message: string } | { ok: false; code: "invalid-payload"; issues: PayloadIssue[] };

export type JobScope = { ok: true; organizationId: string; payload: unknown } | ScopeFailure;

export interface Caller {
  id: string;
  role: Role;
  organizationId: string;
}

const DEFAULT_ORGANIZATION_PATH = ["organizationId"] as const;

/**
 * Which organisation a job works for, and whether the users and organisation its data names are
 * ones the caller may name. The organisation is the caller's unless an admin names another (or,
 * for a job addressed to a user, the recipient's); a planner may name only their own organisation
 * and, as `userId`, only themselves. Returns the payload with the organisation filled in where the
 * queue keeps it in its data.
 */
export async function resolveJobScope(
  definition: QueueDefinition,
  raw: unknown,
  payload: unknown,
  caller: Caller,
  { db }: { db: Db },
): Promise<JobScope> {
  const organizationPath = definition.organizationPath ?? DEFAULT_ORGANIZATION_PATH;
  const named = await namedOrganization(valueAt(raw, organizationPath), organizationPath, caller, db);
  if (!named.ok) return named;
  let organizationId = named.organizationId ?? caller.organizationId;

  // A run about a product works for the product's organisation. A planner may name their own
  // organisation's products only: another's is refused as unknown, confirming nothing about it.
  // An admin operates every organisation, so the run (its results, its events) is the product's,
  // unless the data names another organisation, which the product then has to belong to.
  // An id matching no product at all is let through: the worker fails that run with the reason.
  const subject = definition.subject;
  if (subject?.kind === "product") {
    const productId = subject.id(payload);
    const product = productId ? await findProduct(productId, {}, { db }) : null;
    if (product && product.organizationId !== organizationId) {
      const path = subject.field ? [subject.field] : [];
      if (caller.role !== "ADMIN") return { ok: false, code: "invalid-payload", issues: [{ path, message: `no product with id "${productId}"` }] };
      if (named.organizationId !== undefined) {
        return { ok: false, code: "invalid-payload", issues: [{ path, message: `product "${productId}" belongs to another organisation than the one the data names` }] };
      }
      organizationId = product.organizationId;
    }
  }

  const userId = (payload as { userId?: unknown }).userId;
  if (typeof userId === "string" && definition.payloadUser) {
    const mayNameAnyone = caller.role === "ADMIN";
    if (definition.payloadUser === "caller" && userId !== caller.id) {
      if (!mayNameAnyone) {
        return { ok: false, code: "forbidden", message: "userId must be your own user id: a job always runs as the caller (leave userId out)" };
      }
      const user = await db.user.findUnique({ where: { id: userId }, select: { organizationId: true } });
      if (user?.organizationId !== organizationId) return noSuchUser("no such user in the organisation");
    }
    if (definition.payloadUser === "recipient") {
      const user = await db.user.findUnique({ where: { id: userId }, select: { organizationId: true } });
      if (!user) return noSuchUser("no such user");
      const required = named.organizationId ?? (mayNameAnyone ? undefined : caller.organizationId);
      if (required !== undefined && user.organizationId !== required) return noSuchUser("no such user in the organisation");
      organizationId = user.organizationId;
    }
  }

  const filled = definition.organizationPath ? withValueAt(payload, definition.organizationPath, organizationId) : payload;
  return { ok: true, organizationId, payload: filled };
}

async function namedOrganization(
  value: unknown,
  path: readonly string[],
  caller: Caller,
  db: Db,
): Promise<{ ok: true; organizationId?: string } | ScopeFailure> {
  if (value === undefined) return { ok: true };
  const parsed = organizationIdSchema.safeParse(value);
  if (!parsed.success) return { ok: false, code: "invalid-payload", issues: parsed.error.issues.map((issue) => ({ path: [...path], message: issue.message })) };
  const organizationId = parsed.data;
  if (organizationId === caller.organizationId) return { ok: true, organizationId };
  if (caller.role !== "ADMIN") {
    return { ok: false, code: "forbidden", message: `${path.join(".")} must be your own organisation: jobs work for the caller's organisation` };
  }
  const exists = await db.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
  if (!exists) return { ok: false, code: "invalid-payload", issues: [{ path: [...path], message: "no such organisation" }] };
  return { ok: true, organizationId };
}

function noSuchUser(message: string): ScopeFailure {
  return { ok: false, code: "invalid-payload", issues: [{ path: ["userId"], message }] };
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function withValueAt(value: unknown, path: readonly string[], leaf: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return leaf;
  const object = (value ?? {}) as Record<string, unknown>;
  return { ...object, [key]: withValueAt(object[key], rest, leaf) };
}
