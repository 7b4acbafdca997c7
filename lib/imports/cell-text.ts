/**
 * Spreadsheet cell values as the text a user sees, for importing: numbers never in scientific
 * notation (a 20-digit code must not come back as "1.2345E+19"), dates as ISO text, formulas by
 * their cached result.
 */

/**
 * Digits of a number as plain decimal text, rounded to the 15 significant digits a spreadsheet
 * keeps (so 0.1 + 0.2 reads "0.3" and a long code typed as a number reads as Excel shows it with a
 * "0" format).
 */
export function plainNumber(value: number): string {
  if (!Number.isFinite(value)) return "";
  const shortest = String(Number(value.toPrecision(15)));
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest);
  if (!match) return shortest;
  const [, sign, whole, fraction = "", exponentText] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The part of a number format that decides how it reads: quoted literals, [colour]/[locale] codes and escapes removed. */
function formatCore(numFmt: string): string {
  return numFmt
    .split(";")[0]
    .replace(/"[^"]*"/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\\./g, "")
    .replace(/[_*]./g, "")
    .trim();
}

/** Whether a number format shows a date or time (Excel stores both as serial day numbers). */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const core = formatCore(numFmt);
  return core.toLowerCase() !== "general" && /[ymdhs]/i.test(core);
}

const MS_PER_DAY = 86_400_000;
/** Serial 25569 is 1970-01-01 in the 1900 date system (24107 in the 1904 one). */
function serialToEpochMs(serial: number, date1904: boolean): number {
  return (serial - (date1904 ? 24107 : 25569)) * MS_PER_DAY;
}

/**
 * A date as ISO text: "yyyy-mm-dd", with "Thh:mm:ss" only when it has a time of day; a time alone
 * (a serial under one day) as "hh:mm:ss". Rounded to the second, since serials are floating point
 * (noon can be stored as 0.49999999).
 */
export function isoDate(epochMs: number, { timeOnly = false }: { timeOnly?: boolean } = {}): string {
  const date = new Date(Math.round(epochMs / 1000) * 1000);
  const iso = date.toISOString();
  const time = iso.slice(11, 19);
  if (timeOnly) return time;
  return time === "00:00:00" ? iso.slice(0, 10) : `${iso.slice(0, 10)}T${time}`;
}

export function serialDateText(serial: number, date1904: boolean): string {
  return isoDate(serialToEpochMs(serial, date1904), { timeOnly: serial >= 0 && serial < 1 });
}

/**
 * A number under its format, for the formats whose text matters to an import: fixed decimals
 * ("0.00"), zero-padded codes ("00000" shows 42 as "00042") and percentages. Grouping separators
 * are left out on purpose: "1,234" would read as two values in a CSV export and as a string to a
 * number parser. Any other format reads as General.
 */
export function formattedNumber(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return "";
  const core = numFmt ? formatCore(numFmt).replace(/,/g, "") : "";
  const match = /^([#0]*)(?:\.([0#]*))?(%?)$/.exec(core);
  if (!core || !match || (!match[1] && !match[2])) return plainNumber(value);
  const [, whole, fraction = "", percent] = match;
  const shown = percent ? value * 100 : value;
  const places = fraction.length;
  // "#" places are shown only when not zero: "0.0#" shows 1.2 as "1.2" and 1.25 as "1.25".
  const required = fraction.replace(/#/g, "").length;
  let text = places ? shown.toFixed(places) : plainNumber(Math.round(shown));
  while (places && text.endsWith("0") && text.length - text.indexOf(".") - 1 > required) text = text.slice(0, -1);
  if (text.endsWith(".")) text = text.slice(0, -1);
  const minWhole = whole.replace(/#/g, "").length;
  const negative = text.startsWith("-");
  const [intPart, fracPart] = (negative ? text.slice(1) : text).split(".");
  const padded = intPart.padStart(minWhole, "0");
  return `${negative ? "-" : ""}${padded}${fracPart !== undefined ? `.${fracPart}` : ""}${percent}`;
}
