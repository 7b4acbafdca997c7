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
  apiKey: string;
  /** Cookie header of a signed-in browser session. */
  cookie: string;
  /** The caller as the API sees it with this user's key, for calling services directly. */
  principal: Principal;
}

/** A user with an API key and a next-auth session cookie, as the browser would hold it. */
export async function createTestUser(role: "ADMIN" | "PLANNER"): Promise<TestUser> {
  const email = `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@test.local`;
  const user = await db().user.create({
    data: { email, name: `Test ${role}`, role, passwordHash: await hashPassword("password-123") },
  });
  const { key } = await createApiKey(user.id, "test");
  const token = await encode({ token: { sub: user.id, email, name: user.name, role }, secret: SECRET });
  return {
    id: user.id,
    email,
    role,
    apiKey: key,
    cookie: `next-auth.session-token=${token}`,
    principal: { id: user.id, email, name: user.name, role, via: "api-key" },
  };
}

/** A product with `days` of generated daily sales ending yesterday. */
export async function createTestProduct(days = 730, seed = 7) {
  const [template] = demoProducts(1, seed);
  const product = await db().product.create({
    data: { sku: `TST-${randomUUID().slice(0, 8)}`, name: template!.name, category: template!.category, unitCost: template!.unitCost },
  });
  if (days > 0) {
    const end = new Date(Date.UTC(2026, 9, 31));
    const sales = generateDailySales(template!.profile, end, days, seed);
    await db().salesDaily.createMany({ data: sales.map((row) => ({ productId: product.id, date: row.date, quantity: row.quantity })) });
  }
  return product;
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
  if (body !== undefined) headers.set("content-type", "application/json");
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
