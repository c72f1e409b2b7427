// @ts-check
/**
 * Vitrine's browser client for single-page shops, served as an ES module at
 * /__vitrine/v1/assets/client.js. It asks the Worker for the decisions of each client-side
 * route (the same ones a full page load gets), applies them to the slots' elements, and
 * reports events and consent. Plain JS checked against the DOM types by ./tsconfig.json; the
 * Worker serves its source (see ./tracker-source.ts), so it must not close over anything.
 *
 * @param {{ base?: string }} [options]
 */
export function vitrineClient(options = {}) {
  const base = options.base || "/__vitrine/v1";
  /**
   * @param {string} path
   * @param {unknown} body
   */
  const post = async (path, body) => {
    const res = await fetch(base + path, {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await res.json();
    if (!res.ok) throw new Error(`${path}: ${answer.message || res.status}`);
    return answer;
  };
  const newId = () =>
    typeof crypto !== "undefined" && "randomUUID" in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  /** @param {Element} el @param {Decision} d */
  const mark = (el, d) => {
    el.setAttribute("data-vt-slot", d.slot);
    el.setAttribute("data-vt-variant", d.variant);
    el.setAttribute("data-vt-reason", d.reason);
  };

  return {
    /**
     * Decisions for a route: `{ path, referrer?, pageType?, productId?, categoryId?, record? }`.
     * @param {{ path: string, referrer?: string | null, pageType?: string, productId?: string, categoryId?: string, record?: boolean }} route
     * @returns {Promise<{ mode: string, configVersion: number | null, decisions: Decision[] }>}
     */
    decide: (route) => post("/decide", route),

    /**
     * Applies decisions to the current DOM, like the Worker does to HTML: `replace` fills the
     * slot element, `append`/`prepend`/`before`/`after` add a marked wrapper, `remove` and
     * `setAttribute` act on the element. Earlier wrappers of the same slot are removed first.
     * @param {{ decisions: Decision[] }} answer
     * @param {ParentNode} [root]
     * @returns {number} how many elements changed
     */
    apply(answer, root = document) {
      let changed = 0;
      for (const d of answer.decisions) {
        root
          .querySelectorAll(`.vt-module[data-vt-slot="${CSS.escape(d.slot)}"]`)
          .forEach((w) => w.remove());
        for (const el of Array.from(root.querySelectorAll(d.selector))) {
          changed++;
          if (d.action === "remove") el.remove();
          else if (d.action === "setAttribute" && d.attribute) {
            el.setAttribute(d.attribute, d.html);
            mark(el, d);
          } else if (d.action === "replace") {
            el.innerHTML = d.html;
            mark(el, d);
          } else {
            const wrapper = document.createElement("div");
            wrapper.className = "vt-module";
            mark(wrapper, d);
            wrapper.innerHTML = d.html;
            /** @type {Record<string, InsertPosition>} */
            const where = {
              append: "beforeend",
              prepend: "afterbegin",
              before: "beforebegin",
              after: "afterend",
            };
            el.insertAdjacentElement(where[d.action] || "beforeend", wrapper);
          }
        }
      }
      return changed;
    },

    /**
     * Reports events (see the events API); ids are added when missing.
     * @param {Array<{ type: string, id?: string } & Record<string, unknown>>} events
     */
    track: (events) =>
      post("/events", {
        events: events.map((e) => ({ ...e, id: e.id || newId(), at: Date.now() })),
      }),

    /**
     * Records the visitor's consent choice.
     * @param {{ personalization: boolean, analytics: boolean }} choice
     */
    consent: (choice) => post("/consent", choice),
  };
}

/**
 * @typedef {{ slot: string, selector: string, action: string, attribute: string | null,
 *   variant: string, reason: string, experiment: { id: string, arm: string } | null,
 *   html: string }} Decision
 */
