export interface NelderMeadOptions {
  /** Hard cap on objective evaluations, which bounds the cost of a fit. */
  maxEvaluations: number;
  /** Stop when the spread of objective values across the simplex falls below this, relative to the best. */
  tolerance: number;
  /** Edge length of the initial simplex, in the objective's parameter space. */
  step: number;
}

export interface Minimum {
  point: Float64Array;
  value: number;
}

/**
 * Nelder–Mead simplex minimisation with standard coefficients (reflect 1, expand 2, contract ½,
 * shrink ½). Non-finite objective values count as +∞, so callers can reject infeasible points.
 */
export function nelderMead(
  objective: (point: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions,
): Minimum {
  const d = start.length;
  const evaluate = (p: Float64Array): number => {
    const v = objective(p);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: Float64Array[] = [];
  const values = new Float64Array(d + 1);
  for (let k = 0; k <= d; k++) {
    const p = Float64Array.from(start);
    if (k > 0) p[k - 1] += options.step;
    simplex.push(p);
    values[k] = evaluate(p);
  }
  let evaluations = d + 1;
  const order = Array.from({ length: d + 1 }, (_, k) => k);
  const centroid = new Float64Array(d);
  const reflected = new Float64Array(d);
  const trial = new Float64Array(d);
  const replace = (k: number, point: Float64Array, value: number): void => {
    simplex[k].set(point);
    values[k] = value;
  };
  const along = (coefficient: number, worst: Float64Array, out: Float64Array): void => {
    for (let j = 0; j < d; j++) out[j] = centroid[j] + coefficient * (worst[j] - centroid[j]);
  };

  while (evaluations < options.maxEvaluations) {
    order.sort((a, b) => values[a] - values[b]);
    const best = order[0];
    const worst = order[d];
    const spread = values[worst] - values[best];
    if (spread <= options.tolerance * (Math.abs(values[best]) + 1e-12)) break;

    centroid.fill(0);
    for (let k = 0; k < d; k++) {
      const p = simplex[order[k]];
      for (let j = 0; j < d; j++) centroid[j] += p[j] / d;
    }
    along(-1, simplex[worst], reflected);
    const reflectedValue = evaluate(reflected);
    evaluations++;
    if (reflectedValue < values[best]) {
      along(-2, simplex[worst], trial);
      const expandedValue = evaluate(trial);
      evaluations++;
      if (expandedValue < reflectedValue) replace(worst, trial, expandedValue);
      else replace(worst, reflected, reflectedValue);
    } else if (reflectedValue < values[order[d - 1]]) {
      replace(worst, reflected, reflectedValue);
    } else {
      const outside = reflectedValue < values[worst];
      along(outside ? -0.5 : 0.5, simplex[worst], trial);
      const contractedValue = evaluate(trial);
      evaluations++;
      if (contractedValue < Math.min(reflectedValue, values[worst])) {
        replace(worst, trial, contractedValue);
      } else {
        const anchor = simplex[best];
        for (const k of order.slice(1)) {
          const p = simplex[k];
          for (let j = 0; j < d; j++) p[j] = anchor[j] + 0.5 * (p[j] - anchor[j]);
          values[k] = evaluate(p);
        }
        evaluations += d;
      }
    }
  }

  let bestIndex = 0;
  for (let k = 1; k <= d; k++) if (values[k] < values[bestIndex]) bestIndex = k;
  return { point: simplex[bestIndex], value: values[bestIndex] };
}
