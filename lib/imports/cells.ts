import { z } from "zod";

/**
 * Zod schemas that read one spreadsheet cell, as the user wrote it (a string; "" for an empty
 * cell), into the value a field stores. Text is kept as written apart from surrounding spaces,
 * so "0017" stays "0017"; numbers and dates accept only unambiguous forms and say which form
 * they expected when a cell is not one.
 */

/** A cell that must hold something: an empty one fails with "is required". */
const present = z.string({ error: "is required" }).trim().min(1, "is required");

export function textCell(max: number) {
  return present.max(max, `must be at most ${max} characters`);
}

/**
 * "1234", "-3", "1,234.5" (commas as thousands separators), "12.50". A decimal comma ("12,5") is
 * refused rather than guessed: "1,234" would read as 1234 under one convention and 1.234 under the other.
 */
const NUMBER = /^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/;

function toNumber(value: string, ctx: z.RefinementCtx): number {
  if (!NUMBER.test(value)) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a number (expected digits with a dot for decimals, e.g. 1234.5 or 1,234.5)` });
    return z.NEVER;
  }
  return Number(value.replace(/,/g, ""));
}

export function integerCell({ min, max = 2_147_483_647 }: { min: number; max?: number }) {
  return present.transform(toNumber).pipe(
    z
      .number()
      .int("must be a whole number")
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max.toLocaleString("en-US")}`),
  );
}

/**
 * A decimal number within bounds. `places` limits the decimals the column stores (money in
 * Decimal(12, 2)): more are refused, since rounding would change the value the user wrote.
 */
export function numberCell({ min, max, above, below, places }: { min?: number; max?: number; above?: number; below?: number; places?: number }) {
  let schema = z.number().finite();
  if (min !== undefined) schema = schema.min(min, `must be at least ${min}`);
  if (above !== undefined) schema = schema.gt(above, `must be above ${above}`);
  if (max !== undefined) schema = schema.max(max, `must be at most ${max.toLocaleString("en-US")}`);
  if (below !== undefined) schema = schema.lt(below, `must be below ${below}`);
  const withPlaces = present.refine((value) => places === undefined || (value.split(".")[1]?.length ?? 0) <= places, `must have at most ${places} decimals`);
  return withPlaces.transform(toNumber).pipe(schema);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DAY_FIRST = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/;
export const DATE_FORMS = "yyyy-mm-dd (ISO) or dd/mm/yyyy (or dd.mm.yyyy)";

function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * A calendar day as "yyyy-mm-dd". ISO dates (a time after "T" is dropped: stock and sales are
 * per day) and day-first dates: dd/mm/yyyy is what European spreadsheets write, and a US-ordered
 * date is refused rather than read as another day ("12/31/2026" has no month 31). Excel's date
 * cells reach here already as ISO (the file reader turns serials into dates).
 */
export function dateCell() {
  return present.transform((value, ctx) => {
    const iso = ISO_DATE.exec(value);
    const dayFirst = iso ? null : DAY_FIRST.exec(value);
    const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : [];
    const parsed = year && month && day ? calendarDate(Number(year), Number(month), Number(day)) : null;
    if (parsed) return parsed;
    const why = dayFirst && Number(dayFirst[2]) > 12 ? ` (read as dd/mm/yyyy, ${dayFirst[2]} is not a month)` : "";
    ctx.addIssue({ code: "custom", message: `"${value}" is not a date${why}; expected ${DATE_FORMS}` });
    return z.NEVER;
  });
}

/** One of a few words, in any case ("central", "Central"); stored as the canonical spelling. */
export function choiceCell<const T extends string>(values: readonly [T, ...T[]]) {
  return present.transform((value, ctx) => {
    const found = values.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (found) return found;
    ctx.addIssue({ code: "custom", message: `"${value}" is not one of ${values.join(", ")}` });
    return z.NEVER;
  });
}

/** Wraps a cell schema for an optional field: an empty cell gives undefined (keep or default), anything else must parse. */
export function optionalCell<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());
}
