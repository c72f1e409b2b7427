import type { ConsentChoice } from "../consent.ts";

/**
 * The core segment of an IAB TCF v2 TC string (the `euconsent-v2` cookie), decoded per the
 * IAB "Consent string and vendor list formats v2" spec: base64url (no padding), read as one
 * big-endian bit stream. Only what Vitrine needs to decide is kept; the other segments
 * (disclosed vendors, publisher TC), after the first `.`, are not read.
 */
export type TcString = {
  version: 2;
  /** Epoch ms (the string stores deciseconds). */
  created: number;
  lastUpdated: number;
  cmpId: number;
  cmpVersion: number;
  consentScreen: number;
  /** Two letters, e.g. "EN". */
  consentLanguage: string;
  vendorListVersion: number;
  /** 2 for TCF v2.0/2.1 strings, 4 for TCF v2.2. */
  tcfPolicyVersion: number;
  isServiceSpecific: boolean;
  useNonStandardTexts: boolean;
  specialFeatureOptIns: number[];
  /** Purposes (1-24) the visitor consented to. */
  purposesConsent: number[];
  /** Purposes (1-24) disclosed under legitimate interest (not consent: Vitrine ignores them). */
  purposesLITransparency: number[];
  purposeOneTreatment: boolean;
  publisherCC: string;
  /** Vendors with consent, as inclusive id ranges (a bitfield is turned into ranges too). */
  vendorConsents: { maxVendorId: number; ranges: [number, number][] };
};

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Bits before the vendor consent section: the fixed-width core fields. */
const CORE_FIXED_BITS = 213;

/** Reads unsigned big-endian fields from base64url text, 6 bits per character. */
class BitReader {
  private pos = 0;
  constructor(private readonly sextets: number[]) {}
  get remaining(): number {
    return this.sextets.length * 6 - this.pos;
  }
  /** Throws past the end: decodeTcString turns that into null. */
  int(n: number): number {
    if (n > this.remaining) throw new RangeError("truncated");
    let v = 0;
    for (let i = 0; i < n; i++, this.pos++) {
      const bit = (this.sextets[Math.floor(this.pos / 6)]! >> (5 - (this.pos % 6))) & 1;
      v = v * 2 + bit; // arithmetic, not <<: fields are up to 36 bits
    }
    return v;
  }
  bool(): boolean {
    return this.int(1) === 1;
  }
  /** An n-bit field as the 1-based positions of its set bits. */
  flags(n: number): number[] {
    const out: number[] = [];
    for (let i = 1; i <= n; i++) if (this.bool()) out.push(i);
    return out;
  }
  letters(): string {
    return String.fromCharCode(65 + this.int(6), 65 + this.int(6));
  }
}

/** The core segment of a TC string, or null when it is not one (never throws). */
export function decodeTcString(value: string | null | undefined): TcString | null {
  if (!value) return null;
  const core = value.trim().split(".")[0]!.replace(/=+$/, "");
  if (!core || core.length > 4096) return null;
  const sextets: number[] = [];
  for (const ch of core) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) return null;
    sextets.push(i);
  }
  try {
    return readCore(new BitReader(sextets));
  } catch {
    return null;
  }
}

function readCore(r: BitReader): TcString | null {
  if (r.remaining < CORE_FIXED_BITS + 17) return null;
  const version = r.int(6);
  if (version !== 2) return null;
  const tc = {
    version,
    created: r.int(36) * 100,
    lastUpdated: r.int(36) * 100,
    cmpId: r.int(12),
    cmpVersion: r.int(12),
    consentScreen: r.int(6),
    consentLanguage: r.letters(),
    vendorListVersion: r.int(12),
    tcfPolicyVersion: r.int(6),
    isServiceSpecific: r.bool(),
    useNonStandardTexts: r.bool(),
    specialFeatureOptIns: r.flags(12),
    purposesConsent: r.flags(24),
    purposesLITransparency: r.flags(24),
    purposeOneTreatment: r.bool(),
    publisherCC: r.letters(),
  } as const;
  const vendorConsents = readVendorSection(r);
  return vendorConsents ? { ...tc, vendorConsents } : null;
}

/** MaxVendorId, IsRangeEncoding, then a bitfield or NumEntries ranges; null if inconsistent. */
function readVendorSection(r: BitReader): TcString["vendorConsents"] | null {
  const maxVendorId = r.int(16);
  const ranges: [number, number][] = [];
  if (!r.bool()) {
    let start = 0;
    for (let id = 1; id <= maxVendorId; id++) {
      const on = r.bool();
      if (on && !start) start = id;
      if (!on && start) {
        ranges.push([start, id - 1]);
        start = 0;
      }
    }
    if (start) ranges.push([start, maxVendorId]);
    return { maxVendorId, ranges };
  }
  const entries = r.int(12);
  for (let i = 0; i < entries; i++) {
    const isRange = r.bool();
    const start = r.int(16);
    const end = isRange ? r.int(16) : start;
    if (start < 1 || end < start || end > maxVendorId) return null;
    ranges.push([start, end]);
  }
  return { maxVendorId, ranges };
}

/** Whether the vendor with this Global Vendor List id has consent. */
export function hasVendorConsent(tc: TcString, vendorId: number): boolean {
  return tc.vendorConsents.ranges.some(([start, end]) => vendorId >= start && vendorId <= end);
}

export type TcfMapping = {
  personalizationPurposes: number[];
  analyticsPurposes: number[];
  vendorId?: number;
};

/**
 * Vitrine's tiers from a TC string: a tier is granted when every purpose it maps to has
 * consent (legitimate interest never counts: consent first) and, with `vendorId`, that vendor
 * has consent too. Null when the value is not a TC string (no recognised answer).
 */
export function tcfChoice(value: string | null, mapping: TcfMapping): ConsentChoice | null {
  const tc = decodeTcString(value);
  if (!tc) return null;
  const vendorOk = mapping.vendorId === undefined || hasVendorConsent(tc, mapping.vendorId);
  const all = (purposes: number[]) =>
    vendorOk && purposes.every((p) => tc.purposesConsent.includes(p));
  return {
    personalization: all(mapping.personalizationPurposes),
    analytics: all(mapping.analyticsPurposes),
  };
}
