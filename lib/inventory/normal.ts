import jStat from "jstat";
import { InventoryInputError } from "./errors";

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return jStat.normal.pdf(z, 0, 1);
}

/** Standard normal distribution function Φ(z). */
export function normalCdf(z: number): number {
  return jStat.normal.cdf(z, 0, 1);
}

/**
 * The safety factor z of a cycle service level: the exact standard normal quantile Φ⁻¹(p)
 * (jstat inverts the error function numerically), not a table lookup. 0.95 → 1.6449.
 */
export function serviceLevelToZ(serviceLevel: number): number {
  if (!Number.isFinite(serviceLevel) || serviceLevel <= 0 || serviceLevel >= 1) {
    throw new InventoryInputError(`serviceLevel must be a probability between 0 and 1 (exclusive), got ${serviceLevel}`);
  }
  return jStat.normal.inv(serviceLevel, 0, 1);
}

/**
 * The standard normal loss function G(z) = E[(Z − z)⁺] = φ(z) − z·(1 − Φ(z)): the expected
 * amount by which a standard normal variable exceeds z.
 */
export function standardNormalLoss(z: number): number {
  return normalPdf(z) - z * (1 - normalCdf(z));
}
