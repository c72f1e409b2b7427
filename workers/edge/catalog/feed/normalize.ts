import { AVAILABILITIES, FieldError, type Availability } from "./types.ts";

const minorDigitsCache = new Map<string, number>();

/** Decimal places of a currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

export function currencyOf(raw: string, field: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new FieldError(field, `"${raw}" is not a currency code`);
  return code;
}

/**
 * A decimal amount ("1299.5", "1,299.50", "12,99") to minor units, by string arithmetic so
 * no float rounding creeps in.
 */
export function amountToMinor(raw: string, currency: string, field: string): number {
  let s = raw.trim().replace(/\s/g, "");
  if (s.includes(",") && s.includes(".")) s = s.replace(/,/g, "");
  else if (/^\d+,\d{1,3}$/.test(s) && !/^\d{1,3},\d{3}$/.test(s)) s = s.replace(",", ".");
  else s = s.replace(/,(?=\d{3}(\D|$))/g, "");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) throw new FieldError(field, `"${raw}" is not a price`);
  const digits = minorDigits(currency);
  const frac = (m[2] ?? "").padEnd(digits, "0");
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits)))
    throw new FieldError(field, `"${raw}" has more decimals than ${currency} allows`);
  const value = Number(m[1]) * 10 ** digits + Number(frac.slice(0, digits) || "0");
  if (!Number.isSafeInteger(value)) throw new FieldError(field, `"${raw}" is too large`);
  return value;
}

/** Google's price attribute: "15.00 USD" (also "USD 15.00"). */
export function gmcPrice(raw: string, field: string): { cents: number; currency: string } {
  const parts = raw.trim().split(/\s+/);
  if (parts.length !== 2)
    throw new FieldError(field, `"${raw}" is not a price with a currency, e.g. "15.00 USD"`);
  const [a, b] = parts as [string, string];
  const isCode = (s: string) => /^[A-Za-z]{3}$/.test(s);
  if (!isCode(a) && !isCode(b))
    throw new FieldError(field, `"${raw}" is not a price with a currency, e.g. "15.00 USD"`);
  const [amount, code] = isCode(b) ? [a, b] : [b, a];
  const currency = currencyOf(code, field);
  return { cents: amountToMinor(amount, currency, field), currency };
}

/** Feed availability in any of Google's spellings ("in stock", "in_stock", "available for order"). */
export function availabilityOf(raw: string, field = "availability"): Availability {
  const v = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if ((AVAILABILITIES as readonly string[]).includes(v)) return v as Availability;
  if (v === "available_for_order" || v === "backordered") return "backorder";
  if (v === "pre_order") return "preorder";
  if (v === "instock") return "in_stock";
  if (v === "outofstock" || v === "sold_out") return "out_of_stock";
  throw new FieldError(field, `"${raw}" is not one of in_stock, out_of_stock, preorder, backorder`);
}

/** Lowercase ASCII words joined by dashes; "" when nothing is left. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
}

/** The last path segment of a product URL, as a slug ("/products/trail-x?v=1" -> "trail-x"). */
export function slugFromUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const segments = new URL(url, "http://x").pathname.split("/").filter(Boolean);
    const last = segments.at(-1);
    const slug = last ? slugify(decodeURIComponent(last).replace(/\.html?$/, "")) : "";
    return slug || null;
  } catch {
    return null;
  }
}

/** "Apparel & Accessories > Shoes > Trail" -> ["Apparel & Accessories", "Shoes", "Trail"]. */
export function categoryPathOf(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(">")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An absolute http(s) URL, resolved against `base` when relative; null when absent. */
export function urlOf(raw: string | undefined, field: string, base?: string): string | null {
  const v = raw?.trim();
  if (!v) return null;
  let url: URL;
  try {
    url = new URL(v, base);
  } catch {
    throw new FieldError(field, `"${v}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new FieldError(field, `"${v}" is not an http(s) URL`);
  return url.href;
}

/** Tags stripped, entities decoded enough for a plain-text description, bounded in length. */
export function plainText(html: string | undefined, max = 2000): string {
  if (!html) return "";
  // Bounded before any pattern runs, and tags matched without crossing a "<": linear time on
  // text full of "<" with no ">" (the greedy `<[^>]*>` is quadratic there).
  return html
    .slice(0, max * 8)
    .replace(/<[^<>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, max);
}
