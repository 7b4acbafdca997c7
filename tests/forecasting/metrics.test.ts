import { describe, expect, it } from "vitest";
import { mape } from "../../lib/forecasting/index";

describe("mape", () => {
  it("is the mean absolute percentage error over non-zero actuals", () => {
    // |10|/100, |20|/200, skip the zero, |0|/50 → (10% + 10% + 0%) / 3
    expect(mape([100, 200, 0, 50], [110, 180, 5, 50])).toBeCloseTo(20 / 3, 12);
    expect(mape([4], [1])).toBeCloseTo(75, 12);
  });

  it("is null when every actual is zero", () => {
    expect(mape([0, 0, 0], [1, 2, 3])).toBeNull();
  });

  it("rejects mismatched lengths", () => {
    expect(() => mape([1, 2], [1])).toThrow(RangeError);
  });
});
