import type { HTMLAttributes, ReactNode, TableHTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cx } from "./cx";

/*
 * The app's data table: one look for every list of jobs, groups, entries or workers. Cells are
 * padded like a card's body (px-5 at the edges) so a table lines up with the card around it, and
 * the table scrolls sideways inside its card on narrow screens instead of widening the page.
 * Sorting and paging stay with the page (they live in the URL there).
 *
 * Cells set no colour or weight of their own (they inherit the table's), so a className passed to
 * a cell never fights a default.
 */

type Align = "left" | "right";

export function Table({
  caption,
  className,
  wrapperClassName,
  children,
  ...props
}: TableHTMLAttributes<HTMLTableElement> & {
  /** Read by screen readers only: what the rows are. */
  caption?: ReactNode;
  wrapperClassName?: string;
}) {
  return (
    <div className={cx("overflow-x-auto", wrapperClassName)}>
      <table className={cx("w-full text-left text-sm text-slate-700 dark:text-slate-300", className)} {...props}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

/** The header row; its children are Th cells. */
export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-50 text-xs font-medium tracking-wide whitespace-nowrap text-slate-600 uppercase dark:bg-slate-900/60 dark:text-slate-400">
      <tr>{children}</tr>
    </thead>
  );
}

export function TBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cx("divide-y divide-slate-200 dark:divide-slate-800", className)} {...props} />;
}

const edges = "px-3 first:pl-5 last:pr-5";

/** A column header. */
export function Th({ align = "left", className, ...props }: ThHTMLAttributes<HTMLTableCellElement> & { align?: Align }) {
  return <th scope="col" className={cx(edges, "py-2.5 font-medium", align === "right" ? "text-right" : "text-left", className)} {...props} />;
}

/** A row, highlighted under the pointer unless `hover` is off. */
export function Tr({ hover = true, className, ...props }: HTMLAttributes<HTMLTableRowElement> & { hover?: boolean }) {
  return <tr className={cx("align-top", hover && "hover:bg-slate-50 dark:hover:bg-slate-800/40", className)} {...props} />;
}

/** A cell; `rowHeader` makes it the row's header (a <th scope="row">, bold unless className sets a weight). */
export function Td({
  align = "left",
  numeric = false,
  rowHeader = false,
  className,
  ...props
}: TdHTMLAttributes<HTMLTableCellElement> & { align?: Align; numeric?: boolean; rowHeader?: boolean }) {
  const classes = cx(edges, "py-2.5", align === "right" || numeric ? "text-right" : "text-left", numeric && "tabular-nums", className);
  return rowHeader ? <th scope="row" className={classes} {...props} /> : <td className={classes} {...props} />;
}
