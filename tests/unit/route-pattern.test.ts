import { describe, expect, it } from "vitest";
import { routePattern, UNMATCHED_ROUTE } from "@/lib/observability/route-pattern";

describe("route pattern of a request", () => {
  it("puts each param's name where its value is", () => {
    expect(routePattern("/api/v1/queues", {})).toBe("/api/v1/queues");
    expect(routePattern("/api/v1/queues/forecast/jobs", { queueKey: "forecast" })).toBe("/api/v1/queues/[queueKey]/jobs");
    expect(routePattern("/api/v1/queues/forecast/jobs/abc-123/retry", { queueKey: "forecast", jobId: "abc-123" })).toBe(
      "/api/v1/queues/[queueKey]/jobs/[jobId]/retry",
    );
  });

  it("matches percent-encoded values as Next decodes them", () => {
    expect(routePattern("/api/v1/products/a%20b%2Fc", { id: "a b/c" })).toBe("/api/v1/products/[id]");
    expect(routePattern("/api/v1/failed-groups/%E2%9C%93/jobs", { fingerprint: "✓" })).toBe("/api/v1/failed-groups/[fingerprint]/jobs");
  });

  it("keeps positions when two params have the same value", () => {
    expect(routePattern("/api/v1/queues/x/jobs/x", { queueKey: "x", jobId: "x" })).toBe("/api/v1/queues/[queueKey]/jobs/[jobId]");
  });

  it("may swap a value equal to a literal after it, but the label is still made of the route's own segments", () => {
    // The path alone cannot tell which "jobs" is the literal; either way no caller-chosen text gets in.
    expect(routePattern("/api/v1/queues/forecast/jobs/jobs", { queueKey: "forecast", jobId: "jobs" })).toBe("/api/v1/queues/[queueKey]/[jobId]/jobs");
  });

  it("replaces a catch-all's segments with one name", () => {
    expect(routePattern("/admin/queues/api/queues/forecast", { path: ["api", "queues", "forecast"] })).toBe("/admin/queues/[...path]");
  });

  it("never returns the raw path when a value cannot be found", () => {
    expect(routePattern("/api/v1/products/abc", { id: "something-else" })).toBe(UNMATCHED_ROUTE);
    expect(routePattern("/api/v1/products/%FF", { id: "\uFFFD" })).toBe(UNMATCHED_ROUTE);
    expect(routePattern("/a/b", { path: ["x", "b"] })).toBe(UNMATCHED_ROUTE);
  });
});
