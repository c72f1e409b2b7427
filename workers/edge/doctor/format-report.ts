import { isCacheable, type DoctorReport, type Finding } from "./report.ts";

/** One line of the report: ✓ (true), ✗ (false) or – (null: for information). */
export type ReportLine = { ok: boolean | null; text: string };
export type ReportSection = { title: string; lines: ReportLine[] };

const line = (ok: boolean | null, text: string): ReportLine => ({ ok, text });
const finding = (label: string, f: Finding) => line(f.ok, `${label}: ${f.detail}`);

const CONSENT_SOURCE: Record<string, string> = {
  cookie: "from the vt_consent cookie",
  gpc: "from a privacy signal (Sec-GPC or DNT)",
  default: "no choice yet",
};

/** The report as a terminal shows it: sections of ✓/✗ lines (see docs/doctor.md). */
export function formatReport(r: DoctorReport): string {
  const out = [`Vitrine doctor: ${r.url}`];
  for (const { title, lines } of reportSections(r)) {
    out.push("", title);
    for (const l of lines) out.push(`  ${l.ok === null ? "–" : l.ok ? "✓" : "✗"} ${l.text}`);
  }
  return out.join("\n");
}

/** The report's sections and lines, shared by the CLI and the dashboard's doctor page. */
export function reportSections(r: DoctorReport): ReportSection[] {
  const out: ReportSection[] = [];
  const section = (title: string, lines: ReportLine[]) => void out.push({ title, lines });

  section("Config", [
    r.config
      ? line(
          r.config.enabled,
          `version ${r.config.version}${r.config.enabled ? "" : " (switched off)"}`,
        )
      : line(false, "no config published: the page passes through untouched"),
  ]);

  if (r.error) {
    section("Origin", [line(false, r.error)]);
    return out;
  }

  const page = [line(r.page.pageType !== "other", `page type: ${r.page.pageType}`)];
  if (r.page.productSlug) page.push(line(null, `product slug: ${r.page.productSlug}`));
  if (r.page.categoryId) page.push(line(null, `category: ${r.page.categoryId}`));
  section("Page", page);

  const o = r.origin;
  section("Origin", [
    line(
      o.status === 200,
      `status ${o.status}${o.status === 200 ? "" : ": only 200 pages are personalized"}`,
    ),
    ...(o.location ? [line(null, `redirects to ${o.location}`)] : []),
    line(/html/i.test(o.contentType ?? ""), `content type: ${o.contentType ?? "none"}`),
    line(
      r.charset.value === "utf-8",
      r.charset.value
        ? `charset: ${r.charset.value} (from the ${r.charset.source === "header" ? "Content-Type header" : "<meta> tag"})`
        : "charset: not declared (browsers guess)",
    ),
    finding("compression", r.compression),
  ]);

  const product: ReportLine[] = [];
  const ld = r.product.jsonLd;
  product.push(
    ld
      ? line(
          !!ld.productId,
          `JSON-LD: ${ld.productId ?? "no productID or sku"}${ld.name ? ` (${ld.name})` : ""}`,
        )
      : line(
          r.page.pageType === "product" && !r.product.microdata ? false : null,
          "JSON-LD: no schema.org Product",
        ),
  );
  const md = r.product.microdata;
  product.push(
    md ? line(true, `microdata: ${md.productId}`) : line(null, "microdata: no Product id"),
  );
  section("Product", product);

  const slots = r.slots.map((s) =>
    s.matches === null
      ? line(false, `${s.slotId} (${s.selector}): invalid selector`)
      : !s.forPageType
        ? line(
            null,
            `${s.slotId} (${s.selector}): not configured for ${r.page.pageType} pages${s.matches ? `, ${s.matches} on the page` : ""}`,
          )
        : line(
            s.matches > 0,
            `${s.slotId} (${s.selector}): ${s.matches === 0 ? "no element matches" : `${s.matches} element${s.matches === 1 ? "" : "s"}`}`,
          ),
  );
  section("Slots", slots.length ? slots : [line(null, "the config has no slots")]);

  const csp = r.csp;
  section(
    "Content-Security-Policy",
    csp.header === null
      ? [line(true, "none: nothing blocks Vitrine's stylesheet and tracker")]
      : [
          line(
            csp.style.allowed,
            `stylesheet: ${csp.style.allowed ? "allowed" : "blocked"} (${csp.style.why})`,
          ),
          line(
            csp.script.allowed,
            `tracker: ${csp.script.allowed ? "allowed" : "blocked"} (${csp.script.why})`,
          ),
        ],
  );

  section("Cache", [
    line(isCacheable(r), `cacheable: ${isCacheable(r) ? "yes" : "no"}`),
    finding("request", r.cache.request),
    finding("response", r.cache.response),
  ]);

  const c = r.consent;
  section("Consent", [
    line(
      c.personalization ? true : c.source === "default" ? null : false,
      `${CONSENT_SOURCE[c.source] ?? c.source}: personalization ${c.personalization ? "yes" : "no"}, analytics ${c.analytics ? "yes" : "no"}`,
    ),
    ...(c.note ? [line(null, c.note)] : []),
  ]);

  const i = r.injected;
  if (i) {
    const who = i.visitor === "cookie" ? "with your cookie" : "as a consenting test visitor";
    const lines: ReportLine[] = [
      line(
        i.mode !== null && !["pass", "error", "no-config", "off"].includes(i.mode),
        `mode ${who}: ${i.mode ?? "none"} (status ${i.status})`,
      ),
      line(i.stylesheet, `stylesheet ${i.stylesheet ? "injected" : "not injected"}`),
      line(i.tracker, `tracker ${i.tracker ? "injected" : "not injected"}`),
    ];
    if (i.cspBlocked) lines.push(line(false, `left out for the CSP: ${i.cspBlocked}`));
    if (i.variants.length === 0) lines.push(line(false, "no variant shown"));
    for (const v of i.variants) lines.push(line(true, `${v.slotId}: ${v.variantId} (${v.reason})`));
    section("Injected", lines);
  }
  return out;
}
