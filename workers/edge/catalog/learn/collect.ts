import { MAX_BLOCK_CHARS, MAX_BLOCKS, type PageFacts } from "./read-product.ts";

type Node = Record<string, unknown>;

/** Bytes of a page read for its facts; the rest is not read (product data sits well before). */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_PROPS = 1000;
const MAX_SCOPE_DEPTH = 12;
const MAX_PROP_TEXT = 2048;

/**
 * A microdata property's value when an attribute holds it (HTML's rules, plus `content` on
 * any element as shops write it); null when it is the element's text.
 */
export function microdataAttributeValue(
  tag: string,
  attribute: (name: string) => string | null,
): string | null {
  const content = attribute("content");
  if (content !== null) return content;
  switch (tag) {
    case "meta":
      return "";
    case "a":
    case "area":
    case "link":
      return attribute("href") ?? "";
    case "img":
    case "audio":
    case "embed":
    case "iframe":
    case "source":
    case "track":
    case "video":
      return attribute("src") ?? "";
    case "object":
      return attribute("data") ?? "";
    case "data":
    case "meter":
      return attribute("value") ?? "";
    case "time":
      return attribute("datetime");
    default:
      return null;
  }
}

function add(scope: Node, names: string[], value: unknown): void {
  for (const name of names) {
    if (name === "@type") continue;
    const prev = scope[name];
    scope[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
}

/** Stops a stream after `max` bytes: the reader sees a page cut short, never an error. */
function capped(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (seen >= max) return;
        const room = max - seen;
        seen += chunk.byteLength;
        controller.enqueue(chunk.byteLength > room ? chunk.slice(0, room) : chunk);
        if (seen >= max) controller.terminate();
      },
    }),
  );
}

/**
 * Reads a page's JSON-LD blocks, microdata items and canonical link with HTMLRewriter, off the
 * request path (the caller runs it in waitUntil on its own copy of the body). Bounded: blocks
 * and their size, microdata properties and their text, nesting, and the bytes read.
 */
export async function collectPageFacts(body: ReadableStream<Uint8Array>): Promise<PageFacts> {
  const facts: PageFacts = { jsonLd: [], microdata: [], canonical: null };
  let block: string | null = "";
  const scopes: Node[] = [];
  const texts: { value: string }[] = [];
  let props = 0;

  const onItem = {
    element(el: Element) {
      if (props >= MAX_PROPS) return;
      props++;
      const names = (el.getAttribute("itemprop") ?? "").split(/\s+/).filter(Boolean).slice(0, 4);
      const parent = scopes.at(-1);
      if (el.hasAttribute("itemscope")) {
        const type = (el.getAttribute("itemtype") ?? "").trim().split(/\s+/)[0] ?? "";
        const scope: Node = { "@type": type };
        if (parent && names.length) add(parent, names, scope);
        else if (!parent && !names.length) facts.microdata.push(scope);
        if (scopes.length >= MAX_SCOPE_DEPTH) return;
        try {
          el.onEndTag(() => void scopes.pop());
          scopes.push(scope);
        } catch {
          // A void element: a scope with no properties.
        }
        return;
      }
      if (!parent || !names.length) return;
      const value = microdataAttributeValue(el.tagName, (n) => el.getAttribute(n));
      if (value !== null) return add(parent, names, value.slice(0, MAX_PROP_TEXT));
      const buffer = { value: "" };
      try {
        el.onEndTag(() => {
          texts.splice(texts.indexOf(buffer), 1);
          add(parent, names, buffer.value);
        });
        texts.push(buffer);
      } catch {
        // A void element without a value attribute says nothing.
      }
    },
  };

  const rewriter = new HTMLRewriter()
    .on('script[type="application/ld+json"]', {
      text(chunk) {
        if (block !== null && facts.jsonLd.length < MAX_BLOCKS) {
          block += chunk.text;
          if (block.length > MAX_BLOCK_CHARS) block = null;
        }
        if (!chunk.lastInTextNode) return;
        if (block && facts.jsonLd.length < MAX_BLOCKS) facts.jsonLd.push(block);
        block = "";
      },
    })
    .on('link[rel~="canonical"][href]', {
      element(el) {
        facts.canonical ??= el.getAttribute("href");
      },
    })
    .on("[itemprop]", onItem)
    .on("[itemscope]:not([itemprop])", onItem)
    .onDocument({
      text(chunk) {
        for (const t of texts)
          if (t.value.length < MAX_PROP_TEXT)
            t.value = (t.value + chunk.text).slice(0, MAX_PROP_TEXT);
      },
    });
  const out = rewriter.transform(new Response(capped(body, MAX_PAGE_BYTES))).body;
  if (out) await out.pipeTo(new WritableStream());
  return facts;
}
