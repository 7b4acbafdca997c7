import type { ImportErrorEntry } from "./import-api";

export interface Problem {
  row: number;
  sheet: string | null;
  column: string | null;
  field: string | null;
  value: string;
  message: string;
}

/** One line per problem: per issue where the report names the column, else per message. */
export function problemsOf(entry: ImportErrorEntry): Problem[] {
  const sheet = entry.sheet;
  if (entry.issues.length > 0) {
    return entry.issues.map((issue) => ({
      row: entry.row,
      sheet,
      column: issue.column,
      field: issue.field,
      value: issue.value,
      message: issue.message,
    }));
  }
  return entry.errors.map((message) => ({ row: entry.row, sheet, column: null, field: null, value: "", message }));
}

/** The file's columns as the error rows carry them, in the file's order. */
export function columnsOf(errors: readonly ImportErrorEntry[]): string[] {
  const columns = new Set<string>();
  for (const entry of errors) for (const column of Object.keys(entry.data)) columns.add(column);
  return [...columns];
}

/** The reason(s) for each outlined cell, by row and column; several problems in one cell read as one. */
export function cellProblemsOf(problems: readonly Problem[]): (row: number, column: string) => string | undefined {
  const byCell = new Map<string, string>();
  for (const problem of problems) {
    if (!problem.column) continue;
    const key = `${problem.row}\u0000${problem.column}`;
    const earlier = byCell.get(key);
    byCell.set(key, earlier ? `${earlier}; ${problem.message}` : problem.message);
  }
  return (row, column) => byCell.get(`${row}\u0000${column}`);
}
