import { SaxesParser, type SaxesTagNS } from "saxes";
import { gmcName, gmcProduct, noAttributes, type GmcAttributes } from "./gmc.ts";
import { FieldError, type FeedParser, type FeedSink, type ParseOptions } from "./types.ts";

export const GOOGLE_NS = "http://base.google.com/ns/1.0";
const ATOM_NS = "http://www.w3.org/2005/Atom";

/**
 * Google Merchant Center feed as XML: RSS 2.0 (`<rss><channel><item>`) or Atom
 * (`<feed><entry>`), attributes in the `g:` namespace or plain RSS/Atom elements (title,
 * link, description). Streams: memory holds one item at a time, whatever the feed's size.
 * Malformed XML stops the parse at the error (reported with its line); items before it count.
 */
export function gmcXmlParser(sink: FeedSink, options: ParseOptions = {}): FeedParser {
  const xml = new SaxesParser({ xmlns: true, position: true });
  let depth = 0;
  let itemDepth = -1;
  let item = 0;
  let itemLine = 0;
  let attrs: GmcAttributes = noAttributes();
  let field: string | null = null;
  let text = "";
  let sawRoot = false;
  let failed = false;

  const isItem = (tag: SaxesTagNS) =>
    (tag.local === "item" && tag.uri === "") || (tag.local === "entry" && tag.uri === ATOM_NS);
  const fieldName = (tag: SaxesTagNS): string | null => {
    if (tag.uri !== GOOGLE_NS && tag.uri !== "" && tag.uri !== ATOM_NS) return null;
    if (tag.uri === ATOM_NS && (tag.local === "summary" || tag.local === "content"))
      return "description";
    return gmcName(tag.local);
  };

  xml.on("opentag", (tag) => {
    if (failed) return;
    depth++;
    if (depth === 1) {
      sawRoot = true;
      if (!(tag.local === "rss" || (tag.local === "feed" && tag.uri === ATOM_NS)))
        fail(`the root element is <${tag.name}>, not <rss> or an Atom <feed>`);
      return;
    }
    if (itemDepth < 0) {
      if (isItem(tag)) {
        itemDepth = depth;
        item++;
        itemLine = xml.line;
        attrs = noAttributes();
      }
      return;
    }
    if (depth !== itemDepth + 1) return;
    field = fieldName(tag);
    text = "";
    // Atom links carry the URL in href; the page itself is rel="alternate" (the default).
    if (field === "link" && tag.uri === ATOM_NS) {
      const rel = tag.attributes.rel?.value ?? "alternate";
      const href = tag.attributes.href?.value;
      if (rel === "alternate" && href && !attrs.link) attrs.link = href;
      field = null;
    }
  });
  const onText = (t: string) => {
    if (field !== null && depth === itemDepth + 1) text += t;
  };
  xml.on("text", onText);
  xml.on("cdata", onText);
  xml.on("closetag", () => {
    if (failed) return;
    if (itemDepth >= 0 && depth === itemDepth + 1 && field !== null) {
      // Repeated attributes (additional_image_link, product_type): the first one counts.
      if (!attrs[field]?.trim()) attrs[field] = text.trim();
      field = null;
    } else if (depth === itemDepth) {
      itemDepth = -1;
      try {
        sink.product(gmcProduct(attrs, options));
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        sink.error({
          line: itemLine,
          item,
          field: e.field,
          message: e.message,
          id: attrs.item_group_id?.trim() || attrs.id?.trim() || undefined,
        });
      }
    }
    depth--;
  });
  function fail(message: string) {
    if (failed) return;
    failed = true;
    sink.error({ line: xml.line, item: itemDepth >= 0 ? item : 0, field: "xml", message });
  }
  xml.on("error", (e) => fail(e.message.replace(/^[^:]*:\d+:\d+: /, "")));

  return {
    write(chunk) {
      if (!failed) xml.write(chunk);
    },
    end() {
      if (failed) return;
      xml.close();
      if (!sawRoot) fail("no XML element found");
    },
  };
}
