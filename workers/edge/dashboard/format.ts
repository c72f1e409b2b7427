/** Number formatting for the dashboard: fixed locale, so pages and tests read the same. */
const LOCALE = "en-GB";

export function money(cents: number, currency = "EUR"): string {
  return new Intl.NumberFormat(LOCALE, { style: "currency", currency }).format(cents / 100);
}

export function integer(n: number): string {
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 }).format(n);
}

export function percent(share: number, digits = 1): string {
  if (!Number.isFinite(share)) return "–";
  return `${(share * 100).toFixed(digits)}%`;
}

/** Signed percentage, e.g. "+4.2%", for uplifts. */
export function signedPercent(share: number, digits = 1): string {
  if (!Number.isFinite(share)) return "–";
  return `${share >= 0 ? "+" : "−"}${Math.abs(share * 100).toFixed(digits)}%`;
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return "–";
  return p < 0.0001 ? "< 0.0001" : p.toFixed(4);
}

export function date(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  return new Date(ms).toISOString().slice(0, 10);
}

export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
