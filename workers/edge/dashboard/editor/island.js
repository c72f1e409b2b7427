// @ts-check
/**
 * The visual editor's island: the element picker (reaching into the same-origin frame that
 * shows the shop page), the template check as you type, the rule builder and its JSON, and
 * the draft it hands to the Config page's routes (saved, it links the Persona page). Plain JS
 * checked against the DOM types by ./tsconfig.island.json; the Worker serves its source (see
 * ./island-source.ts), so it must not close over anything. Everything the engine knows
 * (fields, operators, actions) comes from the page.
 */
export function vitrineEditor() {
  const root = /** @type {HTMLElement} */ (document.getElementById("editor"));
  if (!root) return;
  const base = root.dataset.base || "";
  const canEdit = root.dataset.canEdit === "true";
  /** @type {{ fields: any[]; actions: string[]; listSources: string[]; pageTypes: string[]; experimentStatuses: string[] }} */
  const choices = JSON.parse(root.dataset.choices || "{}");
  /** @type {{ version: number | null; experiments: Record<string, { status: string }>; holdoutPercent: number | null }} */
  const state = JSON.parse(root.dataset.state || "{}");
  const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

  /** Elements built from text: nothing is ever inserted as HTML. */
  function el(
    /** @type {string} */ tag,
    /** @type {Record<string, any>} */ props = {},
    /** @type {any[]} */ ...kids
  ) {
    const node = /** @type {any} */ (document.createElement(tag));
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = String(v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k in node && k !== "list") node[k] = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) if (kid) node.append(kid);
    return node;
  }
  const debounce = (/** @type {() => unknown} */ fn, ms = 250) => {
    let t = 0;
    return () => {
      clearTimeout(t);
      t = /** @type {any} */ (setTimeout(() => void fn(), ms));
    };
  };
  /** JSON to one of the editor's routes; errors come back as `{ message }`. */
  async function post(/** @type {string} */ route, /** @type {unknown} */ body) {
    const res = await fetch(`${base}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const json = await res.json().catch(() => ({ message: `HTTP ${res.status}` }));
    return { ok: res.ok, status: res.status, json };
  }

  // ---------------------------------------------------------------- 1. page and place
  const frame = /** @type {HTMLIFrameElement} */ ($("editor-frame"));
  const pathInput = $("editor-path");
  const selectorInput = $("slot-selector");
  const selectorStatus = $("selector-status");
  const countsTable = $("selector-counts");
  const actionSelect = $("slot-action");
  let currentPath = pathInput.value || "/";
  /** @type {Element | null} */
  let picked = null;
  /** @type {Element | null} */
  let hovered = null;
  const outlines = new WeakMap();
  /** @type {Element[]} */
  let matched = [];

  function mark(/** @type {Element | null} */ target, /** @type {string | null} */ outline) {
    if (!target) return;
    const style = /** @type {HTMLElement} */ (target).style;
    if (!style) return;
    if (!outlines.has(target)) outlines.set(target, style.outline);
    style.outline = outline ?? outlines.get(target) ?? "";
  }

  $("open-page").addEventListener("submit", (/** @type {Event} */ e) => {
    e.preventDefault();
    frame.src = `${base}/frame?path=${encodeURIComponent(pathInput.value.trim() || "/")}`;
  });

  const attached = new WeakSet();
  function attach() {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement || attached.has(doc)) return;
    if (!frame.contentWindow || frame.contentWindow.location.href === "about:blank") return;
    attached.add(doc);
    const framed = frame.contentWindow ? new URL(frame.contentWindow.location.href) : null;
    const path = framed?.searchParams.get("path");
    if (path) currentPath = pathInput.value = path;
    picked = hovered = null;
    matched = [];
    doc.addEventListener("mouseover", (e) => {
      const target = /** @type {Element} */ (e.target);
      if (hovered && hovered !== picked) mark(hovered, null);
      hovered = target;
      if (target !== picked) mark(target, "2px dashed #2563eb");
    });
    doc.addEventListener("mouseout", () => {
      if (hovered && hovered !== picked) mark(hovered, null);
      hovered = null;
    });
    // The frame is for picking: links, buttons and forms do nothing.
    doc.addEventListener(
      "click",
      (e) => {
        e.preventDefault();
        e.stopPropagation();
        pick(/** @type {Element} */ (e.target));
      },
      true,
    );
    doc.addEventListener("submit", (e) => e.preventDefault(), true);
    root.dataset.frameReady = path || "";
    if (selectorInput.value) countNow();
  }
  frame.addEventListener("load", attach);
  // The frame may have loaded before this deferred script ran.
  if (frame.contentDocument?.readyState === "complete") attach();

  function pick(/** @type {Element} */ target) {
    if (picked) mark(picked, null);
    picked = target;
    mark(target, "3px solid #f59e0b");
    const doc = target.ownerDocument;
    selectorInput.value = bestSelector(target, doc);
    countNow();
  }

  // Classes that say a state (is-active) or were generated by a build (css-1x2y3z, Button_a__3f9k)
  // change between page loads or deploys: a slot must not depend on them.
  const STATEFUL =
    /^(is|has|js)-|(^|[-_])(active|selected|open|opened|closed|hover|focus|focused|current|visible|hidden|show|shown|disabled|expanded|collapsed|loading|loaded|checked)$/i;
  const GENERATED =
    /^(css|sc|jsx|emotion|styled|svelte|astro|ng|tw)-|[0-9a-f]{6,}|\d{3,}|__[A-Za-z0-9]{4,}$|^[A-Za-z]{1,3}\d[A-Za-z0-9]{2,}$/;
  const KEEP_DATA = /^data-(testid|test|qa|cy|slot|section|component|block|region|module|area)$/;
  const INSTANCE_DATA = /(id|key|index|idx|uuid|state|status|time|ts|price|count)$/i;
  const plainName = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
  const stableId = (/** @type {string} */ id) =>
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(id) && !GENERATED.test(id) && !STATEFUL.test(id);
  const stableClass = (/** @type {string} */ c) =>
    c.length <= 40 &&
    plainName.test(c) &&
    !c.startsWith("vt-") &&
    !STATEFUL.test(c) &&
    !GENERATED.test(c);
  const stableData = (/** @type {Attr} */ a) =>
    a.name.startsWith("data-") &&
    !a.name.startsWith("data-vt-") &&
    (KEEP_DATA.test(a.name) || !INSTANCE_DATA.test(a.name)) &&
    a.value.length > 0 &&
    a.value.length <= 40 &&
    /^[A-Za-z0-9 _:./-]+$/.test(a.value) &&
    !GENERATED.test(a.value);

  /** An element's own simple selectors, most robust first. */
  function own(/** @type {Element} */ e) {
    const tag = e.localName;
    const out = [];
    if (e.id && stableId(e.id)) out.push(`#${CSS.escape(e.id)}`);
    for (const a of Array.from(e.attributes)) {
      if (stableData(a)) out.push(`[${a.name}="${a.value}"]`, `${tag}[${a.name}="${a.value}"]`);
    }
    const classes = Array.from(e.classList).filter(stableClass);
    for (const c of classes) out.push(`.${CSS.escape(c)}`);
    for (const c of classes) out.push(`${tag}.${CSS.escape(c)}`);
    if (classes.length > 1) out.push(tag + classes.map((c) => `.${CSS.escape(c)}`).join(""));
    out.push(tag);
    return out;
  }

  const nth = (/** @type {Element} */ e) => {
    let i = 1;
    for (let s = e.previousElementSibling; s; s = s.previousElementSibling)
      if (s.localName === e.localName) i++;
    return `${e.localName}:nth-of-type(${i})`;
  };

  /**
   * The shortest selector that matches only `target`: its own id, data attribute or stable
   * classes; else one of those under a distinctive ancestor; else a path of nth-of-type steps
   * from the nearest ancestor with an id (or body).
   */
  function bestSelector(/** @type {Element} */ target, /** @type {Document} */ doc) {
    const only = (/** @type {string} */ sel) => {
      try {
        const all = doc.querySelectorAll(sel);
        return all.length === 1 && all[0] === target;
      } catch {
        return false;
      }
    };
    const mine = own(target);
    for (const s of mine) if (only(s)) return s;
    // Under a distinctive ancestor, the element's own selectors, then its position.
    const inside = [...mine, nth(target)];
    const generic = /^(div|span|section|ul|ol|li|p|a|main|article)$/;
    /** @type {Element | null} */
    let anchor = null;
    let anchorSelector = "";
    let depth = 0;
    for (
      let a = target.parentElement;
      a && a !== doc.documentElement && a !== doc.body && depth < 6;
      a = a.parentElement, depth++
    ) {
      /** @type {string[]} */
      const found = [];
      for (const up of own(a)) {
        if (generic.test(up)) continue;
        for (const s of inside) if (only(`${up} ${s}`)) found.push(`${up} ${s}`);
        if (!anchor) {
          const all = doc.querySelectorAll(up);
          if (all.length === 1 && all[0] === a) [anchor, anchorSelector] = [a, up];
        }
      }
      if (found.length) return found.reduce((x, y) => (y.length < x.length ? y : x));
    }
    // A path of positions from the nearest uniquely named ancestor (or body).
    const steps = [];
    for (
      let e = /** @type {Element | null} */ (target);
      e && e !== doc.documentElement;
      e = e.parentElement
    ) {
      if (e === anchor) {
        steps.unshift(anchorSelector);
        break;
      }
      steps.unshift(e.localName === "body" ? "body" : nth(e));
      if (e.localName === "body") break;
    }
    return steps.join(" > ");
  }

  const countNow = debounce(async () => {
    const selector = selectorInput.value.trim();
    countsTable.replaceChildren();
    if (!selector) return;
    const doc = frame.contentDocument;
    let here = null;
    for (const m of matched) if (m !== picked) mark(m, null);
    matched = [];
    try {
      const all = doc ? Array.from(doc.querySelectorAll(selector)) : null;
      here = all ? all.length : null;
      // A typed selector shows what it matches in the frame (the first 50).
      matched = (all ?? []).slice(0, 50);
      for (const m of matched) if (m !== picked) mark(m, "2px dotted #047857");
    } catch {
      here = null;
    }
    selectorStatus.textContent = "Counting on this page and on the other page types...";
    const url = `${base}/count?selector=${encodeURIComponent(selector)}&path=${encodeURIComponent(currentPath)}`;
    const res = await fetch(url, { credentials: "same-origin" });
    const json = await res.json().catch(() => ({}));
    if (selectorInput.value.trim() !== selector) return;
    if (!res.ok) {
      selectorStatus.className = "refusal";
      selectorStatus.textContent = json.message || `HTTP ${res.status}`;
      selectorStatus.dataset.count = "";
      return;
    }
    const [current, ...others] = json.pages;
    selectorStatus.className = current.count === 1 ? "ok" : "refusal";
    selectorStatus.dataset.count = String(current.count ?? "");
    selectorStatus.textContent =
      current.count === null
        ? `This page did not load (${current.error})`
        : `Matches ${current.count} element${current.count === 1 ? "" : "s"} on this page (${current.pageType})` +
          (here !== null && here !== current.count ? `; the browser's DOM has ${here}` : "");
    countsTable.replaceChildren(
      el(
        "tr",
        {},
        el("th", { text: "Page type" }),
        el("th", { text: "Sample page" }),
        el("th", { text: "Matches" }),
      ),
      ...[current, ...others].map((p) =>
        el(
          "tr",
          { "data-page-type": p.pageType },
          el("td", { text: p.pageType }),
          el("td", {}, el("code", { text: p.path })),
          el("td", { class: "num", "data-count": p.count ?? "", text: p.count ?? p.error ?? "?" }),
        ),
      ),
    );
    const boxes = /** @type {HTMLInputElement[]} */ (
      Array.from(document.querySelectorAll("input[name=pageTypes]"))
    );
    if (!boxes.some((b) => b.checked))
      for (const b of boxes) b.checked = b.value === current.pageType;
    if (!$("slot-id").value && current.pageType)
      $("slot-id").placeholder = `${current.pageType}-editor`;
  }, 300);
  selectorInput.addEventListener("input", countNow);

  const attributeRow = $("attribute-row");
  actionSelect.addEventListener("change", () => {
    attributeRow.hidden = actionSelect.value !== "setAttribute";
    checkTemplate();
  });
  $("slot-attribute").addEventListener("input", () => checkTemplate());

  // ---------------------------------------------------------------- 2. template
  const template = $("variant-template");
  const templateCheck = $("template-check");
  const checkTemplate = debounce(async () => {
    if (!canEdit) return;
    const body = {
      template: template.value,
      action: actionSelect.value,
      attribute: $("slot-attribute").value.trim() || undefined,
    };
    const { ok, json } = await post("/template", body);
    if (template.value !== body.template) return;
    if (!ok) {
      templateCheck.replaceChildren(el("p", { class: "refusal", text: json.message }));
      templateCheck.dataset.ok = "false";
      return;
    }
    templateCheck.dataset.ok = String(json.ok);
    templateCheck.replaceChildren(
      json.ok
        ? el("p", {
            class: "ok",
            text:
              "The template passes the checks" +
              (json.uses.length ? ` (uses ${json.uses.join(", ")})` : ""),
          })
        : el(
            "div",
            {},
            ...json.refusals.map((/** @type {any} */ r) =>
              el(
                "p",
                { class: "refusal", "data-kind": r.kind },
                el("strong", { text: `${r.kind.replace("-", " ")}: ` }),
                r.message,
                el("span", { class: "hint", text: r.hint }),
              ),
            ),
          ),
    );
  });
  template.addEventListener("input", checkTemplate);

  // ---------------------------------------------------------------- 3. rule builder
  const fields = choices.fields;
  const fieldByName = new Map(fields.map((f) => [f.name, f]));
  /** @typedef {{ field: string; op: string; value?: unknown }} Cond */
  /** @typedef {{ mode: "all" | "any"; items: (Cond | Group)[] }} Group */
  /** @type {Group} */
  let model = { mode: "all", items: [] };
  /** A rule typed as JSON that the builder cannot show (deeper groups, not); used as typed. */
  /** @type {unknown} */
  let typedRule = undefined;
  const builder = $("rule-builder");
  const ruleJson = $("rule-json");
  const ruleStatus = $("rule-json-status");
  const isGroup = (/** @type {any} */ x) => x && Array.isArray(x.items);

  const defaultCond = () => {
    const f = fields[0];
    return { field: f.name, op: f.ops[0], value: defaultValue(f, f.ops[0]) };
  };
  function defaultValue(/** @type {any} */ f, /** @type {string} */ op) {
    if (op === "exists") return true;
    if (op === "in" || op === "nin") return f.values ? [f.values[0]] : [];
    if (f.type === "enum") return f.values[0];
    if (f.type === "boolean") return true;
    if (f.type === "number") return 0;
    return "";
  }

  /** @returns {any} */
  function toRule(/** @type {Group} */ g) {
    const items = g.items.map((i) =>
      isGroup(i) ? toRule(/** @type {Group} */ (i)) : cond(/** @type {Cond} */ (i)),
    );
    const kept = items.filter((i) => i !== undefined);
    if (!kept.length) return undefined;
    return g.mode === "any" ? { any: kept } : { all: kept };
  }
  const cond = (/** @type {Cond} */ c) =>
    c.op === "exists" && c.value === true
      ? { field: c.field, op: c.op }
      : { field: c.field, op: c.op, value: c.value };

  /**
   * The builder's model for a rule, or null when the builder cannot show it.
   * @returns {Group | null}
   */
  function fromRule(/** @type {any} */ rule, depth = 0) {
    if (rule === undefined || rule === null)
      return { mode: /** @type {"all"} */ ("all"), items: [] };
    if (typeof rule !== "object" || Array.isArray(rule)) return null;
    const list = Array.isArray(rule.all) ? rule.all : Array.isArray(rule.any) ? rule.any : null;
    if (list && Object.keys(rule).length === 1) {
      if (depth > 1) return null;
      /** @type {(Cond | Group)[]} */
      const items = [];
      for (const r of list) {
        if (r && typeof r === "object" && ("all" in r || "any" in r)) {
          const g = fromRule(r, depth + 1);
          if (!g) return null;
          items.push(g);
        } else {
          const c = fromCond(r);
          if (!c) return null;
          items.push(c);
        }
      }
      return {
        mode: /** @type {"all" | "any"} */ (Array.isArray(rule.all) ? "all" : "any"),
        items,
      };
    }
    if (depth > 0) return null;
    const c = fromCond(rule);
    return c ? { mode: /** @type {"all"} */ ("all"), items: [c] } : null;
  }
  function fromCond(/** @type {any} */ r) {
    if (!r || typeof r !== "object" || typeof r.field !== "string" || typeof r.op !== "string")
      return null;
    const f = fieldByName.get(r.field);
    if (!f || !f.ops.includes(r.op)) return null;
    if (Object.keys(r).some((k) => !["field", "op", "value"].includes(k))) return null;
    return { field: r.field, op: r.op, value: r.op === "exists" ? (r.value ?? true) : r.value };
  }

  function fieldSelect(/** @type {Cond} */ c, /** @type {() => void} */ changed) {
    /** @type {Map<string, any[]>} */
    const groups = new Map();
    for (const f of fields) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
    const select = el(
      "select",
      {
        class: "rule-field",
        "aria-label": "Field",
        onchange: () => {
          const f = fieldByName.get(select.value);
          c.field = f.name;
          if (!f.ops.includes(c.op)) c.op = f.ops[0];
          c.value = defaultValue(f, c.op);
          changed();
        },
      },
      ...[...groups].map(([label, list]) =>
        el(
          "optgroup",
          { label },
          ...list.map((f) =>
            el("option", {
              value: f.name,
              selected: f.name === c.field,
              title: f.doc,
              text: `${f.name} (${f.doc})`,
            }),
          ),
        ),
      ),
    );
    return select;
  }

  function valueInput(
    /** @type {Cond} */ c,
    /** @type {any} */ f,
    /** @type {(full?: boolean) => void} */ changed,
  ) {
    const set = (/** @type {unknown} */ v) => {
      c.value = v;
      changed(false);
    };
    if (c.op === "exists")
      return el(
        "select",
        {
          class: "rule-value",
          "aria-label": "Value",
          onchange: (/** @type {any} */ e) => set(e.target.value === "true"),
        },
        el("option", { value: "true", text: "is known", selected: c.value !== false }),
        el("option", { value: "false", text: "is missing", selected: c.value === false }),
      );
    const list = c.op === "in" || c.op === "nin";
    if (f.values) {
      const chosen = list ? (Array.isArray(c.value) ? c.value : []) : [c.value];
      return el(
        "select",
        {
          class: "rule-value",
          "aria-label": "Value",
          multiple: list,
          size: list ? Math.min(6, f.values.length) : undefined,
          onchange: (/** @type {any} */ e) => {
            const values = Array.from(
              /** @type {HTMLSelectElement} */ (e.target).selectedOptions,
            ).map((o) => o.value);
            set(list ? values : values[0]);
          },
        },
        ...f.values.map((/** @type {string} */ v) =>
          el("option", { value: v, text: v, selected: chosen.includes(v) }),
        ),
      );
    }
    if (f.type === "boolean")
      return el(
        "select",
        {
          class: "rule-value",
          "aria-label": "Value",
          onchange: (/** @type {any} */ e) => set(e.target.value === "true"),
        },
        el("option", { value: "true", text: "yes", selected: c.value === true }),
        el("option", { value: "false", text: "no", selected: c.value === false }),
      );
    const numeric = f.type === "number";
    const parse = (/** @type {string} */ text) => {
      if (list) {
        const parts = text
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        return numeric ? parts.map(Number) : parts;
      }
      return numeric ? (text.trim() === "" ? 0 : Number(text)) : text;
    };
    return el("input", {
      class: "rule-value",
      "aria-label": "Value",
      type: numeric && !list ? "number" : "text",
      placeholder: list ? "comma, separated" : f.type === "date" ? "YYYY-MM-DD" : f.doc,
      value: Array.isArray(c.value) ? c.value.join(", ") : String(c.value ?? ""),
      oninput: (/** @type {any} */ e) => set(parse(e.target.value)),
    });
  }

  function condRow(/** @type {Cond} */ c, /** @type {Group} */ parent) {
    const f = fieldByName.get(c.field);
    const row = el("div", { class: "cond", "data-cond": "" });
    const rerender = (full = true) => {
      if (full) renderBuilder();
      syncJson();
    };
    row.append(
      fieldSelect(c, rerender),
      el(
        "select",
        {
          class: "rule-op",
          "aria-label": "Operator",
          onchange: (/** @type {any} */ e) => {
            const before = c.op;
            c.op = e.target.value;
            const listNow = c.op === "in" || c.op === "nin";
            const listBefore = before === "in" || before === "nin";
            if (c.op === "exists" || before === "exists" || listNow !== listBefore)
              c.value = defaultValue(f, c.op);
            rerender();
          },
        },
        ...f.ops.map((/** @type {string} */ op) =>
          el("option", { value: op, text: op, selected: op === c.op }),
        ),
      ),
      valueInput(c, f, rerender),
      el("button", {
        type: "button",
        class: "secondary",
        text: "Remove",
        onclick: () => {
          parent.items.splice(parent.items.indexOf(c), 1);
          rerender();
        },
      }),
    );
    return row;
  }

  function groupBox(/** @type {Group} */ g, /** @type {Group | null} */ parent) {
    const modeSelect = el(
      "select",
      {
        class: "rule-mode",
        "aria-label": "Match",
        onchange: (/** @type {any} */ e) => {
          g.mode = e.target.value;
          syncJson();
        },
      },
      el("option", { value: "all", text: "all", selected: g.mode === "all" }),
      el("option", { value: "any", text: "any", selected: g.mode === "any" }),
    );
    const box = el(
      "div",
      { class: parent ? "group" : "", "data-group": parent ? "" : "top" },
      el(
        "p",
        {},
        parent ? "A group where " : "Show to visitors who match ",
        modeSelect,
        " of these conditions",
        g.items.length || parent ? "" : " (none yet: everyone)",
      ),
      ...g.items.map((i) =>
        isGroup(i) ? groupBox(/** @type {Group} */ (i), g) : condRow(/** @type {Cond} */ (i), g),
      ),
      el("button", {
        type: "button",
        class: "secondary",
        text: parent ? "+ Condition in group" : "+ Condition",
        "data-add": parent ? "group-condition" : "condition",
        onclick: () => {
          g.items.push(defaultCond());
          renderBuilder();
          syncJson();
        },
      }),
    );
    if (!parent)
      box.append(
        " ",
        el("button", {
          type: "button",
          class: "secondary",
          text: "+ Group (any/all)",
          "data-add": "group",
          onclick: () => {
            g.items.push({ mode: "any", items: [defaultCond()] });
            renderBuilder();
            syncJson();
          },
        }),
      );
    else
      box.append(
        " ",
        el("button", {
          type: "button",
          class: "secondary",
          text: "Remove group",
          onclick: () => {
            parent.items.splice(parent.items.indexOf(g), 1);
            renderBuilder();
            syncJson();
          },
        }),
      );
    return box;
  }

  function renderBuilder() {
    builder.replaceChildren(groupBox(model, null));
  }
  function syncJson() {
    typedRule = undefined;
    const rule = toRule(model);
    ruleJson.value = rule === undefined ? "" : JSON.stringify(rule, null, 2);
    ruleStatus.textContent = rule === undefined ? "No condition: everyone sees the variant." : "";
  }
  ruleJson.addEventListener("input", () => {
    const text = ruleJson.value.trim();
    /** @type {unknown} */
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch (err) {
      ruleStatus.className = "refusal";
      ruleStatus.textContent = `Not JSON yet: ${err instanceof Error ? err.message : err}`;
      typedRule = { invalid: text };
      return;
    }
    ruleStatus.className = "muted";
    const shown = fromRule(parsed);
    if (shown) {
      model = shown;
      typedRule = undefined;
      renderBuilder();
      ruleStatus.textContent = "The builder shows this rule.";
    } else {
      typedRule = parsed;
      ruleStatus.textContent =
        "Kept as typed: the builder shows conditions and one level of groups; the validator checks the rest.";
    }
  });
  renderBuilder();
  syncJson();

  // ---------------------------------------------------------------- 4. experiment
  const expEnabled = $("exp-enabled");
  const expFields = $("exp-fields");
  const toggleExp = () => {
    for (const input of expFields.querySelectorAll("input, select"))
      input.disabled = !expEnabled.checked;
  };
  expEnabled.addEventListener("change", toggleExp);
  toggleExp();

  // ---------------------------------------------------------------- 5. draft
  const num = (/** @type {string} */ id) => {
    const v = $(id).value.trim();
    return v === "" ? undefined : Number(v);
  };
  function change() {
    const action = actionSelect.value;
    const variantId = $("variant-id").value.trim();
    const source = $("items-source").value;
    const cap = num("variant-cap");
    const priority = num("variant-priority");
    const pageTypes = Array.from(document.querySelectorAll("input[name=pageTypes]:checked")).map(
      (b) => /** @type {HTMLInputElement} */ (b).value,
    );
    if (typedRule && typeof typedRule === "object" && "invalid" in typedRule)
      throw new Error("The rule JSON does not parse: fix it or clear it.");
    const when = typedRule !== undefined ? typedRule : toRule(model);
    /** @type {Record<string, string>} */
    const experimentStatus = {};
    for (const s of Array.from(document.querySelectorAll("select[data-experiment-status]"))) {
      const sel = /** @type {HTMLSelectElement} */ (s);
      const id = sel.dataset.experimentStatus || "";
      if (state.experiments[id]?.status !== sel.value) experimentStatus[id] = sel.value;
    }
    const holdout = num("holdout-percent");
    return {
      slot: {
        id: $("slot-id").value.trim() || $("slot-id").placeholder || "editor-slot",
        selector: selectorInput.value.trim(),
        action,
        attribute: action === "setAttribute" ? $("slot-attribute").value.trim() : undefined,
        pageTypes,
      },
      variant: {
        id: variantId,
        template: template.value === "" ? undefined : template.value,
        items: source
          ? {
              source,
              limit: num("items-limit") ?? 4,
              category: $("items-category").value.trim() || undefined,
            }
          : undefined,
        priority: priority === undefined ? undefined : Math.trunc(priority),
        frequencyCap: cap ? { perSession: Math.trunc(cap) } : undefined,
        when,
        description: $("variant-description").value.trim() || undefined,
      },
      experiment: expEnabled.checked
        ? {
            id: $("exp-id").value.trim() || `${variantId}-test`,
            status: $("exp-status").value,
            allocation: num("exp-allocation") ?? 1,
            controlWeight: num("exp-control") ?? 0.5,
          }
        : undefined,
      experimentStatus: Object.keys(experimentStatus).length ? experimentStatus : undefined,
      holdoutPercent:
        holdout !== undefined && holdout !== state.holdoutPercent ? holdout : undefined,
    };
  }

  const draftStatus = $("draft-status");
  $("build-draft")?.addEventListener("click", async () => {
    forgetSaved();
    draftStatus.replaceChildren(el("p", { class: "muted", text: "Building the draft..." }));
    let body;
    try {
      body = change();
    } catch (err) {
      draftStatus.replaceChildren(
        el("p", { class: "refusal", text: String(err instanceof Error ? err.message : err) }),
      );
      return;
    }
    const { ok, json } = await post("/draft", body);
    if (!ok) {
      draftStatus.dataset.ok = "false";
      draftStatus.replaceChildren(el("p", { class: "refusal", text: json.message }));
      return;
    }
    draftStatus.dataset.ok = String(json.ok);
    if (json.ok) $("draft-config").value = json.text;
    draftStatus.replaceChildren(
      json.ok
        ? el("p", {
            class: "ok",
            text: `Draft built on version ${json.baseVersion}: variant "${body.variant.id}" in slot "${json.slotId}". Validate to see the changes, then save or publish.`,
          })
        : el(
            "div",
            {},
            el("p", { class: "refusal", text: "The draft is not valid yet:" }),
            el(
              "ul",
              { "data-errors": "" },
              ...json.errors.map((/** @type {string} */ e) =>
                el("li", { class: "refusal" }, el("code", { text: e })),
              ),
            ),
          ),
    );
    if (json.ok && !$("draft-message").value)
      $("draft-message").value = `Editor: ${body.variant.id} in ${json.slotId}`;
  });

  // ---------------------------------------------------------------- 6. personas, on the saved draft
  // "Save as draft" posts to the Config page's own route, from here: the editor stays open with
  // its draft (to publish after the preview), and the version it saved opens the Persona page.
  const draftForm = /** @type {HTMLFormElement | null} */ ($("draft-form"));
  const savedStatus = $("draft-saved");
  const personaBase = $("step-persona").dataset.personaBase || "";
  /** The saved version stands for the draft as saved: a changed draft is previewed once saved again. */
  function forgetSaved() {
    if (!savedStatus || root.dataset.savedVersion === undefined) return;
    delete root.dataset.savedVersion;
    savedStatus.replaceChildren(
      el("p", { class: "muted", text: "The draft changed: save it again to preview it." }),
    );
    $("persona-ready").hidden = true;
    $("persona-waiting").hidden = false;
  }
  $("draft-config")?.addEventListener("input", forgetSaved);

  /** The saved version, or what went wrong, from the Config page's answer (its page, or JSON). */
  async function savedVersionOf(/** @type {Response} */ res) {
    if (/json/i.test(res.headers.get("content-type") || "")) {
      const json = await res.json().catch(() => ({}));
      return { version: null, problems: [json.message || `HTTP ${res.status}`] };
    }
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const notice = doc.querySelector("main [role=status]")?.textContent?.trim() || "";
    const saved = /Saved version (\d+) as a draft/.exec(notice);
    if (res.ok && saved) return { version: Number(saved[1]), problems: [] };
    const listed = Array.from(doc.querySelectorAll("[data-errors] code")).map(
      (c) => c.textContent || "",
    );
    return { version: null, problems: [notice || `HTTP ${res.status}`, ...listed] };
  }

  draftForm?.addEventListener("submit", (e) => {
    const button = /** @type {HTMLButtonElement | null} */ (e.submitter);
    if (!button || button.id !== "save-draft") return;
    e.preventDefault();
    void saveDraft(draftForm, button);
  });

  /** Saves the draft through the Config page's route; on success, links the Persona page. */
  async function saveDraft(
    /** @type {HTMLFormElement} */ form,
    /** @type {HTMLButtonElement} */ button,
  ) {
    forgetSaved();
    savedStatus.replaceChildren(el("p", { class: "muted", text: "Saving the draft..." }));
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form))
      if (typeof value === "string") body.append(name, value);
    let result;
    try {
      const res = await fetch(button.formAction, {
        method: "POST",
        body,
        credentials: "same-origin",
      });
      result = await savedVersionOf(res);
    } catch (err) {
      result = { version: null, problems: [String(err instanceof Error ? err.message : err)] };
    }
    const { version, problems } = result;
    if (version === null) {
      savedStatus.dataset.version = "";
      const [first, ...listed] = problems;
      savedStatus.replaceChildren(
        el("p", { class: "refusal", text: `Not saved: ${first}` }),
        el(
          "ul",
          { "data-errors": "" },
          ...listed.map((p) => el("li", { class: "refusal" }, el("code", { text: p }))),
        ),
      );
      return;
    }
    root.dataset.savedVersion = savedStatus.dataset.version = String(version);
    savedStatus.replaceChildren(
      el("p", {
        class: "ok",
        text: `Saved version ${version} as a draft: recorded with its message, not served.`,
      }),
    );
    const link = $("persona-link");
    link.href = `${personaBase}?configVersion=${version}&path=${encodeURIComponent(currentPath)}`;
    link.textContent = `Preview version ${version} as personas`;
    $("persona-version").textContent = `on ${currentPath}; publish below when it looks right`;
    $("persona-waiting").hidden = true;
    $("persona-ready").hidden = false;
  }
  root.dataset.ready = "true";
}
