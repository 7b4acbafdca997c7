import { prng } from "./sales-generator";

/**
 * Each demo organisation's distribution network: two central DCs that buy from suppliers and
 * three regional warehouses that serve customers, with a lane from every DC to every regional
 * warehouse. Capacities are set by the seed from the simulated stock levels.
 */
export interface DemoWarehouse {
  code: string;
  name: string;
  region: string;
  kind: "CENTRAL" | "REGIONAL";
  /** Share of the organisation's demand served here (regional warehouses; they add up to 1). */
  demandShare: number;
}

export interface DemoLane {
  from: string;
  to: string;
  costPerUnit: number;
  transitDays: number;
}

export interface DemoNetwork {
  warehouses: DemoWarehouse[];
  lanes: DemoLane[];
  suppliers: string[];
}

export const DEMO_NETWORKS: Record<"northwind" | "acme", DemoNetwork> = {
  northwind: {
    warehouses: [
      { code: "DC-MID", name: "Midlands Central DC", region: "UK Midlands", kind: "CENTRAL", demandShare: 0 },
      { code: "DC-RTM", name: "Rotterdam Central DC", region: "Benelux", kind: "CENTRAL", demandShare: 0 },
      { code: "WH-NTH", name: "Leeds Warehouse", region: "UK North", kind: "REGIONAL", demandShare: 0.3 },
      { code: "WH-STH", name: "Reading Warehouse", region: "UK South", kind: "REGIONAL", demandShare: 0.4 },
      { code: "WH-ANR", name: "Antwerp Warehouse", region: "Benelux", kind: "REGIONAL", demandShare: 0.3 },
    ],
    lanes: [
      { from: "DC-MID", to: "WH-NTH", costPerUnit: 0.35, transitDays: 2 },
      { from: "DC-MID", to: "WH-STH", costPerUnit: 0.3, transitDays: 1 },
      { from: "DC-MID", to: "WH-ANR", costPerUnit: 0.9, transitDays: 3 },
      { from: "DC-RTM", to: "WH-NTH", costPerUnit: 0.95, transitDays: 3 },
      { from: "DC-RTM", to: "WH-STH", costPerUnit: 0.8, transitDays: 2 },
      { from: "DC-RTM", to: "WH-ANR", costPerUnit: 0.25, transitDays: 1 },
    ],
    suppliers: ["Sheffield Metalworks", "Rhine Industrial Supply", "Baltic Components", "Lombardy Precision", "Midlands Polymers"],
  },
  acme: {
    warehouses: [
      { code: "DC-CHI", name: "Chicago Central DC", region: "US Midwest", kind: "CENTRAL", demandShare: 0 },
      { code: "DC-ATL", name: "Atlanta Central DC", region: "US Southeast", kind: "CENTRAL", demandShare: 0 },
      { code: "WH-NWK", name: "Newark Warehouse", region: "US Northeast", kind: "REGIONAL", demandShare: 0.35 },
      { code: "WH-DAL", name: "Dallas Warehouse", region: "US South", kind: "REGIONAL", demandShare: 0.3 },
      { code: "WH-ONT", name: "Ontario CA Warehouse", region: "US West", kind: "REGIONAL", demandShare: 0.35 },
    ],
    lanes: [
      { from: "DC-CHI", to: "WH-NWK", costPerUnit: 0.6, transitDays: 2 },
      { from: "DC-CHI", to: "WH-DAL", costPerUnit: 0.7, transitDays: 2 },
      { from: "DC-CHI", to: "WH-ONT", costPerUnit: 1.1, transitDays: 4 },
      { from: "DC-ATL", to: "WH-NWK", costPerUnit: 0.55, transitDays: 2 },
      { from: "DC-ATL", to: "WH-DAL", costPerUnit: 0.5, transitDays: 2 },
      { from: "DC-ATL", to: "WH-ONT", costPerUnit: 1.3, transitDays: 5 },
    ],
    suppliers: ["Great Lakes Steel", "Carolina Bearings", "Gulf Hydraulics", "Pacific Electric Supply", "Ohio Packaging Co"],
  },
};

/** The lane a regional warehouse is normally supplied along: its cheapest. */
export function primaryLane(network: DemoNetwork, warehouse: string): DemoLane {
  const lanes = network.lanes.filter((lane) => lane.to === warehouse).sort((a, b) => a.costPerUnit - b.costPerUnit);
  if (!lanes[0]) throw new Error(`No lane reaches ${warehouse}`);
  return lanes[0];
}

/** How a product is bought and priced; drawn once per product, reproducibly. */
export interface DemoSupplyTerms {
  supplier: string;
  leadTimeDays: number;
  leadTimeStdDays: number;
  orderingCost: number;
  holdingCostRate: number;
  serviceLevel: number;
  unitPrice: number;
}

const SERVICE_LEVELS = [0.9, 0.95, 0.95, 0.975, 0.98, 0.99];

export function demoSupplyTerms(network: DemoNetwork, unitCost: number, seed: number): DemoSupplyTerms {
  const random = prng(seed);
  const leadTimeDays = Math.round((4 + random() * 17) * 2) / 2;
  return {
    supplier: network.suppliers[Math.floor(random() * network.suppliers.length)]!,
    leadTimeDays,
    leadTimeStdDays: Math.round(leadTimeDays * (0.1 + random() * 0.25) * 10) / 10,
    orderingCost: 25 + Math.round(random() * 25) * 5,
    holdingCostRate: Math.round((0.18 + random() * 0.14) * 100) / 100,
    serviceLevel: SERVICE_LEVELS[Math.floor(random() * SERVICE_LEVELS.length)]!,
    unitPrice: Math.round(unitCost * (1.35 + random() * 0.85) * 100) / 100,
  };
}
