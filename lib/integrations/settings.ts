import { z } from "zod";

/**
 * An integration's settings. Provider locations become warehouses through `locationWarehouses`
 * (location name or id → warehouse code) first; a location it does not name goes to the
 * warehouse whose code or name equals the location's name (case-insensitive). Each warehouse is
 * fed by one location: a second location resolving to it is reported, not added in.
 */
export const integrationSettingsSchema = z
  .object({
    syncIntervalMinutes: z
      .number({ error: "must be a number of minutes or null" })
      .int("must be a whole number of minutes")
      .min(5, "must be at least 5 minutes")
      .max(7 * 24 * 60, "must be at most a week (10080 minutes)")
      .nullable()
      .default(null)
      .describe("Minutes between scheduled incremental syncs; null: only on demand and by webhook"),
    locationWarehouses: z
      .record(z.string().trim().min(1).max(200), z.string().trim().min(1, "must name a warehouse code").max(200))
      .default({})
      .describe("Provider location (name or id) → warehouse code; unnamed locations match a warehouse by code or name"),
  })
  .strict();

export type IntegrationSettings = z.infer<typeof integrationSettingsSchema>;

/** Settings as stored; a row written by an older version gets today's defaults. */
export function readSettings(value: unknown): IntegrationSettings {
  const parsed = integrationSettingsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : integrationSettingsSchema.parse({});
}

export interface WarehouseRef {
  id: string;
  code: string;
  name: string;
}

/** The warehouse a provider location feeds, or undefined when nothing matches. */
export function warehouseForLocation(location: { id: string; name: string }, settings: IntegrationSettings, warehouses: readonly WarehouseRef[]): WarehouseRef | undefined {
  const byCode = new Map(warehouses.map((warehouse) => [warehouse.code.toLowerCase(), warehouse]));
  const mapped = settings.locationWarehouses[location.id] ?? settings.locationWarehouses[location.name];
  if (mapped !== undefined) return byCode.get(mapped.toLowerCase());
  const name = location.name.trim().toLowerCase();
  return byCode.get(name) ?? warehouses.find((warehouse) => warehouse.name.trim().toLowerCase() === name);
}
