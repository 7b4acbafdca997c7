import loadHighs from "highs";
import { beforeAll, describe, expect, it } from "vitest";
import { allocate, allocationModel, fairShareTargets, type AllocationProblem } from "@/lib/inventory/allocation";
import { LpSolveError, solveLp, type LpSolver } from "@/lib/inventory/lp";

let highs: LpSolver;
beforeAll(async () => {
  highs = await loadHighs();
});

describe("the LP solver", () => {
  it("solves the example LP of the highs-js README (lovasoa/highs-js): objective 87.5 at x = (17.5, 1, 16.5, 2)", () => {
    const problem = `Maximize
 obj: x1 + 2 x2 + 4 x3 + x4
Subject To
 c1: - x1 + x2 + x3 + 10 x4 <= 20
 c2: x1 - 4 x2 + x3 <= 30
 c3: x2 - 0.5 x4 = 0
Bounds
 0 <= x1 <= 40
 2 <= x4 <= 3
End`;
    const { objective, values } = solveLp(highs, problem);
    expect(objective).toBeCloseTo(87.5, 9);
    expect([values.x1, values.x2, values.x3, values.x4].map((value) => Number(value!.toFixed(9)))).toEqual([17.5, 1, 16.5, 2]);
  });

  it("reports a model without an optimum instead of returning numbers", () => {
    expect(() => solveLp(highs, "Minimize\n obj: x\nSubject To\n c1: x >= 2\n c2: x <= 1\nEnd")).toThrow(LpSolveError);
  });
});

describe("transportation", () => {
  // Taha, Operations Research: An Introduction, Example 5.1-1 (MG Auto): plants in Los Angeles
  // (1,000 cars), Detroit (1,500), New Orleans (1,200) supply distribution centres in Denver
  // (2,300) and Miami (1,400); cost per car LA 80/215, Detroit 100/108, New Orleans 102/68.
  // Optimum $313,200: LA→Denver 1,000, Detroit→Denver 1,300, Detroit→Miami 200, New Orleans→Miami 1,200.
  const cost: Record<string, Record<string, number>> = {
    LA: { Denver: 80, Miami: 215 },
    Detroit: { Denver: 100, Miami: 108 },
    NewOrleans: { Denver: 102, Miami: 68 },
  };
  const mgAuto = (lanes = Object.entries(cost).flatMap(([from, to]) => Object.entries(to).map(([city, costPerUnit]) => ({ from, to: city, costPerUnit })))): AllocationProblem => ({
    sources: [{ id: "LA" }, { id: "Detroit" }, { id: "NewOrleans" }],
    destinations: [
      { id: "Denver", headroom: Infinity },
      { id: "Miami", headroom: Infinity },
    ],
    lanes,
    products: [{ id: "car", shortageCost: 10_000, supply: { LA: 1_000, Detroit: 1_500, NewOrleans: 1_200 }, need: { Denver: 2_300, Miami: 1_400 } }],
  });

  it("Taha Example 5.1-1 (MG Auto): cost 313,200 and the unique optimal shipments", () => {
    const result = allocate(mgAuto(), highs);
    expect(result.objective).toBeCloseTo(313_200, 6);
    expect(result.transportCost).toBeCloseTo(313_200, 6);
    expect(result.shortageCost).toBe(0);
    const shipped = Object.fromEntries(result.shipments.map((shipment) => [`${shipment.from}→${shipment.to}`, shipment.quantity]));
    expect(shipped).toEqual({ "LA→Denver": 1_000, "Detroit→Denver": 1_300, "Detroit→Miami": 200, "NewOrleans→Miami": 1_200 });
    expect(result.fairShared).toEqual([]);
  });

  it("products that no capacity couples are each solved to their own optimum", () => {
    const single = mgAuto();
    const twice: AllocationProblem = { ...single, products: [single.products[0]!, { ...single.products[0]!, id: "truck" }] };
    const result = allocate(twice, highs);
    expect(result.objective).toBeCloseTo(2 * 313_200, 6);
    for (const product of ["car", "truck"]) {
      const shipped = Object.fromEntries(result.shipments.filter((shipment) => shipment.product === product).map((shipment) => [`${shipment.from}→${shipment.to}`, shipment.quantity]));
      expect(shipped).toEqual({ "LA→Denver": 1_000, "Detroit→Denver": 1_300, "Detroit→Miami": 200, "NewOrleans→Miami": 1_200 });
    }
  });

  it("a catalogue larger than one model's block is solved block by block, every product to its optimum", () => {
    const single = mgAuto();
    const many: AllocationProblem = { ...single, products: Array.from({ length: 250 }, (_, index) => ({ ...single.products[0]!, id: `car-${index}` })) };
    const result = allocate(many, highs);
    expect(result.objective).toBeCloseTo(250 * 313_200, 3);
    expect(new Set(result.shipments.map((shipment) => shipment.product)).size).toBe(250);
    expect(result.shipments).toHaveLength(250 * 4);
    expect(result.destinations.every((row) => row.short === 0)).toBe(true);
  });

  it("the optimum is unique: forcing one car down either unused lane costs more", () => {
    // LA→Miami and New Orleans→Denver are the lanes the optimum leaves empty; with a unique
    // optimum, removing the cheaper alternatives' advantage (a car forced on the lane) must cost more.
    for (const [from, to] of [["LA", "Miami"], ["NewOrleans", "Denver"]] as const) {
      const problem = mgAuto();
      // One car forced along the lane: a supply point of its own with only that lane.
      const forced: AllocationProblem = {
        ...problem,
        sources: [...problem.sources, { id: "forced" }],
        lanes: [...problem.lanes, { from: "forced", to, costPerUnit: cost[from]![to]! }],
        products: [{ ...problem.products[0]!, supply: { ...problem.products[0]!.supply, [from]: problem.products[0]!.supply[from]! - 1, forced: 1 } }],
      };
      const result = allocate(forced, highs);
      expect(result.shipments.find((shipment) => shipment.from === "forced")?.quantity).toBe(1);
      expect(result.objective).toBeGreaterThan(313_200);
    }
  });

  it("ships in whole units and keeps within each warehouse's free capacity", () => {
    const problem: AllocationProblem = {
      sources: [{ id: "DC1" }, { id: "DC2" }],
      destinations: [
        { id: "A", headroom: 50 },
        { id: "B", headroom: Infinity },
      ],
      lanes: [
        { from: "DC1", to: "A", costPerUnit: 0.3 },
        { from: "DC2", to: "A", costPerUnit: 0.7 },
        { from: "DC1", to: "B", costPerUnit: 0.9 },
        { from: "DC2", to: "B", costPerUnit: 0.25 },
      ],
      products: [
        { id: "cheap", shortageCost: 2, supply: { DC1: 100, DC2: 100 }, need: { A: 40, B: 30 } },
        { id: "dear", shortageCost: 50, supply: { DC1: 100, DC2: 0 }, need: { A: 30, B: 10 } },
      ],
    };
    const result = allocate(problem, highs);
    const intoA = result.shipments.filter((shipment) => shipment.to === "A").reduce((sum, shipment) => sum + shipment.quantity, 0);
    expect(intoA).toBe(50);
    for (const shipment of result.shipments) expect(Number.isInteger(shipment.quantity)).toBe(true);
    // Capacity binds at A: the LP leaves short the units whose shortage costs least.
    const at = (product: string, destination: string) => result.destinations.find((row) => row.product === product && row.destination === destination)!;
    expect(at("dear", "A")).toMatchObject({ allocated: 30, short: 0 });
    expect(at("cheap", "A")).toMatchObject({ allocated: 20, short: 20 });
    expect(at("cheap", "B").allocated).toBe(30);
    expect(at("dear", "B")).toMatchObject({ allocated: 10, short: 0 });
    // The cheapest lanes carry it: dear→B can only come from DC1.
    expect(result.shipments.find((shipment) => shipment.product === "cheap" && shipment.to === "B")).toMatchObject({ from: "DC2", quantity: 30 });
  });
});

describe("the model", () => {
  const problem = (headroom: number): AllocationProblem => ({
    sources: [{ id: "DC" }],
    destinations: [{ id: "A", headroom }],
    lanes: [{ from: "DC", to: "A", costPerUnit: 1 }],
    products: [{ id: "p", shortageCost: 5, supply: { DC: 10 }, need: { A: 8 } }],
  });

  it("writes a capacity row only where the targets could exceed the free capacity", () => {
    expect(allocationModel(problem(100), [[8]])).not.toContain(" c_0:");
    expect(allocationModel(problem(5), [[8]])).toContain(" c_0: x_0_0_0 <= 5");
    // Without integrality the text has no General section (the transportation LP's vertices are whole).
    expect(allocationModel(problem(100), [[8]], { integer: false })).not.toContain("General");
    expect(allocate(problem(5), highs).destinations[0]).toMatchObject({ target: 8, allocated: 5, short: 3 });
  });
});

describe("fair share when supply is short", () => {
  it("shares proportionally to need, whole units, the rounding's units to the largest remainders", () => {
    // 100 units for needs 50, 30, 40 (120): exact shares 41.67, 25, 33.33 → 42, 25, 33.
    expect(fairShareTargets([50, 30, 40], 100)).toEqual([42, 25, 33]);
    // Enough supply: every need in full.
    expect(fairShareTargets([50, 30, 40], 500)).toEqual([50, 30, 40]);
    // Equal remainders go to the warehouse listed first: 10 for 3 × 10 → 4, 3, 3.
    expect(fairShareTargets([10, 10, 10], 10)).toEqual([4, 3, 3]);
    expect(fairShareTargets([0, 7], 3)).toEqual([0, 3]);
  });

  it("the allocation meets the fair shares, so every warehouse is short by the same fraction of its need", () => {
    const problem: AllocationProblem = {
      sources: [{ id: "DC" }],
      destinations: [
        { id: "North", headroom: Infinity },
        { id: "South", headroom: Infinity },
        { id: "West", headroom: Infinity },
      ],
      // South's lane is the cheapest: without the rule the LP would be free to fill it first.
      lanes: [
        { from: "DC", to: "North", costPerUnit: 1 },
        { from: "DC", to: "South", costPerUnit: 0.1 },
        { from: "DC", to: "West", costPerUnit: 2 },
      ],
      products: [{ id: "p", shortageCost: 20, supply: { DC: 100 }, need: { North: 50, South: 30, West: 40 } }],
    };
    const result = allocate(problem, highs);
    expect(result.fairShared).toEqual(["p"]);
    expect(result.destinations.map((row) => [row.destination, row.need, row.target, row.allocated, row.short])).toEqual([
      ["North", 50, 42, 42, 8],
      ["South", 30, 25, 25, 5],
      ["West", 40, 33, 33, 7],
    ]);
  });
});
