/** Exact, for reasons and timelines: "5 min", "30 s", "800 ms" (a limit of 800 ms must not read "1 s"). */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
