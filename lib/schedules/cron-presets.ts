/** The cron presets the schedule form offers; any other five-field pattern is accepted too. */
export const CRON_PRESETS = [
  { id: "nightly", label: "Nightly 02:00", cron: "0 2 * * *" },
  { id: "weekly", label: "Weekly, Mon 06:00", cron: "0 6 * * 1" },
  { id: "monthly", label: "Monthly, 1st 06:00", cron: "0 6 1 * *" },
] as const;
