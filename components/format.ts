/** Display formatting shared by the pages; fixed locale so server and browser render alike. */
const LOCALE = "en-US";

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const shortDate = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
const longDate = new Intl.DateTimeFormat(LOCALE, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
// Times are shown in UTC, 24-hour, with the zone named: the server renders in its zone and the
// browser in the user's, and a shift on hydration (or between two admins' screenshots) misleads.
const dateTime = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
const timestamp = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "UTC" });
const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });

export const formatInteger = (value: number) => integer.format(value);
export const formatDecimal = (value: number) => oneDecimal.format(value);
export const formatPercent = (value: number | null | undefined) => (value === null || value === undefined ? "n/a" : `${oneDecimal.format(value)} %`);
/** `date` is an ISO day (YYYY-MM-DD); days are UTC dates, so they are shown in UTC. */
export const formatDay = (date: string) => shortDate.format(new Date(`${date}T00:00:00Z`));
export const formatLongDay = (date: string) => longDate.format(new Date(`${date}T00:00:00Z`));
export const formatDateTime = (iso: string) => `${dateTime.format(new Date(iso))} UTC`;
/** To the second, for timelines and attempts. */
export const formatTimestamp = (iso: string) => `${timestamp.format(new Date(iso))} UTC`;

export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86_400), "day");
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
