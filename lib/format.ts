// Display formatting shared by the overview, the call log and the CLI. Fixed to en-US
// so numbers read the same on the server and in every browser ("8,750 / 20,000 calls").

const count = new Intl.NumberFormat("en-US");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** 8750 → "8,750". */
export function formatCount(value: number): string {
  return count.format(value);
}

const plurals = new Intl.PluralRules("en-US");

/** A count with its noun in the right number: (1, "call") → "1 call", (8750, "call") → "8,750 calls". */
export function countOf(value: number, one: string, other = `${one}s`): string {
  return `${count.format(value)} ${plurals.select(value) === "one" ? one : other}`;
}

/** 43.75 → "43.8%"; whole numbers without a decimal. */
export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/** Milliseconds as "12 ms" or "1.24 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

/** Bytes as "512 B", "1.2 KB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A UTC `YYYY-MM-DD` day as "Nov 20". */
export function formatDay(day: string): string {
  const [, month = "1", date = "1"] = day.split("-");
  return `${MONTHS[Number(month) - 1] ?? ""} ${Number(date)}`;
}

/** An instant in UTC as "Dec 1, 00:00 UTC". */
export function formatUtc(instant: Date): string {
  const hh = String(instant.getUTCHours()).padStart(2, "0");
  const mm = String(instant.getUTCMinutes()).padStart(2, "0");
  return `${MONTHS[instant.getUTCMonth()] ?? ""} ${instant.getUTCDate()}, ${hh}:${mm} UTC`;
}
