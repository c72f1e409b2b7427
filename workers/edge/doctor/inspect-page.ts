import { JsonLdCollector, type ProductJsonLd } from "../context/json-ld.ts";
import { MICRODATA_PRODUCT_ID, productIdFromMicrodata } from "../context/microdata.ts";
import type { SlotSelector } from "../rewrite/page-rewriter.ts";
import type { ShownVariant } from "./report.ts";

/** What HTMLRewriter saw in one page: the same parser and selector engine as the proxy. */
export type PageScan = {
  /** Elements each slot's selector matched; null for a selector HTMLRewriter refuses. */
  matches: Map<string, number | null>;
  jsonLd: ProductJsonLd | null;
  microdataId: string | null;
  metaCharset: string | null;
  /** Variants the page carries (`data-vt-*`), once per slot and variant. */
  variants: ShownVariant[];
  /** Vitrine's own `<link data-vitrine>` / `<script data-vitrine>` tags. */
  stylesheet: boolean;
  tracker: boolean;
  chars: number;
};

const JSON_LD = 'script[type="application/ld+json"]';

/** Reads a whole page through HTMLRewriter, counting each slot selector's matches. */
export async function scanPage(response: Response, selectors: SlotSelector[]): Promise<PageScan> {
  const scan: PageScan = {
    matches: new Map(),
    jsonLd: null,
    microdataId: null,
    metaCharset: null,
    variants: [],
    stylesheet: false,
    tracker: false,
    chars: 0,
  };
  const jsonLd = new JsonLdCollector();
  const shown = new Set<string>();
  let rewriter = new HTMLRewriter()
    .on(JSON_LD, { text: (t) => jsonLd.push(t.text, t.lastInTextNode) })
    .on("meta", {
      element(el) {
        if (scan.metaCharset) return;
        const declared =
          el.getAttribute("charset") ??
          (el.getAttribute("http-equiv")?.toLowerCase() === "content-type"
            ? /charset\s*=\s*([^;\s]+)/i.exec(el.getAttribute("content") ?? "")?.[1]
            : null);
        if (declared) scan.metaCharset = declared;
      },
    })
    .on("[data-vt-variant]", {
      element(el) {
        const variant = {
          slotId: el.getAttribute("data-vt-slot") ?? "",
          variantId: el.getAttribute("data-vt-variant") ?? "",
          reason: el.getAttribute("data-vt-reason") ?? "",
        };
        const key = `${variant.slotId}\n${variant.variantId}`;
        if (!shown.has(key)) scan.variants.push(variant);
        shown.add(key);
      },
    })
    .on("link[data-vitrine]", { element: () => void (scan.stylesheet = true) })
    .on("script[data-vitrine]", { element: () => void (scan.tracker = true) });
  for (const selector of MICRODATA_PRODUCT_ID) {
    let text: string | null = null;
    rewriter = rewriter.on(selector, {
      element(el) {
        if (scan.microdataId) return;
        const content = el.getAttribute("content");
        if (content !== null) {
          scan.microdataId = productIdFromMicrodata(content);
          return;
        }
        text = "";
        try {
          el.onEndTag(() => {
            scan.microdataId ??= productIdFromMicrodata(text);
            text = null;
          });
        } catch {
          text = null; // a void element without `content` names nothing
        }
      },
      text(chunk) {
        if (text !== null && text.length < 1024) text += chunk.text;
      },
    });
  }
  for (const { slotId, selector } of selectors) {
    try {
      rewriter = rewriter.on(selector, {
        element: () => void scan.matches.set(slotId, (scan.matches.get(slotId) ?? 0) + 1),
      });
      scan.matches.set(slotId, 0);
    } catch {
      scan.matches.set(slotId, null);
    }
  }
  scan.chars = (await rewriter.transform(response).text()).length;
  scan.jsonLd = jsonLd.products()[0] ?? null;
  return scan;
}
