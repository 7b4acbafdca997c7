import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { FakeShopify } from "@/scripts/fakes/shopify";

const run = promisify(execFile);

describe("one integration's rate limit shared by worker processes", () => {
  const fake = new FakeShopify({ accessToken: "shpat_shared", bucketSize: 10, leakPerSecond: 5 });
  afterAll(() => fake.stop());

  it("two processes pulling at once stay under the provider's bucket together: no 429, the bucket never over full", async () => {
    await fake.start();
    for (let index = 0; index < 100; index++) fake.addOrder({ createdAt: new Date(Date.now() - index * 60_000), lines: [{ sku: "RL-1", quantity: 1 }] });
    const integrationId = `rate-${Date.now()}`;
    const args = ["--import", "tsx", "tests/integrations/pull-orders-process.ts", fake.baseUrl, "shpat_shared", integrationId, "10", "5", "5"];
    const started = Date.now();
    const outputs = await Promise.all([0, 1].map(() => run(process.execPath, args, { env: process.env, timeout: 120_000 })));
    const elapsed = (Date.now() - started) / 1000;
    const results = outputs.map((output) => JSON.parse(output.stdout.trim().split("\n").at(-1)!));

    expect(results.map((result) => result.orders)).toEqual([100, 100]);
    expect(results.reduce((sum, result) => sum + result.throttled, 0)).toBe(0);
    const served = fake.requests.filter((request) => request.path.endsWith("/orders.json"));
    expect(served).toHaveLength(40);
    expect(served.every((request) => request.status === 200)).toBe(true);
    expect(Math.max(...served.map((request) => request.bucket))).toBeLessThanOrEqual(10);
    // 40 requests through a bucket of 10 leaking 5/s take at least (40 − 10) / 5 = 6 s: had each
    // process kept a bucket of its own, they would have gone faster and met 429s.
    const span = (served.at(-1)!.at - served[0]!.at) / 1000;
    expect(span).toBeGreaterThanOrEqual(5.5);
    // And they used the budget rather than idling: well within twice the minimum (process start-up aside).
    expect(span).toBeLessThan(12);
    expect(elapsed).toBeGreaterThan(span);
  }, 150_000);
});
