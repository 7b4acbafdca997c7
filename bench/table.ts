/** Markdown tables with padded columns: readable in a terminal, pasteable into a PR. */
export type Cell = string | number | null | undefined;

export function table(headers: string[], rows: Cell[][], align: ("l" | "r")[] = []): string {
  const text = rows.map((row) => row.map(formatCell));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => (row[column] ?? "").length)));
  const pad = (value: string, column: number) =>
    (align[column] ?? (column === 0 ? "l" : "r")) === "l" ? value.padEnd(widths[column]!) : value.padStart(widths[column]!);
  const line = (cells: string[]) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => ((align[column] ?? (column === 0 ? "l" : "r")) === "l" ? `:${"-".repeat(width + 1)}` : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  return [line(headers), rule, ...text.map(line)].join("\n");
}

function formatCell(value: Cell): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "–";
    return Number.isInteger(value) ? value.toLocaleString("en-US") : formatNumber(value);
  }
  return value;
}

export function formatNumber(value: number, digits?: number): string {
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
}

export function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "–" : formatNumber(value, digits);
}

export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "–" : `${(value * 100).toFixed(digits)} %`;
}

export function verdict(ok: boolean): string {
  return ok ? "✓ met" : "✗ missed";
}

export function section(title: string): string {
  return `\n## ${title}\n`;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}
