import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

/**
 * A local fake of the Shopify Admin REST API (orders, locations, inventory levels and items), for
 * the integration tests, the sync bench and the `npm run up` demo. It is a separate program, not a
 * code path of the product: the connector talks to it over HTTP exactly as it talks to a shop.
 * What it reproduces, from Shopify's documentation (see scripts/fakes/README.md):
 * - `X-Shopify-Access-Token`; a wrong one answers 401.
 * - The leaky bucket (40 requests, leaking 2/s by default) with `X-Shopify-Shop-Api-Call-Limit` on
 *   every answer and 429 + `Retry-After` in seconds ("2.0" or "1") when it is full.
 * - Cursor pagination: an opaque, signed `page_info` in the `Link` header (`rel="next"`,
 *   `rel="previous"`), none on the last page; with `page_info` only `limit` and `fields` may be sent.
 * - `updated_at_min` with `order=updated_at asc`, and records that change between pages.
 * - Occasional 503s, and signed, duplicated webhooks.
 */

export interface FakeShopifyOptions {
  /** The token a request must send. */
  accessToken: string;
  shopName?: string;
  /** @defaultValue 40 (Standard; Plus has 400) */
  bucketSize?: number;
  /** @defaultValue 2 requests/s (Standard; Plus 20) */
  leakPerSecond?: number;
  /** Share of requests answered 503 at random. @defaultValue 0 */
  unavailableRate?: number;
  /** Orders touched (updated_at set to now, a quantity changed) after each orders page served. @defaultValue 0 */
  changesBetweenPages?: number;
  /** The shop's UTC offset, in which timestamps are written. @defaultValue "-05:00" */
  utcOffset?: string;
  /** Seed of the fake's randomness, so a test's 503s and changes are the same every run. @defaultValue 1 */
  seed?: number;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
}

export interface FakeLineItem {
  id: number;
  sku: string | null;
  quantity: number;
}

export interface FakeOrder {
  id: number;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  lineItems: FakeLineItem[];
}

export interface FakeRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The bucket's level after this request. */
  bucket: number;
}

export const API_VERSION = "2024-10";
const MAX_LIMIT = 250;

export class FakeShopify {
  readonly options: Required<FakeShopifyOptions>;
  /** Every request, in order: what tests and the bench count. */
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;
  private url = "";
  /** Orders sorted by (updatedAt, id): the order `updated_at asc` pages walk. */
  private orders: FakeOrder[] = [];
  private ordersById = new Map<number, FakeOrder>();
  private locations: { id: number; name: string }[] = [];
  private items: { id: number; sku: string }[] = [];
  private levels = new Map<string, { available: number; updatedAt: Date }>();
  private nextId = 1_000;
  private bucket = { level: 0, at: Date.now() };
  private random: () => number;
  private readonly cursorKey = randomBytes(16);
  /** Statuses to answer the next requests with, before anything else (a test's scripted failures). */
  private scripted: { status: number; retryAfter?: string }[] = [];

  constructor(options: FakeShopifyOptions) {
    this.options = {
      shopName: "Demo shop",
      bucketSize: 40,
      leakPerSecond: 2,
      unavailableRate: 0,
      changesBetweenPages: 0,
      utcOffset: "-05:00",
      seed: 1,
      host: "127.0.0.1",
      port: 0,
      ...options,
    };
    this.random = mulberry32(this.options.seed);
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errors: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.options.port, this.options.host, resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${this.options.host}:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  get baseUrl(): string {
    return this.url;
  }

  // ── data ────────────────────────────────────────────────────────────────────────────────────

  addOrder(input: { createdAt?: Date; updatedAt?: Date; lines: { sku: string | null; quantity: number }[] }): FakeOrder {
    const createdAt = secondOf(input.createdAt ?? new Date());
    const order: FakeOrder = {
      id: this.nextId++,
      createdAt,
      updatedAt: secondOf(input.updatedAt ?? createdAt),
      cancelledAt: null,
      lineItems: input.lines.map((line) => ({ id: this.nextId++, sku: line.sku, quantity: line.quantity })),
    };
    this.ordersById.set(order.id, order);
    this.insertSorted(order);
    return order;
  }

  /** Changes an order as a merchant would (updated_at moves to now, or to `at`). */
  updateOrder(id: number, change: { quantities?: Record<string, number>; cancel?: boolean; at?: Date }): FakeOrder {
    const order = this.ordersById.get(id);
    if (!order) throw new Error(`no order ${id}`);
    this.orders.splice(this.orders.indexOf(order), 1);
    for (const line of order.lineItems) {
      const quantity = line.sku === null ? undefined : change.quantities?.[line.sku];
      if (quantity !== undefined) line.quantity = quantity;
    }
    if (change.cancel) order.cancelledAt = secondOf(change.at ?? new Date());
    order.updatedAt = secondOf(change.at ?? new Date());
    this.insertSorted(order);
    return order;
  }

  get allOrders(): readonly FakeOrder[] {
    return this.orders;
  }

  /** Sets the units available of a SKU at a location (both created when new). */
  setInventory(sku: string, locationName: string, available: number): void {
    let location = this.locations.find((candidate) => candidate.name === locationName);
    if (!location) {
      location = { id: this.nextId++, name: locationName };
      this.locations.push(location);
    }
    let item = this.items.find((candidate) => candidate.sku === sku);
    if (!item) {
      item = { id: this.nextId++, sku };
      this.items.push(item);
    }
    this.levels.set(`${location.id}:${item.id}`, { available, updatedAt: secondOf(new Date()) });
  }

  /** The next `count` requests are answered with `status` (e.g. 503, or 429 with its Retry-After). */
  failNext(status: number, count = 1, retryAfter?: string): void {
    for (let index = 0; index < count; index++) this.scripted.push({ status, retryAfter });
  }

  /** Sets the valid token (a merchant rotated it: requests with the old one now get 401). */
  rotateToken(token: string): void {
    this.options.accessToken = token;
  }

  // ── webhooks ────────────────────────────────────────────────────────────────────────────────

  /**
   * Delivers a webhook as Shopify does: the body signed with the app's secret (base64
   * HMAC-SHA256 in `X-Shopify-Hmac-SHA256`), `deliveries` times with the same
   * `X-Shopify-Webhook-Id` (a retried delivery). Returns each delivery's HTTP status.
   */
  async sendWebhook(url: string, input: { topic: string; payload: unknown; secret: string; webhookId?: string; deliveries?: number; signature?: string }): Promise<number[]> {
    const body = JSON.stringify(input.payload);
    const webhookId = input.webhookId ?? randomUUID();
    const statuses: number[] = [];
    for (let index = 0; index < (input.deliveries ?? 1); index++) {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": input.topic,
          "x-shopify-hmac-sha256": input.signature ?? signWebhook(body, input.secret),
          "x-shopify-shop-domain": new URL(this.url || "http://demo.myshopify.com").host,
          "x-shopify-webhook-id": webhookId,
          "x-shopify-triggered-at": new Date().toISOString(),
          "x-shopify-api-version": API_VERSION,
        },
        body,
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    return statuses;
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const bucket = this.bucketLevel();
      this.requests.push({ at: Date.now(), method: request.method ?? "GET", path, query, status, bucket });
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-shopify-shop-api-call-limit": `${Math.ceil(bucket)}/${this.options.bucketSize}`, ...headers });
      response.end(JSON.stringify(body));
    };

    const match = /^\/admin\/api\/([^/]+)\/([a-z_]+)\.json$/.exec(path);
    if (!match || request.method !== "GET") return answer(404, { errors: "Not Found" });
    if (request.headers["x-shopify-access-token"] !== this.options.accessToken) {
      return answer(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    // The bucket is checked before anything else: a throttled request does no work and does not fill it.
    if (this.bucketLevel() + 1 > this.options.bucketSize) {
      return answer(429, { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, { "retry-after": this.retryAfter() });
    }
    const scripted = this.scripted.shift();
    if (scripted) return answer(scripted.status, { errors: `scripted ${scripted.status}` }, scripted.retryAfter ? { "retry-after": scripted.retryAfter } : {});
    this.bucket.level += 1;
    if (this.random() < this.options.unavailableRate) return answer(503, { errors: "Service Unavailable" });

    switch (match[2]) {
      case "shop":
        return answer(200, { shop: { id: 1, name: this.options.shopName, domain: new URL(this.url).host, iana_timezone: "America/New_York" } });
      case "orders":
        return this.ordersPage(match[1]!, query, answer);
      case "locations":
        return answer(200, { locations: this.locations.map((location) => ({ id: location.id, name: location.name, active: true })) });
      case "inventory_levels":
        return this.levelsPage(match[1]!, query, answer);
      case "inventory_items": {
        const ids = (query.ids ?? "").split(",").filter(Boolean).map(Number);
        if (ids.length === 0 || ids.length > 100) return answer(400, { errors: { ids: "must name 1 to 100 ids" } });
        return answer(200, { inventory_items: this.items.filter((item) => ids.includes(item.id)).map((item) => ({ id: item.id, sku: item.sku, tracked: true })) });
      }
      default:
        return answer(404, { errors: "Not Found" });
    }
  }

  private ordersPage(version: string, query: Record<string, string>, answer: Answer) {
    const page = this.readPage(query, answer, ["status", "updated_at_min", "order"]);
    if (!page) return;
    const filters = page.filters;
    if (filters.order !== undefined && filters.order !== "updated_at asc") return answer(400, { errors: { order: "this fake sorts by updated_at asc only" } });
    const since = filters.updated_at_min ? Date.parse(filters.updated_at_min) : undefined;
    if (since !== undefined && Number.isNaN(since)) return answer(400, { errors: { updated_at_min: "is not a date" } });
    const after = page.after as [number, number] | undefined;
    const from = after ? this.firstAfter(after[0], after[1]) : since !== undefined ? this.firstAfter(since, -1) : 0;
    const slice = this.orders.slice(from, from + page.limit);
    const last = slice.at(-1);
    const next = last !== undefined && from + page.limit < this.orders.length ? [last.updatedAt.getTime(), last.id] : undefined;
    const body = { orders: slice.map((order) => this.orderJson(order)) };
    // Merchants keep working while a client pages: touched orders move to the end of the walk.
    for (let index = 0; index < this.options.changesBetweenPages && this.orders.length > 0; index++) {
      const order = this.orders[Math.floor(this.random() * this.orders.length)]!;
      const line = order.lineItems[0];
      this.updateOrder(order.id, line?.sku ? { quantities: { [line.sku]: line.quantity + 1 } } : {});
    }
    answer(200, body, this.linkHeader(version, "orders", page.limit, filters, next, after !== undefined));
  }

  private levelsPage(version: string, query: Record<string, string>, answer: Answer) {
    const page = this.readPage(query, answer, ["location_ids", "inventory_item_ids", "updated_at_min"]);
    if (!page) return;
    const locationIds = (page.filters.location_ids ?? "").split(",").filter(Boolean).map(Number);
    if (locationIds.length === 0) return answer(422, { errors: { base: ["location_ids or inventory_item_ids is required"] } });
    const rows = [...this.levels.entries()]
      .map(([key, level]) => {
        const [locationId, itemId] = key.split(":").map(Number) as [number, number];
        return { locationId, itemId, ...level };
      })
      .filter((row) => locationIds.includes(row.locationId))
      .sort((a, b) => a.locationId - b.locationId || a.itemId - b.itemId);
    const after = page.after as [number, number] | undefined;
    const from = after ? rows.findIndex((row) => row.locationId > after[0] || (row.locationId === after[0] && row.itemId > after[1])) : 0;
    const slice = from < 0 ? [] : rows.slice(from, from + page.limit);
    const last = slice.at(-1);
    const more = last !== undefined && from + page.limit < rows.length;
    answer(
      200,
      { inventory_levels: slice.map((row) => ({ inventory_item_id: row.itemId, location_id: row.locationId, available: row.available, updated_at: this.timestamp(row.updatedAt) })) },
      this.linkHeader(version, "inventory_levels", page.limit, page.filters, more ? [last.locationId, last.itemId] : undefined, after !== undefined),
    );
  }

  /** The page's filters and position: from `page_info` when given (then only limit may be sent too), else from the query. */
  private readPage(query: Record<string, string>, answer: Answer, filterNames: string[]): { limit: number; filters: Record<string, string>; after?: unknown } | undefined {
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      answer(400, { errors: { limit: `must be between 1 and ${MAX_LIMIT}` } });
      return undefined;
    }
    if (query.page_info === undefined) return { limit, filters: Object.fromEntries(filterNames.flatMap((name) => (query[name] === undefined ? [] : [[name, query[name]!]]))) };
    const extra = Object.keys(query).filter((name) => name !== "page_info" && name !== "limit" && name !== "fields");
    if (extra.length > 0) {
      answer(400, { errors: { page_info: `page_info cannot be combined with ${extra.join(", ")}` } });
      return undefined;
    }
    const cursor = this.openCursor(query.page_info);
    if (!cursor) {
      answer(400, { errors: { page_info: "Invalid value." } });
      return undefined;
    }
    return { limit, filters: cursor.filters, after: cursor.after };
  }

  private linkHeader(version: string, resource: string, limit: number, filters: Record<string, string>, next: unknown, hasPrevious: boolean): Record<string, string> {
    const link = (info: string, rel: string) => `<${this.url}/admin/api/${version}/${resource}.json?limit=${limit}&page_info=${info}>; rel="${rel}"`;
    const parts: string[] = [];
    // The previous link only has to exist (clients must not need it); it points back to the start.
    if (hasPrevious) parts.push(link(this.sealCursor({ filters }), "previous"));
    if (next !== undefined) parts.push(link(this.sealCursor({ filters, after: next }), "next"));
    return parts.length > 0 ? { link: parts.join(", ") } : {};
  }

  private sealCursor(value: { filters: Record<string, string>; after?: unknown }): string {
    const body = Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${body}.${createHmac("sha256", this.cursorKey).update(body).digest("base64url").slice(0, 16)}`;
  }

  private openCursor(info: string): { filters: Record<string, string>; after?: unknown } | undefined {
    const [body, tag] = info.split(".");
    if (!body || !tag) return undefined;
    const expected = createHmac("sha256", this.cursorKey).update(body).digest("base64url").slice(0, 16);
    if (tag.length !== expected.length || !timingSafeEqual(Buffer.from(tag), Buffer.from(expected))) return undefined;
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  }

  private orderJson(order: FakeOrder) {
    return {
      id: order.id,
      name: `#${order.id}`,
      created_at: this.timestamp(order.createdAt),
      updated_at: this.timestamp(order.updatedAt),
      cancelled_at: order.cancelledAt ? this.timestamp(order.cancelledAt) : null,
      financial_status: "paid",
      line_items: order.lineItems.map((line) => ({ id: line.id, sku: line.sku, quantity: line.quantity, current_quantity: order.cancelledAt ? 0 : line.quantity })),
    };
  }

  /** ISO 8601 in the shop's offset, to the second, as Shopify writes it ("2024-01-05T10:00:00-05:00"). */
  private timestamp(date: Date): string {
    const sign = this.options.utcOffset.startsWith("-") ? -1 : 1;
    const [hours, minutes] = this.options.utcOffset.slice(1).split(":").map(Number) as [number, number];
    const local = new Date(date.getTime() + sign * (hours * 60 + minutes) * 60_000);
    return `${local.toISOString().slice(0, 19)}${this.options.utcOffset}`;
  }

  private bucketLevel(): number {
    const now = Date.now();
    this.bucket.level = Math.max(0, this.bucket.level - ((now - this.bucket.at) / 1000) * this.options.leakPerSecond);
    this.bucket.at = now;
    return this.bucket.level;
  }

  /** Seconds until a request fits again, rounded up; written "2.0" or "2" in turn, as both occur. */
  private retryAfter(): string {
    const seconds = Math.max(1, Math.ceil((this.bucketLevel() + 1 - this.options.bucketSize) / this.options.leakPerSecond));
    return this.requests.length % 2 === 0 ? `${seconds}.0` : String(seconds);
  }

  private insertSorted(order: FakeOrder): void {
    this.orders.splice(this.firstAfter(order.updatedAt.getTime(), order.id - 1), 0, order);
  }

  /** Index of the first order after (updatedAt, id) in the walk's order. */
  private firstAfter(updatedAt: number, id: number): number {
    let low = 0;
    let high = this.orders.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const order = this.orders[middle]!;
      const time = order.updatedAt.getTime();
      if (time < updatedAt || (time === updatedAt && order.id <= id)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** Shopify timestamps have whole seconds. */
function secondOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Fills a fake with a demo shop's history: `days` days of orders over `skus` (a few lines each,
 * more on weekdays), and stock of every SKU at each of `locations`.
 */
export function seedDemoShop(fake: FakeShopify, input: { skus: readonly string[]; locations: readonly string[]; days?: number; ordersPerDay?: number; unknownSkus?: readonly string[]; now?: Date }): void {
  const random = mulberry32(fake.options.seed + 7);
  const now = input.now ?? new Date();
  const days = input.days ?? 90;
  const catalogue = [...input.skus, ...(input.unknownSkus ?? [])];
  for (let day = days; day >= 1; day--) {
    const date = new Date(now.getTime() - day * 86_400_000);
    const weekday = date.getUTCDay() % 6 !== 0;
    const count = Math.round((input.ordersPerDay ?? 20) * (weekday ? 1.1 : 0.75));
    for (let index = 0; index < count; index++) {
      const createdAt = new Date(date.getTime() + Math.floor(random() * 86_000_000));
      const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ sku: catalogue[Math.floor(random() * catalogue.length)]!, quantity: 1 + Math.floor(random() * 4) }));
      fake.addOrder({ createdAt, lines });
    }
  }
  for (const location of input.locations) {
    for (const sku of input.skus) fake.setInventory(sku, location, Math.floor(random() * 400));
  }
}

/**
 * `tsx scripts/fakes/shopify.ts --port 41500 --token shpat_demo --skus A,B --locations "Main"`:
 * a demo shop on a port, until Ctrl-C.
 */
async function main(argv: string[]) {
  const arg = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const fake = new FakeShopify({
    accessToken: arg("token") ?? "shpat_demo_token",
    port: Number(arg("port") ?? 0),
    leakPerSecond: Number(arg("leak") ?? 2),
    unavailableRate: Number(arg("unavailable") ?? 0),
  });
  const url = await fake.start();
  seedDemoShop(fake, {
    skus: (arg("skus") ?? "DEMO-001,DEMO-002").split(","),
    locations: (arg("locations") ?? "Main warehouse").split(","),
    days: Number(arg("days") ?? 90),
    unknownSkus: arg("unknown-skus")?.split(","),
  });
  console.log(`Fake Shopify at ${url} (token ${fake.options.accessToken}, ${fake.allOrders.length} orders)`);
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) void main(process.argv.slice(2));
