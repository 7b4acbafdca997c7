import { cx } from "../ui/cx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table";

export interface GridRow {
  row: number;
  values: Record<string, unknown>;
}

/** A cell's value as the file holds it; an empty cell shows as empty, not as "undefined". */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Rows as the spreadsheet shows them: its row numbers down the side, its column names across.
 * `problem` marks the cells a report names, with the reason as the cell's title and in the
 * accessible name, so the eye and the screen reader both find the offending cell.
 */
export function SheetGrid({
  caption,
  headers,
  rows,
  problem,
}: {
  caption: string;
  headers: readonly string[];
  rows: readonly GridRow[];
  problem?(row: number, column: string): string | undefined;
}) {
  return (
    <Table caption={caption} className="font-mono text-xs">
      <THead>
        <Th className="w-12 text-right font-sans">Row</Th>
        {headers.map((header) => (
          <Th key={header} className="font-sans normal-case">
            {header}
          </Th>
        ))}
      </THead>
      <TBody>
        {rows.map((row) => (
          <Tr key={row.row}>
            <Td rowHeader numeric className="font-sans font-medium text-slate-500 dark:text-slate-400">
              {row.row}
            </Td>
            {headers.map((header) => {
              const message = problem?.(row.row, header);
              const text = cellText(row.values[header]);
              return (
                <Td
                  key={header}
                  title={message}
                  data-problem={message ? "true" : undefined}
                  aria-label={message ? `${text || "empty"}: ${message}` : undefined}
                  className={cx("max-w-64 truncate whitespace-pre", message && "bg-red-50 font-semibold text-red-800 ring-2 ring-red-400 ring-inset dark:bg-red-950/60 dark:text-red-200")}
                >
                  {text}
                </Td>
              );
            })}
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
