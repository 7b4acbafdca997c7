import { cx } from "./cx";

type Tone = "active" | "success" | "danger" | "idle";

const FILLS: Record<Tone, string> = {
  active: "bg-indigo-600 dark:bg-indigo-400",
  success: "bg-emerald-600 dark:bg-emerald-400",
  danger: "bg-red-600 dark:bg-red-400",
  idle: "bg-slate-400 dark:bg-slate-500",
};

export function ProgressBar({ value, label, tone = "active", className }: { value: number; label: string; tone?: Tone; className?: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
      className={cx("h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800", className)}
    >
      <div className={cx("h-full rounded-full transition-[width] duration-500 ease-out", FILLS[tone])} style={{ width: `${percent}%` }} />
    </div>
  );
}
