import { z } from "zod";
import { ProviderRequestError, type Connector, type ExternalInventoryLevel, type ExternalOrder, type Page } from "../connector";
import { ProviderClient, type ProviderClientOptions } from "../provider-client";
import type { RateLimiter } from "../rate-limiter";

/**
 * Shopify Admin REST API (2024-10): orders by `updated_at asc` from `updated_at_min`, inventory
 * levels of every location with their items' SKUs, and the shop for the connection check. Pages
 * follow the opaque `page_info` of the `Link` header, used as given (with only `limit` beside it,
 * as Shopify requires). The standard plan's bucket: 40 requests, leaking 2/s.
 */
export const SHOPIFY_API_VERSION = "2024-10";
export const SHOPIFY_BUCKET = { capacity: 40, leakPerSecond: 2 } as const;
const MAX_PAGE = 250;
/** inventory_items.json takes at most 100 ids per call. */
const ITEMS_PER_CALL = 100;

export interface ShopifyConfig {
  baseUrl: string;
  accessToken: string;
  /** Records per page. @defaultValue 250 (Shopify's maximum) */
  pageSize?: number;
}

const shopSchema = z.object({ shop: z.object({ name: z.string() }) });
const ordersSchema = z.object({
  orders: z.array(
    z.object({
      id: z.number(),
      created_at: z.string(),
      updated_at: z.string(),
      cancelled_at: z.string().nullable().optional(),
      line_items: z.array(z.object({ id: z.number(), sku: z.string().nullable().optional(), quantity: z.number(), current_quantity: z.number().optional() })),
    }),
  ),
});
const locationsSchema = z.object({ locations: z.array(z.object({ id: z.number(), name: z.string(), active: z.boolean().optional() })) });
const levelsSchema = z.object({ inventory_levels: z.array(z.object({ inventory_item_id: z.number(), location_id: z.number(), available: z.number().nullable() })) });
const itemsSchema = z.object({ inventory_items: z.array(z.object({ id: z.number(), sku: z.string().nullable().optional() })) });

/** Our inventory cursor: the locations read at the pull's start and Shopify's page_info of the next levels page. */
const inventoryCursorSchema = z.object({ locations: z.array(z.object({ id: z.number(), name: z.string() })), pageInfo: z.string() });

export function shopifyConnector(config: ShopifyConfig, deps: { limiter: RateLimiter; fetch?: ProviderClientOptions["fetch"] }): Connector {
  const root = `${config.baseUrl.replace(/\/+$/, "")}/admin/api/${SHOPIFY_API_VERSION}`;
  const limit = Math.min(config.pageSize ?? MAX_PAGE, MAX_PAGE);
  const client = new ProviderClient({
    limiter: deps.limiter,
    headers: { "x-shopify-access-token": config.accessToken },
    capacity: SHOPIFY_BUCKET.capacity,
    observedUsage: (response) => {
      const match = /^(\d+)\/(\d+)$/.exec(response.headers.get("x-shopify-shop-api-call-limit") ?? "");
      return match ? Number(match[1]) : undefined;
    },
    fetch: deps.fetch,
  });
  const get = async <T>(path: string, schema: z.ZodType<T>, signal: AbortSignal) => {
    const { response, body } = await client.getJson(`${root}/${path}`, signal);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ProviderRequestError(`Shopify answered ${path.split("?")[0]} with an unexpected body: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return { data: parsed.data, next: nextPageInfo(response.headers.get("link")) };
  };

  return {
    stats: client.stats,
    async checkConnection({ signal }) {
      const { data } = await get("shop.json", shopSchema, signal);
      return { accountName: data.shop.name };
    },

    async listOrders({ since, cursor, signal }): Promise<Page<ExternalOrder>> {
      const query = cursor
        ? `limit=${limit}&page_info=${encodeURIComponent(cursor)}`
        : `status=any&order=${encodeURIComponent("updated_at asc")}&limit=${limit}${since ? `&updated_at_min=${encodeURIComponent(since.toISOString())}` : ""}`;
      const { data, next } = await get(`orders.json?${query}`, ordersSchema, signal);
      return {
        nextCursor: next,
        records: data.orders.map((order) => ({
          orderId: String(order.id),
          // created_at is written in the shop's time zone: its date part is the shop's sales day.
          day: order.created_at.slice(0, 10),
          updatedAt: new Date(order.updated_at),
          lines: order.line_items.map((line) => ({
            lineId: String(line.id),
            sku: line.sku?.trim() || null,
            // A cancelled order sold nothing; current_quantity leaves out units removed by edits and refunds.
            quantity: order.cancelled_at ? 0 : (line.current_quantity ?? line.quantity),
          })),
        })),
      };
    },

    async listInventoryLevels({ cursor, signal }): Promise<Page<ExternalInventoryLevel>> {
      let state: z.infer<typeof inventoryCursorSchema> | undefined;
      if (cursor) {
        let parsed: ReturnType<typeof inventoryCursorSchema.safeParse> | undefined;
        try {
          parsed = inventoryCursorSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
        } catch {
          parsed = undefined;
        }
        // As Shopify answers a page_info it cannot read: 400, after which the pull starts again.
        if (!parsed?.success) throw new ProviderRequestError("The saved inventory cursor is not readable", 400);
        state = parsed.data;
      }
      const locations = state?.locations ?? (await get("locations.json", locationsSchema, signal)).data.locations.filter((location) => location.active !== false).map(({ id, name }) => ({ id, name }));
      if (locations.length === 0) return { records: [], nextCursor: null };
      const query = state ? `limit=${limit}&page_info=${encodeURIComponent(state.pageInfo)}` : `location_ids=${locations.map((location) => location.id).join(",")}&limit=${limit}`;
      const { data, next } = await get(`inventory_levels.json?${query}`, levelsSchema, signal);
      const itemIds = [...new Set(data.inventory_levels.map((level) => level.inventory_item_id))];
      const skus = new Map<number, string | null>();
      for (let start = 0; start < itemIds.length; start += ITEMS_PER_CALL) {
        const { data: items } = await get(`inventory_items.json?ids=${itemIds.slice(start, start + ITEMS_PER_CALL).join(",")}&limit=${ITEMS_PER_CALL}`, itemsSchema, signal);
        for (const item of items.inventory_items) skus.set(item.id, item.sku?.trim() || null);
      }
      const names = new Map(locations.map((location) => [location.id, location.name]));
      return {
        nextCursor: next ? Buffer.from(JSON.stringify({ locations, pageInfo: next })).toString("base64url") : null,
        records: data.inventory_levels.map((level) => ({
          sku: skus.get(level.inventory_item_id) ?? null,
          locationId: String(level.location_id),
          locationName: names.get(level.location_id) ?? String(level.location_id),
          // Shopify sends null for an untracked item: nothing on hand that we could plan with.
          available: level.available ?? 0,
        })),
      };
    },
  };
}

/** The `page_info` of the `Link` header's rel="next" URL; null on the last page. */
export function nextPageInfo(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match) return new URL(match[1]!).searchParams.get("page_info");
  }
  return null;
}
