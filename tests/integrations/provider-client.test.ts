import { describe, expect, it } from "vitest";
import { nextPageInfo } from "@/lib/integrations/connectors/shopify";
import { retryAfter } from "@/lib/integrations/provider-client";
import { warehouseForLocation } from "@/lib/integrations/settings";

describe("provider answers", () => {
  it("reads Retry-After as seconds, fractional ones included, or as an HTTP date", () => {
    expect(retryAfter("2.0")).toBe(2_000);
    expect(retryAfter("1")).toBe(1_000);
    expect(retryAfter("0.5")).toBe(500);
    expect(retryAfter("Thu, 03 Dec 2026 12:00:10 GMT", Date.parse("2026-12-03T12:00:00Z"))).toBe(10_000);
    expect(retryAfter(null)).toBeUndefined();
    expect(retryAfter("soon")).toBeUndefined();
  });

  it("takes the next page_info from a Link header that also has a previous link, and none from the last page", () => {
    const link = '<https://shop.example/admin/api/2024-10/orders.json?limit=250&page_info=prev123>; rel="previous", <https://shop.example/admin/api/2024-10/orders.json?limit=250&page_info=next%2B456>; rel="next"';
    expect(nextPageInfo(link)).toBe("next+456");
    expect(nextPageInfo('<https://shop.example/admin/api/2024-10/orders.json?page_info=prev123>; rel="previous"')).toBeNull();
    expect(nextPageInfo(null)).toBeNull();
  });

  it("matches a location to a warehouse by the settings' map first, then by code or name", () => {
    const warehouses = [
      { id: "w1", code: "MAIN", name: "Main warehouse" },
      { id: "w2", code: "EAST-DC", name: "East coast" },
    ];
    const settings = { syncIntervalMinutes: null, locationWarehouses: { "Store 7": "east-dc", "991": "MAIN" } };
    expect(warehouseForLocation({ id: "1", name: "Store 7" }, settings, warehouses)?.id).toBe("w2");
    expect(warehouseForLocation({ id: "991", name: "Anything" }, settings, warehouses)?.id).toBe("w1");
    expect(warehouseForLocation({ id: "2", name: "main warehouse" }, settings, warehouses)?.id).toBe("w1");
    expect(warehouseForLocation({ id: "3", name: "EAST-DC" }, settings, warehouses)?.id).toBe("w2");
    expect(warehouseForLocation({ id: "4", name: "Pop-up" }, settings, warehouses)).toBeUndefined();
  });
});
