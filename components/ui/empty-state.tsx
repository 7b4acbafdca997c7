import type { ReactNode } from "react";
import { cx } from "./cx";

export function EmptyState({ title, children, className }: { title: ReactNode; children?: ReactNode; className?: string }) {
  return (
    <div className={cx("rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center dark:border-slate-700", className)}>
      <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{title}</p>
      {children ? <div className="mt-1 text-sm text-slate-600 dark:text-slate-400">{children}</div> : null}
    </div>
  );
}
