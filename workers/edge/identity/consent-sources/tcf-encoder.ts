/**
 * Test support: writes the core segment of a TC string, field by field in the order of the
 * IAB TCF v2 spec, so tests build real-looking strings from readable values. Not used at runtime.
 */
export type TcInput = {
  version?: number;
  created?: number;
  lastUpdated?: number;
  cmpId?: number;
  cmpVersion?: number;
  consentScreen?: number;
  consentLanguage?: string;
  vendorListVersion?: number;
  tcfPolicyVersion?: number;
  purposesConsent?: number[];
  purposesLITransparency?: number[];
  specialFeatureOptIns?: number[];
  purposeOneTreatment?: boolean;
  publisherCC?: string;
  vendorConsents?: number[];
  /** MaxVendorId as written (default: the largest vendor id), to build inconsistent strings. */
  maxVendorId?: number;
  /** Write the vendor section as ranges (NumEntries + entries) rather than a bitfield. */
  rangeEncoding?: boolean;
};

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

class BitWriter {
  bits = "";
  int(value: number, n: number): this {
    if (value < 0 || value >= 2 ** n) throw new Error(`${value} does not fit in ${n} bits`);
    this.bits += value.toString(2).padStart(n, "0");
    return this;
  }
  bool(b: boolean): this {
    return this.int(b ? 1 : 0, 1);
  }
  flags(set: number[], n: number): this {
    for (let i = 1; i <= n; i++) this.bool(set.includes(i));
    return this;
  }
  letters(two: string): this {
    return this.int(two.charCodeAt(0) - 65, 6).int(two.charCodeAt(1) - 65, 6);
  }
  base64url(): string {
    const padded = this.bits.padEnd(Math.ceil(this.bits.length / 6) * 6, "0");
    let out = "";
    for (let i = 0; i < padded.length; i += 6) out += ALPHABET[parseInt(padded.slice(i, i + 6), 2)];
    return out;
  }
}

/** Consecutive ids as inclusive [start, end] runs. */
function runs(ids: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last && last[1] === id - 1) last[1] = id;
    else out.push([id, id]);
  }
  return out;
}

/** The core segment for `input` (defaults: a TCF v2.2 string with no consents). */
export function encodeTcString(input: TcInput = {}): string {
  const w = new BitWriter();
  const ds = (ms: number) => Math.round(ms / 100);
  w.int(input.version ?? 2, 6)
    .int(ds(input.created ?? 1_764_000_000_000), 36)
    .int(ds(input.lastUpdated ?? input.created ?? 1_764_000_000_000), 36)
    .int(input.cmpId ?? 300, 12)
    .int(input.cmpVersion ?? 7, 12)
    .int(input.consentScreen ?? 1, 6)
    .letters(input.consentLanguage ?? "DE")
    .int(input.vendorListVersion ?? 120, 12)
    .int(input.tcfPolicyVersion ?? 4, 6)
    .bool(false)
    .bool(false)
    .flags(input.specialFeatureOptIns ?? [], 12)
    .flags(input.purposesConsent ?? [], 24)
    .flags(input.purposesLITransparency ?? [], 24)
    .bool(input.purposeOneTreatment ?? false)
    .letters(input.publisherCC ?? "DE");
  const vendors = input.vendorConsents ?? [];
  const maxVendorId = input.maxVendorId ?? (vendors.length ? Math.max(...vendors) : 0);
  w.int(maxVendorId, 16).bool(input.rangeEncoding ?? false);
  if (input.rangeEncoding) {
    const entries = runs(vendors);
    w.int(entries.length, 12);
    for (const [start, end] of entries) {
      w.bool(start !== end).int(start, 16);
      if (start !== end) w.int(end, 16);
    }
  } else {
    w.flags(vendors, maxVendorId);
  }
  // An empty vendor legitimate-interest section closes the core segment, as CMPs write it.
  w.int(0, 16).bool(false);
  return w.base64url();
}
