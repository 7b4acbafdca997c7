import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { createApiKey } from "@/lib/auth/api-keys";
import type { Principal } from "@/lib/auth/principal";
import { hashPassword } from "@/lib/auth/passwords";
import { db } from "@/lib/db";
import { generateDailySales, demoProducts } from "@/lib/demo/sales-generator";

const SECRET = "test-secret-at-least-16-chars";

export interface TestUser {
  id: string;
  email: string;
  role: "ADMIN" | "PLANNER";
  organizationId: string;
  apiKey: string;
  /** Cookie header of a signed-in browser session. */
  cookie: string;
  /** The caller as the API sees it with this user's key, for calling services directly. */
  principal: Principal;
}

/** An organisation of its own, for tests that check what another organisation may not see. */
export async function createTestOrganization(name = "Test organisation"): Promise<{ id: string; slug: string; name: string }> {
  const slug = `test-${randomUUID().slice(0, 8)}`;
  return db().organization.create({ data: { slug, name: `${name} ${slug}` }, select: { id: true, slug: true, name: true } });
}

/**
 * The organisation that test users and products join unless a test names another: most tests are
 * about one organisation's work and need not care which.
 */
export const DEFAULT_TEST_ORGANIZATION = "org-test-default";

async function defaultTestOrganization(): Promise<string> {
  // ON CONFLICT rather than upsert: tests create users in parallel, and Prisma's upsert races.
  await db().$executeRaw`INSERT INTO "Organization" ("id", "slug", "name") VALUES (${DEFAULT_TEST_ORGANIZATION}, 'test-default', 'Default test organisation') ON CONFLICT DO NOTHING`;
  return DEFAULT_TEST_ORGANIZATION;
}

/** A user with an API key and a next-auth session cookie, as the browser would hold it. */
export async function createTestUser(role: "ADMIN" | "PLANNER", { organizationId }: { organizationId?: string } = {}): Promise<TestUser> {
  const email = `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@test.local`;
  const organization = organizationId ?? (await defaultTestOrganization());
  const user = await db().user.create({
    data: { email, name: `Test ${role}`, role, organizationId: organization, passwordHash: await hashPassword("password-123") },
  });
  const { key } = await createApiKey(user.id, "test");
  const token = await encode({ token: { sub: user.id, email, name: user.name, role, organizationId: organization, sessionId: randomUUID(), sessionVersion: 0 }, secret: SECRET });
  return {
    id: user.id,
    email,
    role,
    organizationId: organization,
    apiKey: key,
    cookie: `next-auth.session-token=${token}`,
    principal: { id: user.id, email, name: user.name, role, organizationId: organization, via: "api-key" },
  };
}

/** A product with `days` of generated daily sales ending 2026-10-31, in the default test organisation unless told otherwise. */
export async function createTestProduct(days = 730, seed = 7, { organizationId }: { organizationId?: string } = {}) {
  const [template] = demoProducts(1, seed);
  const organization = organizationId ?? (await defaultTestOrganization());
  const product = await db().product.create({
    data: {
      organizationId: organization,
      sku: `TST-${randomUUID().slice(0, 8)}`,
      name: template!.name,
      category: template!.category,
      unitCost: template!.unitCost,
    },
  });
  if (days > 0) {
    const end = new Date(Date.UTC(2026, 9, 31));
    const sales = generateDailySales(template!.profile, end, days, seed);
    await db().salesDaily.createMany({
      data: sales.map((row) => ({ organizationId: organization, productId: product.id, date: row.date, quantity: row.quantity })),
    });
  }
  return product;
}

/**
 * The product the documented job data names (DOCUMENTED_DATA's "p-1"), made a real product of the
 * default test organisation: an enqueue checks that a job's product exists. Safe to call from many
 * files at once.
 */
export async function createDocumentedProduct(): Promise<void> {
  const organization = await defaultTestOrganization();
  await db().$executeRaw`INSERT INTO "Product" ("id", "organizationId", "sku", "name", "category", "unitCost")
    VALUES ('p-1', ${organization}, 'DOC-P-1', 'Documented product', 'Fasteners', 1.25) ON CONFLICT DO NOTHING`;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  /** Path and query, e.g. "/api/v1/queues?x=1". */
  path?: string;
  params?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  auth?: { apiKey?: string; cookie?: string };
  headers?: Record<string, string>;
}

/** The Request a browser or script would send for these options. */
export function buildRequest(options: CallOptions = {}, signal?: AbortSignal): Request {
  const headers = new Headers({ host: "localhost:3000", ...options.headers });
  if (options.auth?.apiKey) headers.set("authorization", `Bearer ${options.auth.apiKey}`);
  if (options.auth?.cookie) headers.set("cookie", options.auth.cookie);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return new Request(`http://localhost:3000${options.path ?? "/"}`, { method: options.method ?? "GET", headers, body, signal });
}

/** Calls a route handler the way Next does: a Request plus a params promise. */
export async function call(handler: Handler, options: CallOptions = {}) {
  const response = await handler(buildRequest(options), { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}
