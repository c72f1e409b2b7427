import { describe, expect, it } from "vitest";
import { BYPASS_CLASSES, SLOT_BYPASSES, TEMPLATE_BYPASSES } from "../test-support/xss-corpus.ts";
import { parseConfig } from "./config-schema.ts";
import { cssProblems } from "./css-check.ts";
import { checkTemplate, MAX_SECTIONS, selectorTargetProblem } from "./template.ts";
import { baseConfig } from "./test-fixtures.ts";

/** The errors of a config with one slot `s` and one variant `v` in it. */
function errorsOf(template: string, slot: Record<string, unknown> = {}, data = {}): string[] {
  const result = parseConfig(
    baseConfig({
      slots: { s: { selector: "#promo-banner", action: "replace", ...slot } },
      variants: { v: { slot: "s", template, data } },
    }),
  );
  return result.ok ? [] : result.errors;
}

describe("templates of the classes that ran script are refused at publish", () => {
  it("has several payloads of every class", () => {
    for (const cls of BYPASS_CLASSES) {
      expect(TEMPLATE_BYPASSES.filter((b) => b.cls === cls).length, cls).toBeGreaterThanOrEqual(3);
    }
    for (const cls of ["slots that target code", "setAttribute of code attributes"]) {
      expect(SLOT_BYPASSES.filter((b) => b.cls === cls).length, cls).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(TEMPLATE_BYPASSES.map((b) => [b.cls, b.template] as const))(
    "%s: %s",
    (_cls, template) => {
      const errors = errorsOf(template, {}, { on: true });
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e).toMatch(/^variants\.v\.template: /);
    },
  );

  it.each(SLOT_BYPASSES.map((b) => [b.cls, JSON.stringify(b.slot), b] as const))(
    "%s: %s",
    (_cls, _slot, { slot, template }) => {
      const errors = errorsOf(template, slot);
      expect(errors.join("\n")).toMatch(/^slots\.s\.(selector|attribute): /m);
    },
  );
});

describe("the structural check", () => {
  const errors = (t: string) => checkTemplate(t, "html").errors;

  it("accepts sections that wrap whole elements, text, or part of one attribute value", () => {
    expect(
      errors(
        '{{#items}}<li class="card{{#lowStock}} low{{/lowStock}}"><a href="{{url}}">{{name}}</a>' +
          "{{^inStock}}<small>sold out</small>{{/inStock}}</li>{{/items}}",
      ),
    ).toEqual([]);
  });

  it("refuses a section boundary inside a tag, a URL or a character reference", () => {
    expect(errors("<p{{#data.a}} hidden{{/data.a}}>x</p>")[0]).toMatch(
      /\{\{#data\.a\}\} is inside a tag/,
    );
    expect(errors('<a href="/p/{{#data.a}}x{{/data.a}}">x</a>')[0]).toMatch(
      /a section inside a URL is not allowed/,
    );
    expect(errors("<p>&am{{#data.a}}p;{{/data.a}}</p>")[0]).toMatch(/character reference/);
  });

  it("refuses values in tag names, comments and after a lone slash", () => {
    expect(errors("<{{query.t}}>x")).toEqual([
      "{{query.t}} inside a tag itself: values go in text or quoted attribute values",
    ]);
    expect(errors("<!-- {{data.x}}-><b> -->")).toEqual([
      "{{data.x}} inside an HTML comment is not allowed",
    ]);
    expect(errors('<a href="/{{query.next}}">x</a>')[0]).toMatch(
      /could make a link to another host/,
    );
    expect(errors('<a href="\\{{query.next}}">x</a>')[0]).toMatch(/another host/);
    expect(errors('<a href="/p/{{query.next}}">x</a><a href="?q={{query.q}}">y</a>')).toEqual([]);
  });

  it("lets only URLs checked before render start a URL", () => {
    expect(errors('<a href="{{product.url}}">x</a><a href="{{data.ctaUrl}}">y</a>')).toEqual([]);
    expect(errors('{{#product}}<img src="{{imageUrl}}" alt="">{{/product}}')).toEqual([]);
    expect(errors('<a href="{{query.nextUrl}}">x</a>')[0]).toMatch(/starts the URL/);
    expect(errors('<a href="{{product.url}}{{query.x}}">x</a>')[0]).toMatch(/change its host/);
    expect(errors('<a href="{{product.url}}?from={{query.x}}">x</a>')).toEqual([]);
    expect(errors('{{#query}}<a href="{{url}}">x</a>{{/query}}')[0]).toMatch(/starts the URL/);
    expect(errors('{{#items}}{{#data}}<a href="{{url}}">x</a>{{/data}}{{/items}}')[0]).toMatch(
      /starts the URL/,
    );
  });

  it("allow-lists elements and attributes, and keeps ids and names literal", () => {
    expect(errors("<marquee>x</marquee><p is=x>y</p>")).toEqual([
      "<marquee> is not allowed in templates",
      "attribute is on <p> is not allowed",
    ]);
    expect(errors('<p id="{{query.id}}">x</p>')).toEqual([
      "{{query.id}} in <p id>: this attribute takes literal text only",
    ]);
    expect(errors('<input type="image"><form method="dialog"></form>')).toEqual([
      '<input type="image"> is not allowed (use one of hidden, text, search, email, tel, number, checkbox, radio, submit, button, range, date)',
      '<form method="dialog"> is not allowed (use one of get, post)',
    ]);
  });

  it(`checks every combination of up to ${MAX_SECTIONS} sections, and refuses more`, () => {
    const many = Array.from(
      { length: MAX_SECTIONS + 1 },
      (_, i) => `{{#data.s${i}}}x{{/data.s${i}}}`,
    );
    expect(errors(many.join(""))[0]).toMatch(/at most 8 sections/);
    expect(errors(many.slice(1).join(""))).toEqual([]);
    // Only the combination with the first section off and the second on is a script.
    expect(
      errors("{{^data.a}}<b>{{/data.a}}{{#data.b}}<script>{{/data.b}}</b>").join("\n"),
    ).toMatch(/<script> is not allowed/);
  });
});

describe("slot targets", () => {
  it("refuses selectors naming code or raw-text elements, however spelled", () => {
    for (const s of ["script", "body>script", "SCRIPT", "scr\\69pt", ":not(p) xmp", "a,iframe"]) {
      expect(selectorTargetProblem(s), s).toMatch(/may not target/);
    }
    for (const s of ["#promo-banner", ".script", "[data-script]", "div.template-x", "#style"]) {
      expect(selectorTargetProblem(s), s).toBeNull();
    }
  });
});

describe("CSS in styles and templates", () => {
  const bad = [
    "p { width: expression(alert(1)) }",
    "p { width: ex/**/pression(alert(1)) }",
    "p { width: \\65 xpression(alert(1)) }",
    "p { background: url(javascript:alert(1)) }",
    "p { background: url( 'JavaScript:alert(1)' ) }",
    "p { background: url(java\\73 cript:alert(1)) }",
    '@import "https://evil.example/x.css";',
    "@import url(//evil.example/x.css);",
    "@IMPORT 'http://evil.example/x.css';",
    "p { behavior: url(/x.htc) }",
    "p { -moz-binding: url(/x.xml#x) }",
    "p { background: url(data:text/html,<script>alert(1)</script>) }",
  ];
  it.each(bad)("refuses %s in styles and in a style attribute", (css) => {
    expect(cssProblems(css).length).toBeGreaterThan(0);
    const styles = parseConfig(baseConfig({ styles: css }));
    expect(styles.ok ? [] : styles.errors.join("\n")).toMatch(/^styles: /m);
    const inline = checkTemplate(`<p style="${css.replaceAll('"', "&quot;")}">x</p>`, "html");
    expect(inline.errors.join("\n")).toMatch(/<p style>: /);
  });

  it("accepts ordinary CSS, same-site imports and https images", () => {
    for (const css of [
      ".vt-card { color: #333; background: url(/img/bg.png) no-repeat }",
      '@import "/assets/fonts.css"; .a { background-image: url("https://cdn.example/a.svg") }',
      ".b { background: url(data:image/svg+xml;base64,PHN2Zy8+) }",
    ]) {
      expect(cssProblems(css), css).toEqual([]);
    }
  });
});
