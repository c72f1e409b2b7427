import { describe, expect, it } from "vitest";
import { escapeHtml, html, jsonScript, raw } from "./html.ts";

describe("html", () => {
  it("escapes interpolated text and attributes", () => {
    const name = `<img src=x onerror="alert('x')"> & co`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co</p>',
    );
    expect(escapeHtml("a<b")).toBe("a&lt;b");
  });

  it("nests safe fragments and arrays without double escaping", () => {
    const items = ["a&b", "<c>"].map((t) => html`<li>${t}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}</ul>`;
    expect(list.value).toBe("<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>");
    expect(html`${raw("<b>ok</b>")}`.value).toBe("<b>ok</b>");
  });

  it("renders nothing for false, null and undefined, and numbers as text", () => {
    expect(html`[${false}${null}${undefined}${0}${2.5}]`.value).toBe("[02.5]");
  });

  it("keeps JSON in a script block from closing it", () => {
    const out = jsonScript({ name: "</script><script>alert(1)</script>" }).value;
    expect(out).not.toContain("</script>");
    expect(JSON.parse(out)).toEqual({ name: "</script><script>alert(1)</script>" });
  });
});
