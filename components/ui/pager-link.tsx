import Link from "next/link";
import type { ReactNode } from "react";
import { cx } from "./cx";

const base =
  "inline-flex h-8 items-center rounded-md px-2.5 text-sm font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** A link to another page of a list; a page that does not exist shows as a disabled label. */
export function PagerLink({ href, disabled = false, scroll, children }: { href: string; disabled?: boolean; scroll?: boolean; children: ReactNode }) {
  if (disabled) {
    return (
      <span aria-disabled className={cx(base, "cursor-not-allowed text-slate-400 ring-slate-200 dark:text-slate-600 dark:ring-slate-800")}>
        {children}
      </span>
    );
  }
  return (
    <Link href={href} scroll={scroll} className={cx(base, "bg-white text-slate-900 ring-slate-300 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-700")}>
      {children}
    </Link>
  );
}
