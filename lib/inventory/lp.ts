/**
 * The part of a HiGHS instance (the `highs` package: `await loadHighs()`) these modules use: one
 * solve of a model written in CPLEX LP format. Passed in, so the pure code neither loads the
 * WebAssembly nor cares which thread it runs in.
 */
export interface LpSolver {
  solve(problem: string, options?: Record<string, string | number | boolean>): {
    Status: string;
    ObjectiveValue: number;
    /** Columns by name; those of a solved model carry `Primal`. */
    Columns: Record<string, object>;
  };
}

export interface LpSolution {
  objective: number;
  /** Each column's value, by name. */
  values: Record<string, number>;
}

/** Thrown when the solver ends without an optimum (infeasible, unbounded, a limit reached). */
export class LpSolveError extends Error {
  constructor(readonly status: string) {
    super(`The linear program ended without an optimum: ${status}`);
    this.name = "LpSolveError";
  }
}

/** Solves a CPLEX-LP model; throws LpSolveError unless HiGHS reports it optimal. */
export function solveLp(solver: LpSolver, problem: string, options: Record<string, string | number | boolean> = {}): LpSolution {
  const solution = solver.solve(problem, { output_flag: false, ...options });
  if (solution.Status !== "Optimal") throw new LpSolveError(solution.Status);
  const values: Record<string, number> = {};
  for (const [name, column] of Object.entries(solution.Columns)) values[name] = (column as { Primal?: number }).Primal ?? 0;
  return { objective: solution.ObjectiveValue, values };
}
