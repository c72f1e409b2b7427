import { MICRODATA_PRODUCT_ID, productIdFromMicrodata } from "../context/microdata.ts";
import { sanitizeModule, slotTargetProblem } from "./sanitize-module.ts";

export type { RenderedSlot, SlotAction } from "../model/rendered-slot.ts";
import type { RenderedSlot } from "../model/rendered-slot.ts";

export type SlotSelector = { slotId: string; selector: string };

export type PageRewrite = {
  /** Slot selectors from the active config; HTMLRewriter needs them before the page starts. */
  selectors: SlotSelector[];
  /** Tags for the end of <head> (stylesheet, tracker): asked for before the page starts. */
  headHtml(): string;
  /**
   * Receives each complete JSON-LD block in <head>/<body>, in document order, until it returns
   * true (it has what it needs): later blocks are then not even buffered. Absent: the page's
   * product is already known, and JSON-LD is not watched at all.
   */
  onJsonLd?: (text: string) => boolean | void;
  /**
   * Receives the product id the page's microdata gives (see context/microdata.ts), once, as
   * soon as it is read. Absent: microdata is not watched.
   */
  onMicrodataProductId?: (id: string) => void;
  /**
   * Tags for the end of <body> (the tracker of a page whose product is learnt from the page
   * itself, which is known by then wherever the page says it); at the document's end when the
   * page has no </body>. A promise holds the page's end until it settles.
   */
  tailHtml?: () => string | Promise<string>;
  /**
   * The slots, asked for at each slot's element: the JSON-LD and microdata before it are read
   * by then (the caller plans once, and once more when the page names its product later).
   * A promise (the visitor's data still on its way) holds the stream at that element, after
   * everything before it went out; a map goes on at once.
   */
  plan(): Map<string, RenderedSlot> | Promise<Map<string, RenderedSlot>>;
  /**
   * Nobody reads the outcome (there is no page view to record): then nothing watches the
   * origin's body or the document's end, and the body goes into the rewriter natively, with no
   * trip into JS per chunk. The outcome is null.
   */
  unwatched?: boolean;
};

export type RewriteOutcome = {
  /** Slots that were written into the page (what the visitor actually saw, up to where they left). */
  applied: RenderedSlot[];
  errors: string[];
};

const JSON_LD = 'script[type="application/ld+json"]';
/** A JSON-LD block larger than this is skipped rather than held in memory. */
const MAX_JSON_LD = 64 * 1024;

/**
 * Streams `response` through HTMLRewriter: the page is never buffered, and only a slot whose
 * plan is still on its way (or the tail's) holds the stream, everything before it already out;
 * every other chunk flows on as soon as it is parsed. Every handler catches its own
 * failure and leaves the origin markup as it was, so a personalization error can never break
 * the page.
 */
export function rewritePage(
  response: Response,
  rewrite: PageRewrite,
): { response: Response; outcome: Promise<RewriteOutcome> | null } {
  const applied: RenderedSlot[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  let planFailed = false;
  const planFailure = (err: unknown) => {
    errors.push(`plan: ${String(err)}`);
    planFailed = true;
    return new Map<string, RenderedSlot>();
  };
  const plan = (): Map<string, RenderedSlot> | Promise<Map<string, RenderedSlot>> => {
    if (planFailed) return new Map();
    try {
      const slots = rewrite.plan();
      return slots instanceof Promise ? slots.catch(planFailure) : slots;
    } catch (err) {
      return planFailure(err);
    }
  };
  // Every handler called is a trip from the parser into JS (the isolate lock, a turn of the
  // event loop) that also cuts the output into one more piece: only what this page needs is
  // registered.
  let rewriter = new HTMLRewriter();
  let headTags = "";
  try {
    headTags = rewrite.headHtml();
  } catch (err) {
    errors.push(`head: ${String(err)}`);
  }
  if (headTags)
    rewriter = rewriter.on("head", {
      element(head) {
        head.append(headTags, { html: true });
      },
    });

  const onJsonLd = rewrite.onJsonLd;
  if (onJsonLd) {
    let jsonLd = "";
    let jsonLdDone = false;
    rewriter = rewriter.on(JSON_LD, {
      text(chunk) {
        if (jsonLdDone) return;
        if (jsonLd.length <= MAX_JSON_LD) jsonLd += chunk.text;
        if (!chunk.lastInTextNode) return;
        const text = jsonLd;
        jsonLd = "";
        if (text.length > MAX_JSON_LD) return;
        try {
          jsonLdDone = onJsonLd(text) === true;
        } catch (err) {
          errors.push(`json-ld: ${String(err)}`);
        }
      },
    });
  }

  const onMicrodata = rewrite.onMicrodataProductId;
  if (onMicrodata) {
    let found = false;
    const take = (value: string | null) => {
      const id = productIdFromMicrodata(value);
      if (found || !id) return;
      found = true;
      try {
        onMicrodata(id);
      } catch (err) {
        errors.push(`microdata: ${String(err)}`);
      }
    };
    for (const selector of MICRODATA_PRODUCT_ID) {
      let text: string | null = null;
      rewriter = rewriter.on(selector, {
        element(el) {
          if (found) return;
          const content = el.getAttribute("content");
          if (content !== null || el.removed) return take(content);
          text = "";
          try {
            el.onEndTag(() => {
              take(text);
              text = null;
            });
          } catch {
            // A void element without `content` names nothing.
            text = null;
          }
        },
        text(chunk) {
          if (text !== null && text.length < 1024) text += chunk.text;
        },
      });
    }
  }

  const tailHtml = rewrite.tailHtml;
  if (tailHtml) {
    let placed = false;
    const failed = (err: unknown) => {
      errors.push(`tail: ${String(err)}`);
      return "";
    };
    const place = (write: (html: string) => void): void | Promise<void> => {
      if (placed) return;
      placed = true;
      let html: string | Promise<string>;
      try {
        html = tailHtml();
      } catch (err) {
        html = failed(err);
      }
      const written = (h: string) => {
        if (h) write(h);
      };
      if (!(html instanceof Promise)) return written(html);
      return html.catch(failed).then(written);
    };
    rewriter = rewriter
      .on("body", {
        element(body) {
          body.onEndTag((end) => place((html) => end.before(html, { html: true })));
        },
      })
      .onDocument({
        end(end) {
          return place((html) => end.append(html, { html: true }));
        },
      });
  }

  for (const { slotId, selector } of rewrite.selectors) {
    rewriter = rewriter.on(selector, {
      element(el) {
        // A slot is filled once, at its first match: a module must not repeat down the page.
        if (seen.has(slotId)) return;
        seen.add(slotId);
        const fail = (err: unknown) => void errors.push(`slot ${slotId}: ${String(err)}`);
        const fill = (slots: Map<string, RenderedSlot>): void | Promise<void> => {
          const slot = slots.get(slotId);
          if (!slot) return;
          const refused = slotTargetProblem(el.tagName, el.namespaceURI, slot.attribute?.name);
          if (refused) return fail(refused);
          const apply = (html: string | null) => {
            if (html === null) return fail("module markup refused by the sanitizer");
            applySlot(el, slot, html);
            applied.push(slot);
          };
          if (!hasMarkup(slot)) return apply("");
          // Sanitized once per distinct module: a repeat goes on at once; a new one suspends
          // the stream only for the time HTMLRewriter takes over the module itself.
          const html = sanitizeModule(slot.html, slot.hosts ?? []);
          if (!(html instanceof Promise)) return apply(html);
          return html.then(apply, fail);
        };
        try {
          const slots = plan();
          if (!(slots instanceof Promise)) return fill(slots);
          return slots.then(fill).catch(fail);
        } catch (err) {
          fail(err);
        }
      },
    });
  }

  if (rewrite.unwatched) return { response: rewriter.transform(response), outcome: null };
  let finish!: (outcome: RewriteOutcome) => void;
  const outcome = new Promise<RewriteOutcome>((resolve) => (finish = resolve));
  // The document's end, heard after the parser is done (the input's end comes earlier: the
  // runtime reads the next chunk while the rewriter writes the one before).
  rewriter = rewriter.onDocument({
    end() {
      finish({ applied, errors });
    },
  });
  if (!response.body) return { response: rewriter.transform(response), outcome };
  const body = readAhead(response.body, (err) => {
    errors.push(`stream: ${String(err)}`);
    finish({ applied, errors });
  });
  return { response: rewriter.transform(new Response(body, response)), outcome };
}

/** How far the watch reads the origin's body ahead of the rewriter (see readAhead). */
export const READ_AHEAD_BYTES = 256 * 1024;
/** The most one read of the origin takes at once: a cached product page in one piece. */
export const READ_BYTES = 64 * 1024;

/**
 * The rewriter's input: the origin's body, read ahead and watched. The document's end never
 * comes when the visitor leaves mid-page or the origin's stream breaks; `onAbort` hears of
 * both, so the page view is still recorded with what was written so far (a promise left
 * pending would also hang the request's waitUntil). The visitor's cancel reaches here through
 * the rewriter: the page goes out from the rewriter natively, and JS sees each origin chunk
 * once, on the input (watching the output would cost a trip into JS per output chunk; a native
 * IdentityTransformStream pipe is not used because workerd refuses it for some bodies, e.g.
 * stale cached copies in the test runtime).
 *
 * Reads take up to READ_BYTES into a buffer of its own (BYOB) where the body allows: the
 * runtime's default reads give 4 KiB, so a cached 12 KiB page would take three reads and three
 * rewriter writes, each a trip into JS. Reads run up to READ_AHEAD_BYTES ahead of the
 * rewriter into a queue of its own, so no chunk waits for the one before to be rewritten; the
 * rewriter still takes one chunk at a time, so a visitor who leaves mid-page still cancels
 * here, and the origin's end or error reaches it only after the chunks before it.
 */
export function readAhead(
  body: ReadableStream<Uint8Array>,
  onAbort: (reason: unknown) => void,
): ReadableStream<Uint8Array> {
  const read = reader(body);
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let end: { error?: unknown } | null = null;
  let filling = false;
  let wake: (() => void) | null = null;
  const fill = async () => {
    filling = true;
    try {
      while (!end && queuedBytes < READ_AHEAD_BYTES) {
        const value = await read.next();
        if (!value) end = {};
        else {
          queue.push(value);
          queuedBytes += value.byteLength;
        }
        wake?.();
      }
    } catch (error) {
      end = { error };
      wake?.();
    } finally {
      filling = false;
    }
  };
  const refill = () => {
    if (!filling && !end) void fill();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      refill();
      while (!queue.length && !end) await new Promise<void>((resolve) => (wake = resolve));
      const chunk = queue.shift();
      if (chunk) {
        queuedBytes -= chunk.byteLength;
        controller.enqueue(chunk);
        refill();
      } else if (end && "error" in end) {
        onAbort(end.error);
        controller.error(end.error);
      } else controller.close();
    },
    cancel(reason) {
      onAbort(reason);
      return read.cancel(reason);
    },
  });
}

/**
 * Reads `body` in pieces of up to READ_BYTES: each read fills one reused buffer and what it
 * got is copied out at its own size, so a trickling origin holds no 64 KiB per byte. Streams
 * without BYOB (a JS stream) are read as they come.
 */
function reader(body: ReadableStream<Uint8Array>): {
  next(): Promise<Uint8Array | null>;
  cancel(reason: unknown): Promise<void>;
} {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    const plain = body.getReader();
    return {
      next: async () => {
        const { done, value } = await plain.read();
        return done ? null : value;
      },
      cancel: (reason) => plain.cancel(reason),
    };
  }
  let buffer = new ArrayBuffer(READ_BYTES);
  return {
    async next() {
      const { done, value } = await byob.read(new Uint8Array(buffer));
      if (done || !value) return null;
      // The read detached `buffer`; the view it returned holds it now.
      buffer = value.buffer as ArrayBuffer;
      return value.slice();
    },
    cancel: (reason) => byob.cancel(reason),
  };
}

const hasMarkup = (slot: RenderedSlot) =>
  slot.action !== "remove" && slot.action !== "setAttribute";

/** Applies a slot; `html` is its module markup, already sanitized. */
function applySlot(el: Element, slot: RenderedSlot, html: string): void {
  if (slot.action === "remove") {
    el.remove();
    return;
  }
  if (slot.action === "setAttribute") {
    if (!slot.attribute) return;
    // HTMLRewriter encodes attribute values itself; the value is plain text here.
    el.setAttribute(slot.attribute.name, slot.attribute.value);
    markElement(el, slot);
    return;
  }
  const options = { html: true };
  if (slot.action === "replace") {
    // The slot's own element stays (the shop's layout depends on it) and carries the marks.
    el.setInnerContent(html, options);
    markElement(el, slot);
    return;
  }
  const module = wrap(slot, html);
  switch (slot.action) {
    case "append":
      el.append(module, options);
      return;
    case "prepend":
      el.prepend(module, options);
      return;
    case "before":
      el.before(module, options);
      return;
    case "after":
      el.after(module, options);
      return;
  }
}

function markElement(el: Element, slot: RenderedSlot): void {
  el.setAttribute("data-vt-slot", slot.slotId);
  el.setAttribute("data-vt-variant", slot.variantId);
  el.setAttribute("data-vt-reason", slot.reason);
}

/** Injected markup says what it is and why, for the tracker, QA and curious shop owners. */
function wrap(slot: RenderedSlot, html: string): string {
  return (
    `<div class="vt-module" data-vt-slot="${escapeAttribute(slot.slotId)}" ` +
    `data-vt-variant="${escapeAttribute(slot.variantId)}" data-vt-reason="${escapeAttribute(slot.reason)}">` +
    `${html}</div>`
  );
}

export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
