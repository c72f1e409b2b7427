import { describe, expect, it } from "vitest";
import type { SlotDecision } from "../decide/decide.ts";
import { buildView, linkHosts, renderSlot, renderTemplate } from "../decide/render.ts";
import {
  baseConfig,
  demoConfig,
  demoItem,
  input,
  mustParse,
  richInput,
} from "../decide/test-fixtures.ts";
import { findExecutable } from "../test-support/html-oracle.ts";
import { TEMPLATE_BYPASSES, type TemplateBypass } from "../test-support/xss-corpus.ts";
import { rewritePage, type RenderedSlot } from "./page-rewriter.ts";
import { sanitizeModule } from "./sanitize-module.ts";

const clean = async (html: string, hosts: string[] = []) => await sanitizeModule(html, hosts);

describe("sanitizeModule", () => {
  it("leaves every demo module exactly as rendered", async () => {
    const config = demoConfig();
    const item = demoItem;
    const rich = richInput();
    let checked = 0;
    for (const [id, v] of Object.entries(config.variants)) {
      const slot = config.slots[v.slot]!;
      const decision: SlotDecision = {
        slotId: v.slot,
        action: slot.action,
        attribute: slot.attribute ?? null,
        variantId: id,
        reason: "test",
        items: v.items ?? null,
        experiment: null,
      };
      const out = renderSlot(config, decision, {
        input: rich,
        product: item("p", 3),
        items: [item("a", 2), item("b", 40)],
      });
      if (!out?.html) continue;
      expect(await clean(out.html, out.hosts), id).toBe(out.html);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("removes what runs script from rendered templates that bypassed the publish check", async () => {
    let runs = 0;
    for (const { cls, template, view, redirect } of TEMPLATE_BYPASSES) {
      const { html: rendered, hosts } = renderLike(template, view);
      const out = await clean(rendered, hosts);
      if (redirect) {
        // The rendered link goes to another host; sanitized, it goes nowhere.
        expect(rendered, template).toMatch(/href="[^"]*xssprobe\.example/);
        expect(out, template).not.toMatch(/href=/);
        continue;
      }
      // The template as rendered runs script...
      expect(
        (await findExecutable(rendered)).findings.length,
        `${cls}: ${template}`,
      ).toBeGreaterThan(0);
      runs++;
      // ...and not once sanitized (or it is refused whole).
      if (out !== null) expect((await findExecutable(out)).findings, template).toEqual([]);
    }
    expect(runs).toBeGreaterThanOrEqual(15);
  });

  it("drops URLs that leave the site as the browser decodes them, keeps same-site ones", async () => {
    expect(await clean('<a href="/&#x2F;evil.example/x">a</a>')).toBe("<a>a</a>");
    expect(await clean('<a href="/&#X2f;evil.example">a</a>')).toBe("<a>a</a>");
    expect(await clean('<a href="/&bsol;evil.example">a</a>')).toBe("<a>a</a>");
    expect(await clean('<a href="&#106;avascript:alert(1)">a</a>')).toBe("<a>a</a>");
    expect(await clean('<a href=" java&#9;script:alert(1)">a</a>')).toBe("<a>a</a>");
    expect(await clean('<img src="//evil.example/x.png" alt="">')).toBe('<img alt="">');
    // Absolute links only to the hosts the template wrote out or a checked URL named.
    const cdn = '<img src="https://CDN.example:443/a.png" alt="">';
    expect(await clean(cdn, ["cdn.example"])).toBe(cdn);
    expect(await clean(cdn, ["shop.example"])).toBe('<img alt="">');
    expect(await clean('<a href="https://cdn.example.evil.example/">a</a>', ["cdn.example"])).toBe(
      "<a>a</a>",
    );
    expect(await clean('<a href="/p/&#x2F;evil.example">a</a>')).toBe(
      '<a href="/p/&#x2F;evil.example">a</a>',
    );
    expect(await clean('<a href="?q=&#x2F;&#x2F;x">a</a><a href="mailto:a@b.example">m</a>')).toBe(
      '<a href="?q=&#x2F;&#x2F;x">a</a><a href="mailto:a@b.example">m</a>',
    );
  });

  it("drops unsafe CSS, unknown attributes and elements, and comments", async () => {
    expect(await clean('<p style="color:red">x</p>')).toBe('<p style="color:red">x</p>');
    expect(await clean('<p style="width:expr/**/ession(alert(1))">x</p>')).toBe("<p>x</p>");
    expect(await clean('<p style="background:url(&#106;avascript:alert(1))">x</p>')).toBe(
      "<p>x</p>",
    );
    expect(await clean("<p>a<!-- c --><x-y onclick=alert(1)>b</x-y><style>p{}</style></p>")).toBe(
      "<p>ab</p>",
    );
    expect(await clean('<input type="image" src="/x.png"><input type="hidden" name="a">')).toBe(
      '<input><input type="hidden" name="a">',
    );
  });

  it("refuses a module that does not end as text", async () => {
    for (const html of ['<p title="x', "<p>x<!-- y", "<textarea>x", "<p>x</p><a href='/"]) {
      expect(await clean(html), html).toBeNull();
    }
    // A module cannot fake the end mark.
    expect(await clean('<vt-end-0></vt-end-0><p title="')).toBeNull();
  });
});

describe("rewritePage slot targets", () => {
  const page = () =>
    new Response(
      '<html><head></head><body><script id="cfg" type="text/plain">{}</script>' +
        '<textarea id="note"></textarea><div id="box"></div><svg><g id="g"></g></svg></body></html>',
      { headers: { "content-type": "text/html" } },
    );
  const slot = (slotId: string, extra: Partial<RenderedSlot>): RenderedSlot => ({
    slotId,
    action: "replace",
    html: "<b>x</b>",
    variantId: `${slotId}-v`,
    reason: "t",
    ...extra,
  });

  it("never fills script, raw-text or foreign elements, nor sets type/src/on* attributes", async () => {
    const slots = new Map([
      ["cfg", slot("cfg", { html: "alert(1)" })],
      [
        "cfg-type",
        slot("cfg-type", { action: "setAttribute", attribute: { name: "type", value: "module" } }),
      ],
      ["note", slot("note", { html: '</textarea><img src=x onerror="alert(1)">' })],
      ["g", slot("g", { html: "<b>in svg</b>" })],
      [
        "box-src",
        slot("box-src", {
          action: "setAttribute",
          attribute: { name: "onclick", value: "alert(1)" },
        }),
      ],
      ["box", slot("box", { html: '<img src="/a.png" onerror="alert(1)"><b>ok</b>' })],
    ]);
    const { response, outcome } = rewritePage(page(), {
      selectors: [
        { slotId: "cfg", selector: "#cfg" },
        { slotId: "cfg-type", selector: "#cfg" },
        { slotId: "note", selector: "#note" },
        { slotId: "g", selector: "#g" },
        { slotId: "box-src", selector: "#box" },
        { slotId: "box", selector: "#box" },
      ],
      headHtml: () => "",
      plan: () => slots,
    });
    const html = await response.text();
    expect(html).toContain('<script id="cfg" type="text/plain">{}</script>');
    expect(html).toContain('<textarea id="note"></textarea>');
    expect(html).toContain('<g id="g"></g>');
    expect(html).toContain('<div id="box" data-vt-slot="box"');
    expect(html).toContain('<img src="/a.png"><b>ok</b>');
    expect(html).not.toMatch(/onerror|onclick|alert/);
    const result = await outcome!;
    expect(result.applied.map((s) => s.slotId)).toEqual(["box"]);
    expect(result.errors.join("\n")).toMatch(/<script> may not be a slot/);
    expect(result.errors.join("\n")).toMatch(/<textarea> may not be a slot/);
  });
});

/** A template rendered by the real renderer, with the bypass's data and query in the view. */
function renderLike(
  template: string,
  view: TemplateBypass["view"] = {},
): { html: string; hosts: string[] } {
  const config = mustParse(baseConfig());
  const base = buildView(config, config.variants.welcome!, {
    input: input(),
    product: null,
    items: [],
  })!;
  const full = { ...base, data: view.data ?? {}, query: view.query ?? {} };
  return { html: renderTemplate(template, full), hosts: linkHosts(template, full) };
}
