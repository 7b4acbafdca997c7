/**
 * Deterministic demo sales: each product gets a level, trend, weekly and yearly seasonality,
 * promotions, noise, and a few items have intermittent demand. Same inputs, same numbers.
 */
export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  unitCost: number;
  profile: DemandProfile;
}

export interface DemandProfile {
  baseLevel: number;
  /** Relative growth per year, e.g. 0.15 = +15 %/year. */
  annualTrend: number;
  /** Amplitude of the weekly pattern relative to the level. */
  weeklyAmplitude: number;
  yearlyAmplitude: number;
  /** Day of year of the yearly peak. */
  yearlyPeakDay: number;
  noise: number;
  /** Probability of a promotion starting on a given day. */
  promotionRate: number;
  /** Intermittent items sell on only this share of days. */
  demandProbability: number;
}

/** mulberry32: small, fast, good enough for demo data, and reproducible. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const CATEGORIES = [
  { name: "Fasteners", items: ["Hex Bolt M8", "Hex Nut M8", "Washer M10", "Wood Screw 4x40", "Rivet 5mm", "Anchor Bolt M12", "Machine Screw M4", "Lock Nut M6", "Threaded Rod M10", "Spring Washer M8"], cost: [0.05, 0.6] },
  { name: "Bearings", items: ["Ball Bearing 6204", "Ball Bearing 6305", "Roller Bearing 30205", "Needle Bearing NK20", "Thrust Bearing 51105", "Pillow Block UCP205", "Flange Bearing UCF206", "Linear Bearing LM12UU"], cost: [3, 45] },
  { name: "Hydraulics", items: ["Hydraulic Hose 1/2in", "Gear Pump 10cc", "Directional Valve 4/3", "Pressure Gauge 250bar", "Hydraulic Cylinder 50mm", "Quick Coupler 3/8in", "Return Filter 25µm", "Hydraulic Oil ISO46 20L"], cost: [8, 320] },
  { name: "Electrical", items: ["Contactor 24V 25A", "Circuit Breaker C16", "Proximity Sensor M18", "Cable 3x2.5mm 100m", "Terminal Block 4mm", "Relay 24VDC", "Push Button Green", "Emergency Stop Switch", "Power Supply 24V 5A", "Cable Gland M20"], cost: [0.8, 140] },
  { name: "Packaging", items: ["Corrugated Box 40x30x30", "Stretch Film 500mm", "Pallet 1200x800", "Packing Tape 50mm", "Bubble Wrap Roll", "Strapping Band 12mm", "Label Roll 100x150", "Foam Insert Set"], cost: [0.3, 18] },
  { name: "Raw Materials", items: ["Steel Sheet 2mm", "Aluminium Bar 20mm", "Copper Wire 1.5mm", "ABS Granulate 25kg", "Stainless Tube 25mm", "Brass Rod 10mm", "Polycarbonate Sheet 4mm", "Rubber Sheet 3mm"], cost: [4, 95] },
] as const;

/** Products in six categories; intermittent demand for every ninth item. */
export function demoProducts(count: number, seed = 20_260_101): DemoProduct[] {
  const random = prng(seed);
  const products: DemoProduct[] = [];
  for (let index = 0; index < count; index++) {
    const category = CATEGORIES[index % CATEGORIES.length]!;
    const round = Math.floor(index / CATEGORIES.length);
    const item = category.items[round % category.items.length]!;
    const variant = Math.floor(round / category.items.length);
    const intermittent = index % 9 === 8;
    const [minCost, maxCost] = category.cost;
    products.push({
      sku: `${category.name.slice(0, 3).toUpperCase()}-${String(index + 1).padStart(5, "0")}`,
      name: variant === 0 ? item : `${item} (v${variant + 1})`,
      category: category.name,
      unitCost: Math.round((minCost + random() * (maxCost - minCost)) * 100) / 100,
      profile: {
        baseLevel: intermittent ? 1 + random() * 2 : 20 + random() * 180,
        annualTrend: -0.1 + random() * 0.4,
        weeklyAmplitude: 0.1 + random() * 0.35,
        yearlyAmplitude: random() * 0.4,
        yearlyPeakDay: Math.floor(random() * 365),
        noise: 0.08 + random() * 0.15,
        promotionRate: random() < 0.5 ? 0.01 : 0,
        demandProbability: intermittent ? 0.15 + random() * 0.25 : 1,
      },
    });
  }
  return products;
}

/** Weekly shape: weekdays busy, weekends quiet (index 0 = Sunday). */
const WEEKDAY_SHAPE = [-1, 0.4, 0.6, 0.5, 0.4, 0.3, -1.2];

/** Daily quantities for `days` days ending on `endDate` (inclusive, UTC). */
export function generateDailySales(profile: DemandProfile, endDate: Date, days: number, seed: number): { date: Date; quantity: number }[] {
  const random = prng(seed);
  const rows: { date: Date; quantity: number }[] = [];
  const endMs = Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth(), endDate.getUTCDate());
  let promotionDaysLeft = 0;
  for (let offset = days - 1; offset >= 0; offset--) {
    const date = new Date(endMs - offset * 86_400_000);
    const t = (days - 1 - offset) / 365;
    const dayOfYear = Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000);
    const weekly = 1 + profile.weeklyAmplitude * WEEKDAY_SHAPE[date.getUTCDay()]!;
    const yearly = 1 + profile.yearlyAmplitude * Math.cos((2 * Math.PI * (dayOfYear - profile.yearlyPeakDay)) / 365);
    if (promotionDaysLeft === 0 && random() < profile.promotionRate) promotionDaysLeft = 3 + Math.floor(random() * 5);
    const promotion = promotionDaysLeft > 0 ? 1.6 : 1;
    if (promotionDaysLeft > 0) promotionDaysLeft--;
    const expected = profile.baseLevel * (1 + profile.annualTrend * t) * weekly * yearly * promotion;
    const sells = random() < profile.demandProbability;
    const quantity = sells ? Math.max(0, Math.round(expected * (1 + profile.noise * normal(random)))) : 0;
    rows.push({ date, quantity });
  }
  return rows;
}
