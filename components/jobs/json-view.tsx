import { cx } from "../ui/cx";

/** Pretty-printed JSON in a scrollable, keyboard-focusable block. */
export function JsonView({ value, label, className }: { value: unknown; label: string; className?: string }) {
  const text = value === undefined ? "undefined" : JSON.stringify(value, null, 2);
  return (
    <pre
      tabIndex={0}
      aria-label={label}
      className={cx(
        "max-h-96 overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs leading-relaxed text-slate-800 ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:bg-slate-950 dark:text-slate-200 dark:ring-slate-800",
        className,
      )}
    >
      {text}
    </pre>
  );
}
