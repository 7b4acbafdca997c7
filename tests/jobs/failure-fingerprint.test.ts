import { describe, expect, it } from "vitest";
import { failureFingerprint, normaliseFailure } from "../../lib/jobs/failure-fingerprint";

describe("normaliseFailure", () => {
  it.each([
    ["Product cm3x9k2p50000abcdefgh1234 has only 12 days of sales history; at least 14 are needed", "Product <id> has only <n> days of sales history; at least <n> are needed"],
    ["Job timed out after 5 min (the forecast queue's limit); the attempt was stopped", "Job timed out after <n> min (the forecast queue's limit); the attempt was stopped"],
    ['Integration "acme-erp" answered 503 at 2026-11-28T10:15:00Z', "Integration <value> answered <n> at <date>"],
    ["connect ECONNREFUSED 127.0.0.1:5432", "connect ECONNREFUSED <address>"],
    ["Row 17: unknown SKU 'X-9'", "Row <n>: unknown SKU <value>"],
    ["upload 3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f not found", "upload <uuid> not found"],
    ["fetch https://erp.example.com/api/v2/items?page=3 failed", "fetch <url> failed"],
    ["  spaces \t and\nsecond line of a stack", "spaces and"],
  ])("%s", (message, pattern) => {
    expect(normaliseFailure(message)).toBe(pattern);
  });

  it("caps very long messages", () => {
    expect(normaliseFailure("x".repeat(1000))).toHaveLength(301);
  });
});

describe("failureFingerprint", () => {
  it("is the same for failures that differ only in their variable parts", () => {
    expect(failureFingerprint("forecast", "run", "Product cm3x9k2p50000abcdefgh1234 has only 12 days")).toBe(
      failureFingerprint("forecast", "run", "Product cm3y1aaaa0000zzzzzzzz9999 has only 3 days"),
    );
  });

  it("separates queues, job names and different messages", () => {
    const base = failureFingerprint("forecast", "run", "boom");
    expect(failureFingerprint("import", "run", "boom")).not.toBe(base);
    expect(failureFingerprint("forecast", "nightly", "boom")).not.toBe(base);
    expect(failureFingerprint("forecast", "run", "bang")).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{20}$/);
  });
});
