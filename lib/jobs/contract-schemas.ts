import { z } from "zod";
import type { QueueDefinition } from "./catalog";

/**
 * The job catalogue's contracts as JSON Schema (draft 2020-12), shared by the job-contracts doc
 * (scripts/docs.ts) and the OpenAPI document (lib/openapi), so both publish the same schemas.
 */

export interface JsonSchema {
  $ref?: string;
  title?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  format?: string;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

/** Job data as a client sends it (defaults optional); results as the job returns them, open to fields added later. */
export function payloadJsonSchema(definition: QueueDefinition): JsonSchema {
  return z.toJSONSchema(definition.payload, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

export function resultJsonSchema(definition: QueueDefinition): JsonSchema {
  return z.toJSONSchema(definition.result, {
    io: "output",
    unrepresentable: "any",
    // Fields may be added beside the documented ones; a client must not reject them.
    override: (context) => {
      if (context.jsonSchema.additionalProperties === false) delete context.jsonSchema.additionalProperties;
    },
  }) as JsonSchema;
}

const json = (value: unknown) => JSON.stringify(value);

/** A schema's type in words: "array of string", "\"csv\" | \"json\"", a component's name for a $ref. */
export function typeName(schema: JsonSchema): string {
  if (schema.$ref) return schema.$ref.slice(schema.$ref.lastIndexOf("/") + 1);
  if (schema.const !== undefined) return json(schema.const);
  if (schema.enum) return schema.enum.map(json).join(" | ");
  if (schema.anyOf ?? schema.oneOf) return (schema.anyOf ?? schema.oneOf)!.map(typeName).join(" or ");
  if (Array.isArray(schema.type)) return schema.type.join(" or ");
  switch (schema.type) {
    case "array":
      if (schema.prefixItems) return `[${schema.prefixItems.map(typeName).join(", ")}]`;
      return schema.items ? `array of ${typeName(schema.items)}` : "array";
    case "string":
      return schema.format === "date" ? "date (YYYY-MM-DD)" : "string";
    case "object":
      if (schema.properties) return "object";
      return typeof schema.additionalProperties === "object" && Object.keys(schema.additionalProperties).length > 0
        ? `object of ${typeName(schema.additionalProperties)}`
        : "object (any keys)";
    case undefined:
      return "any";
    default:
      return schema.type;
  }
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** A schema's constraints in words: lengths, bounds, closed objects. */
export function rules(schema: JsonSchema): string {
  const found: string[] = [];
  if (schema.minLength !== undefined || schema.maxLength !== undefined) found.push(`${schema.minLength ?? 0}–${schema.maxLength ?? "∞"} characters`);
  if (schema.minimum !== undefined && schema.minimum > -SAFE) found.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) found.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined && schema.maximum < SAFE) found.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) found.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minItems !== undefined && !schema.prefixItems) found.push(`at least ${schema.minItems}`);
  if (schema.additionalProperties === false) found.push("no other fields");
  for (const option of schema.anyOf ?? []) {
    const inner = rules(option);
    if (inner) found.push(`${typeName(option)}: ${inner}`);
  }
  return found.join(", ");
}

export interface FieldRow {
  path: string;
  schema: JsonSchema;
  required: boolean;
}

/** Every field, nested ones as `a.b` and fields of list items as `a[].b`. */
export function fieldRows(schema: JsonSchema, prefix = ""): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    rows.push({ path, schema: child, required: schema.required?.includes(name) ?? false });
    if (child.properties) rows.push(...fieldRows(child, `${path}.`));
    if (child.items && child.items.properties) rows.push(...fieldRows(child.items, `${path}[].`));
  }
  return rows;
}
