import { describe, expect, it } from "vitest";
import { AIR_PASSENGERS } from "./fixtures/air-passengers";

describe("AirPassengers fixture", () => {
  it("matches the published series' length and total", () => {
    expect(AIR_PASSENGERS).toHaveLength(144);
    expect(AIR_PASSENGERS.reduce((a, b) => a + b, 0)).toBe(40363);
    expect(AIR_PASSENGERS.slice(0, 12)).toEqual([112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]);
    expect(AIR_PASSENGERS.slice(-12)).toEqual([417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432]);
  });
});
