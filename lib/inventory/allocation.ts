import { InventoryInputError } from "./errors";
import { solveLp, type LpSolver } from "./lp";

/**
 * Multi-warehouse allocation: share what the supply points hold (central stock plus incoming
 * orders) among the warehouses that need stock, at the least transport plus shortage cost, within
 * each warehouse's free capacity, in whole units.
 *
 * Two stages:
 * 1. Targets. A product's target at each warehouse is its need, unless the supply points hold less
 *    than the warehouses need together: then the shortfall is shared by the **fair-share rule,
 *    proportional to need** — each warehouse's target is need × supply ÷ total need, rounded
 *    down, and the units the rounding leaves go one each to the largest fractional parts (ties to
 *    the warehouse listed first). Every warehouse is then short by the same fraction of its need.
 * 2. The transportation problem (a MIP with integer shipments, solved by HiGHS):
 *      minimise  Σ c_ij·x_pij + Σ penalty_p·short_pj
 *      subject to  Σ_i x_pij + short_pj = target_pj     (every target met, or recorded as short)
 *                  Σ_j x_pij ≤ supply_pi                 (a supply point ships what it holds)
 *                  Σ_p Σ_i x_pij ≤ headroom_j            (free capacity, all products together)
 *                  x, short ≥ 0 and integer.
 *    The shortage slack keeps the model feasible when lanes or capacity cannot carry a target;
 *    where capacity binds, the LP leaves short the units whose penalty is lowest.
 *    A capacity row is written only where the targets could exceed the headroom. Without one the
 *    model is a transportation problem per product, whose constraint matrix is totally unimodular
 *    (as is a block of them side by side): with whole targets and supplies the simplex optimum is
 *    whole, so the products are solved as LPs, PRODUCTS_PER_LP to a model, and checked; a block
 *    whose answer is not whole is solved again as a MIP.
 */
export interface AllocationProblem {
  /** Supply points (central DCs). */
  sources: readonly { id: string }[];
  /** Warehouses receiving stock; `headroom` is the capacity still free, in units (Infinity for none). */
  destinations: readonly { id: string; headroom: number }[];
  /** Cost per unit along each lane; a pair without a lane cannot ship. */
  lanes: readonly { from: string; to: string; costPerUnit: number }[];
  products: readonly AllocationProduct[];
}

export interface AllocationProduct {
  id: string;
  /** Cost of each unit of a target not delivered (e.g. the lost sale's price). */
  shortageCost: number;
  /** Units available at each supply point, by source id. */
  supply: Readonly<Record<string, number>>;
  /** Units each warehouse needs, by destination id. */
  need: Readonly<Record<string, number>>;
}

export interface Shipment {
  product: string;
  from: string;
  to: string;
  quantity: number;
  cost: number;
}

export interface DestinationAllocation {
  product: string;
  destination: string;
  need: number;
  /** The need, or its fair share when supply is short. */
  target: number;
  allocated: number;
  /** Need not allocated. */
  short: number;
}

export interface AllocationResult {
  objective: number;
  transportCost: number;
  shortageCost: number;
  shipments: Shipment[];
  destinations: DestinationAllocation[];
  /** Products whose supply was short of the total need, so the fair-share rule set the targets. */
  fairShared: string[];
}

/**
 * Fair share proportional to need: targets summing to `min(supply, Σ needs)`, each at most its need.
 * Largest-remainder rounding keeps the targets whole without exceeding the supply.
 */
export function fairShareTargets(needs: readonly number[], supply: number): number[] {
  for (const need of needs) wholeNonNegative("need", need);
  wholeNonNegative("supply", supply);
  const total = needs.reduce((sum, need) => sum + need, 0);
  if (total <= supply) return [...needs];
  const exact = needs.map((need) => (need * supply) / total);
  const targets = exact.map(Math.floor);
  let left = supply - targets.reduce((sum, target) => sum + target, 0);
  const order = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) })).sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    targets[index]++;
    left--;
  }
  return targets;
}

/**
 * The problem's CPLEX-LP text, with the targets of stage 1; columns are named by index (x_p_i_j,
 * s_p_j). `integer` declares every column integer (a MIP).
 */
export function allocationModel(problem: AllocationProblem, targets: readonly (readonly number[])[], { integer = true }: { integer?: boolean } = {}): string {
  const sourceIndex = new Map(problem.sources.map((source, index) => [source.id, index]));
  const destinationIndex = new Map(problem.destinations.map((destination, index) => [destination.id, index]));
  const lanes = problem.lanes.map((lane) => {
    const i = sourceIndex.get(lane.from);
    const j = destinationIndex.get(lane.to);
    if (i === undefined || j === undefined) throw new InventoryInputError(`lane ${lane.from} → ${lane.to} names an unknown supply point or warehouse`);
    if (!Number.isFinite(lane.costPerUnit) || lane.costPerUnit < 0) throw new InventoryInputError(`lane ${lane.from} → ${lane.to}: costPerUnit must be ≥ 0, got ${lane.costPerUnit}`);
    return { i, j, cost: lane.costPerUnit };
  });
  const lanesInto = problem.destinations.map((_, j) => lanes.filter((lane) => lane.j === j));
  const objective: string[] = [];
  const rows: string[] = [];
  const generals: string[] = [];
  const capacityTerms = problem.destinations.map(() => [] as string[]);
  problem.products.forEach((product, p) => {
    if (!Number.isFinite(product.shortageCost) || product.shortageCost < 0) throw new InventoryInputError(`product ${product.id}: shortageCost must be ≥ 0, got ${product.shortageCost}`);
    const supplyTerms = problem.sources.map(() => [] as string[]);
    problem.destinations.forEach((_, j) => {
      const shortName = `s_${p}_${j}`;
      objective.push(`${number(product.shortageCost)} ${shortName}`);
      generals.push(shortName);
      const demandTerms = [shortName];
      for (const lane of lanesInto[j]!) {
        const name = `x_${p}_${lane.i}_${j}`;
        objective.push(`${number(lane.cost)} ${name}`);
        generals.push(name);
        demandTerms.push(name);
        supplyTerms[lane.i]!.push(name);
        capacityTerms[j]!.push(name);
      }
      rows.push(` d_${p}_${j}: ${demandTerms.join(" + ")} = ${targets[p]![j]}`);
    });
    problem.sources.forEach((source, i) => {
      if (supplyTerms[i]!.length > 0) rows.push(` u_${p}_${i}: ${supplyTerms[i]!.join(" + ")} <= ${whole(product.supply[source.id] ?? 0)}`);
    });
  });
  problem.destinations.forEach((destination, j) => {
    if (capacityTerms[j]!.length > 0 && capacityCanBind(destination.headroom, targets, j)) {
      rows.push(` c_${j}: ${capacityTerms[j]!.join(" + ")} <= ${Math.max(0, Math.floor(destination.headroom))}`);
    }
  });
  const integrality = integer ? ["General", ` ${generals.join(" ")}`] : [];
  return ["Minimize", ` cost: ${objective.join(" + ") || "0"}`, "Subject To", ...rows, ...integrality, "End"].join("\n");
}

/** Whether the products' targets at a destination together could exceed its headroom. */
function capacityCanBind(headroom: number, targets: readonly (readonly number[])[], j: number): boolean {
  return Number.isFinite(headroom) && targets.reduce((sum, row) => sum + row[j]!, 0) > Math.max(0, Math.floor(headroom));
}

/**
 * Uncoupled products per LP. Each HiGHS solve costs about 10 ms of CPU before any pivoting, more
 * than a product's whole transportation problem: measured by `npm run bench` (1,000 products × 50
 * warehouses), one solve per product spent 12–24 ms of CPU a product, blocks of 100 about 5 ms.
 */
const PRODUCTS_PER_LP = 100;

/** Allocates the supply of every product of the problem (see the module comment for the model). */
export function allocate(problem: AllocationProblem, solver: LpSolver): AllocationResult {
  const fairShared: string[] = [];
  if (problem.products.length === 0 || problem.destinations.length === 0) return { objective: 0, transportCost: 0, shortageCost: 0, shipments: [], destinations: [], fairShared };
  const targets = problem.products.map((product) => {
    const needs = problem.destinations.map((destination) => whole(product.need[destination.id] ?? 0));
    const supply = problem.sources.reduce((sum, source) => sum + whole(product.supply[source.id] ?? 0), 0);
    const shares = fairShareTargets(needs, supply);
    if (shares.some((share, index) => share !== needs[index])) fairShared.push(product.id);
    return shares;
  });
  const coupled = problem.destinations.some((destination, j) => capacityCanBind(destination.headroom, targets, j));
  // Uncoupled products are separate problems: solved a block at a time, so no model grows with the catalogue.
  if (!coupled && problem.products.length > PRODUCTS_PER_LP) {
    const blocks: AllocationProduct[][] = [];
    for (let first = 0; first < problem.products.length; first += PRODUCTS_PER_LP) blocks.push(problem.products.slice(first, first + PRODUCTS_PER_LP));
    return combine(blocks.map((products) => allocate({ ...problem, products }, solver)));
  }
  let solution = solveLp(solver, allocationModel(problem, targets, { integer: coupled }));
  if (!coupled && Object.values(solution.values).some((value) => Math.abs(value - Math.round(value)) > 1e-6)) {
    solution = solveLp(solver, allocationModel(problem, targets, { integer: true }));
  }
  const { objective, values } = solution;
  const laneCost = new Map(problem.lanes.map((lane) => [`${lane.from}\u0000${lane.to}`, lane.costPerUnit]));
  const shipments: Shipment[] = [];
  const destinations: DestinationAllocation[] = [];
  let transportCost = 0;
  let shortageCost = 0;
  problem.products.forEach((product, p) => {
    problem.destinations.forEach((destination, j) => {
      let allocated = 0;
      problem.sources.forEach((source, i) => {
        // Whole columns come back within the solver's tolerance of a whole number.
        const quantity = Math.round(values[`x_${p}_${i}_${j}`] ?? 0);
        if (quantity <= 0) return;
        const costPerUnit = laneCost.get(`${source.id}\u0000${destination.id}`)!;
        shipments.push({ product: product.id, from: source.id, to: destination.id, quantity, cost: quantity * costPerUnit });
        transportCost += quantity * costPerUnit;
        allocated += quantity;
      });
      const need = whole(product.need[destination.id] ?? 0);
      const target = targets[p]![j]!;
      shortageCost += (target - allocated) * product.shortageCost;
      destinations.push({ product: product.id, destination: destination.id, need, target, allocated, short: need - allocated });
    });
  });
  return { objective, transportCost, shortageCost, shipments, destinations, fairShared };
}

function combine(parts: AllocationResult[]): AllocationResult {
  return {
    objective: parts.reduce((sum, part) => sum + part.objective, 0),
    transportCost: parts.reduce((sum, part) => sum + part.transportCost, 0),
    shortageCost: parts.reduce((sum, part) => sum + part.shortageCost, 0),
    shipments: parts.flatMap((part) => part.shipments),
    destinations: parts.flatMap((part) => part.destinations),
    fairShared: parts.flatMap((part) => part.fairShared),
  };
}

function whole(value: number): number {
  wholeNonNegative("quantity", value);
  return value;
}

function wholeNonNegative(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new InventoryInputError(`${name} must be a whole number ≥ 0, got ${value}`);
}

/** Coefficients to six decimals and never in exponent notation, which JavaScript prints for small numbers. */
function number(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}
