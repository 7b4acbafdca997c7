import { z } from "zod";
import { IMPORT_ENTITY_TYPES, MAX_ID_LENGTH } from "../jobs/catalog";
import { choiceCell, dateCell, integerCell, numberCell, optionalCell, textCell } from "./cells";

export type ImportEntityType = (typeof IMPORT_ENTITY_TYPES)[number];

/** How a field is held in the staging table the rows are copied into. */
export type StageType = "text" | "integer" | "numeric" | "double precision" | "date";

export interface ImportField {
  field: string;
  label: string;
  required: boolean;
  description: string;
  /**
   * Headers that name this field besides its name and label, compared normalised (case, spaces and
   * punctuation ignored): what other systems' exports and people's spreadsheets call it.
   */
  synonyms: readonly string[];
  /** Reads the cell as written into the stored value; optional fields give undefined for an empty cell. */
  schema: z.ZodType;
  stageType: StageType;
  /** Another entity the value must name: a product by SKU or a warehouse by code, in the organisation. */
  references?: "product" | "warehouse";
}

interface FieldOptions {
  required?: boolean;
  description: string;
  synonyms?: readonly string[];
  references?: "product" | "warehouse";
  /** The value of an optional field left empty or unmapped, where the stored row needs one (a stock count's day). */
  fallback?: () => string;
}

export interface ImportEntity {
  entityType: ImportEntityType;
  label: string;
  /** What identifies a row: a second row with the same key in a file is a duplicate, and a row with the key of a stored one updates it. */
  naturalKey: readonly string[];
  fields: readonly ImportField[];
}

const SKU_SYNONYMS = ["item code", "item", "item number", "item no", "part number", "part no", "product code", "article number", "article", "sku code"];
const MONEY_MAX = 9_999_999_999.99;

function field(
  name: string,
  label: string,
  schema: z.ZodType,
  stageType: StageType,
  { required = true, description, synonyms = [], references, fallback }: FieldOptions,
): ImportField {
  const optional = fallback ? optionalCell(schema).transform((value) => value ?? fallback()) : optionalCell(schema);
  return { field: name, label, required, description, synonyms, schema: required ? schema : optional, stageType, ...(references ? { references } : {}) };
}

const skuField = (description: string) =>
  field("sku", "SKU", textCell(MAX_ID_LENGTH), "text", { description, synonyms: SKU_SYNONYMS, references: "product" });

/**
 * The entities a file can import, with the tables they land in (prisma/schema.prisma): Product,
 * SalesDaily, StockSnapshot, Warehouse and ProductSupply.
 */
export const importEntities: { [K in ImportEntityType]: ImportEntity & { entityType: K } } = {
  products: {
    entityType: "products",
    label: "Products",
    naturalKey: ["sku"],
    fields: [
      field("sku", "SKU", textCell(MAX_ID_LENGTH), "text", { description: "The product's code, unique in the organisation; kept as written (leading zeros too)", synonyms: SKU_SYNONYMS }),
      field("name", "Name", textCell(500), "text", { description: "What the product is called", synonyms: ["product name", "item name", "description", "title"] }),
      field("category", "Category", textCell(MAX_ID_LENGTH), "text", { description: "Product group, for filters and reports", synonyms: ["product category", "group", "product group", "family", "product family"] }),
      field("unitCost", "Unit cost", numberCell({ min: 0, max: MONEY_MAX, places: 2 }), "numeric", {
        description: "Cost of goods per unit (2 decimals at most)",
        synonyms: ["cost", "cost price", "standard cost", "unit cost price"],
      }),
      field("unitPrice", "Unit price", numberCell({ min: 0, max: MONEY_MAX, places: 2 }), "numeric", {
        required: false,
        description: "Selling price per unit (2 decimals at most); a new product without one gets 0, a stored one keeps its own",
        synonyms: ["price", "selling price", "sales price", "list price", "sell price"],
      }),
    ],
  },
  sales: {
    entityType: "sales",
    label: "Sales history",
    naturalKey: ["sku", "date"],
    fields: [
      skuField("The product sold: a SKU of the organisation's products"),
      field("date", "Date", dateCell(), "date", { description: "The day of the sales, as yyyy-mm-dd or dd/mm/yyyy", synonyms: ["day", "sale date", "sales date", "order date", "transaction date"] }),
      field("quantity", "Quantity", integerCell({ min: 0 }), "integer", { description: "Units sold that day (a whole number, 0 or more)", synonyms: ["qty", "units", "units sold", "quantity sold", "qty sold", "sold", "sales"] }),
    ],
  },
  inventory: {
    entityType: "inventory",
    label: "Inventory levels",
    naturalKey: ["sku", "warehouse", "date"],
    fields: [
      skuField("The product counted: a SKU of the organisation's products"),
      field("warehouse", "Warehouse", textCell(MAX_ID_LENGTH), "text", {
        description: "The warehouse's code, e.g. DC-MID: one of the organisation's warehouses",
        synonyms: ["warehouse code", "location", "location code", "site", "store", "depot"],
        references: "warehouse",
      }),
      field("date", "Date", dateCell(), "date", {
        required: false,
        description: "The day the stock was counted (end of day), as yyyy-mm-dd or dd/mm/yyyy; the day of the import (UTC) when the file has no date",
        synonyms: ["snapshot date", "count date", "stock date", "as of", "as of date", "day"],
        fallback: () => new Date().toISOString().slice(0, 10),
      }),
      field("onHand", "On hand", integerCell({ min: 0 }), "integer", {
        description: "Units on hand at the end of the day (a whole number, 0 or more)",
        synonyms: ["qty on hand", "quantity on hand", "qoh", "stock", "stock level", "stock on hand", "soh", "inventory", "quantity", "qty", "units"],
      }),
      field("unfilled", "Unfilled", integerCell({ min: 0 }), "integer", {
        required: false,
        description: "Demand of that day the warehouse could not serve (lost sales); 0 when left empty on a new row, a stored row keeps its own",
        synonyms: ["unfilled demand", "lost sales", "lost units", "stockout units"],
      }),
    ],
  },
  warehouses: {
    entityType: "warehouses",
    label: "Warehouses",
    naturalKey: ["code"],
    fields: [
      field("code", "Code", textCell(MAX_ID_LENGTH), "text", { description: "The warehouse's code, unique in the organisation, e.g. DC-MID", synonyms: ["warehouse code", "warehouse", "location code", "site code", "id"] }),
      field("name", "Name", textCell(500), "text", { description: "What the warehouse is called", synonyms: ["warehouse name", "location name", "site name", "description"] }),
      field("region", "Region", textCell(MAX_ID_LENGTH), "text", { description: "Where it is, for reports", synonyms: ["area", "zone", "territory"] }),
      field("kind", "Kind", choiceCell(["CENTRAL", "REGIONAL"]), "text", {
        required: false,
        description: "CENTRAL (a distribution centre supplying the others) or REGIONAL (serves customers); REGIONAL when left empty on a new row",
        synonyms: ["type", "warehouse type", "role"],
      }),
      field("capacity", "Capacity", integerCell({ min: 0 }), "integer", { description: "Units it can hold, all products together", synonyms: ["max units", "capacity units", "max capacity"] }),
      field("demandShare", "Demand share", numberCell({ min: 0, max: 1 }), "double precision", {
        required: false,
        description: "Share of the organisation's sales it serves, 0 to 1 (central DCs: 0); 0 when left empty on a new row",
        synonyms: ["share", "share of demand", "demand split"],
      }),
    ],
  },
  "lead-times": {
    entityType: "lead-times",
    label: "Lead times and ordering costs",
    naturalKey: ["sku"],
    fields: [
      skuField("The product bought: a SKU of the organisation's products"),
      field("supplier", "Supplier", textCell(500), "text", { description: "Who the product is bought from", synonyms: ["vendor", "supplier name", "vendor name"] }),
      field("leadTimeDays", "Lead time (days)", numberCell({ min: 0, max: 3_650 }), "double precision", {
        description: "Mean days from order to delivery",
        synonyms: ["lead time", "lead time days", "lt", "lt days", "lead days", "delivery time"],
      }),
      field("leadTimeStdDays", "Lead time std. dev. (days)", numberCell({ min: 0, max: 3_650 }), "double precision", {
        required: false,
        description: "Standard deviation of the lead time in days; 0 when left empty on a new row",
        synonyms: ["lead time std", "lead time sd", "lead time standard deviation", "lt std", "lead time variability"],
      }),
      field("orderingCost", "Ordering cost", numberCell({ min: 0, max: MONEY_MAX, places: 2 }), "numeric", {
        description: "Cost of placing one order (2 decimals at most)",
        synonyms: ["order cost", "cost per order", "setup cost", "ordering cost per order"],
      }),
      field("holdingCostRate", "Holding cost rate", numberCell({ above: 0, max: 10 }), "double precision", {
        description: "Yearly holding cost as a fraction of unit cost (0.25 = 25 % a year)",
        synonyms: ["holding rate", "holding cost", "carrying cost rate", "carrying cost", "holding cost %"],
      }),
      field("serviceLevel", "Service level", numberCell({ above: 0.5, below: 1 }), "double precision", {
        required: false,
        description: "Target cycle service level as a probability (0.95); 0.95 when left empty on a new row",
        synonyms: ["target service level", "csl", "cycle service level"],
      }),
    ],
  },
};

export function importEntity(entityType: ImportEntityType): ImportEntity {
  return importEntities[entityType];
}

/** A row's fields, parsed: what the schema of its entity gives. */
export type ParsedRow = Record<string, string | number | undefined>;

/** The row schema of an entity: one cell schema per field, over the cells the mapping gave it. */
export function rowSchema(entity: ImportEntity): z.ZodType<ParsedRow> {
  return z.object(Object.fromEntries(entity.fields.map((spec) => [spec.field, spec.schema]))) as unknown as z.ZodType<ParsedRow>;
}

/** The entity as the API describes it (GET /api/v1/imports/entities). */
export function describeEntity(entity: ImportEntity) {
  return {
    entityType: entity.entityType,
    label: entity.label,
    naturalKey: [...entity.naturalKey],
    fields: entity.fields.map(({ field, label, required, description }) => ({ field, label, required, description })),
  };
}
