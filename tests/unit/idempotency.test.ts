import { describe, expect, it } from "vitest";
import { idempotencyRedisKey, requestFingerprint } from "@/lib/jobs/idempotency";

describe("idempotency keys", () => {
  it("fingerprints equal requests equally, whatever their key order", () => {
    const a = requestFingerprint({ queue: "export", data: { entity: "products", filters: { category: "A", productId: "p" } }, priority: undefined });
    const b = requestFingerprint({ data: { filters: { productId: "p", category: "A" }, entity: "products" }, queue: "export" });
    expect(a).toBe(b);
    expect(requestFingerprint({ queue: "export", data: { entity: "sales" } })).not.toBe(requestFingerprint({ queue: "export", data: { entity: "products" } }));
    expect(requestFingerprint({ list: [1, 2] })).not.toBe(requestFingerprint({ list: [2, 1] }));
  });

  it("keeps keys per user, under the app's prefix, whatever the client sent", () => {
    const key = idempotencyRedisKey("{capliquify}", "user-1", "x".repeat(200) + ":*?");
    expect(key).toMatch(/^\{capliquify\}:idempotency:user-1:[0-9a-f]{64}$/);
    expect(idempotencyRedisKey("{capliquify}", "user-2", "k")).not.toBe(idempotencyRedisKey("{capliquify}", "user-1", "k"));
  });
});
