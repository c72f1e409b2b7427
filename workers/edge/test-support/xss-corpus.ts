/**
 * Classic XSS payloads, each calling `xssProbe(n)` (n = its index): if a payload ever lands in a place where
 * the browser would run it, `findExecutable` (html-oracle.ts) finds the probe there.
 */
const PAYLOADS = [
  "<script>xssProbe(§)</script>",
  '"><img src=x onerror=xssProbe(§)>',
  "'><svg onload=xssProbe(§)>",
  '" onmouseover="xssProbe(§)" x="',
  "' autofocus onfocus='xssProbe(§)' x='",
  "javascript:xssProbe(§)",
  " javascript:xssProbe(§)",
  "java\tscript:xssProbe(§)",
  "data:text/html,<script>xssProbe(§)</script>",
  "</title><script>xssProbe(§)</script>",
  "</script><script>xssProbe(§)</script>",
  "</textarea><script>xssProbe(§)</script>",
  "<iframe src=javascript:xssProbe(§)></iframe>",
  "<a href=javascript:xssProbe(§)>click</a>",
  '<a href="&#106;avascript:xssProbe(§)">x</a>',
  "<body onload=xssProbe(§)>",
  "<svg><animate onbegin=xssProbe(§) attributeName=x dur=1s>",
  "<math><mtext><table><mglyph><style><img src=x onerror=xssProbe(§)>",
  '<noscript><p title="</noscript><img src=x onerror=xssProbe(§)>">',
  "<!--<script>xssProbe(§)</script>-->",
  "--><script>xssProbe(§)</script><!--",
  "<![CDATA[<script>xssProbe(§)</script>]]>",
  "<ScRiPt>xssProbe(§)</sCrIpT>",
  "<scr<script>ipt>xssProbe(§)</scr</script>ipt>",
  "&lt;script&gt;xssProbe(§)&lt;/script&gt;",
  "%3Cscript%3ExssProbe(§)%3C/script%3E",
  "\\u003cscript\\u003exssProbe(§)\\u003c/script\\u003e",
  "<style>@import 'javascript:xssProbe(§)';</style>",
  '<div style="background:url(javascript:xssProbe(§))">',
  '<meta http-equiv="refresh" content="0;url=javascript:xssProbe(§)">',
  "<base href=//xssProbe(§).example/>",
  "<form action=javascript:xssProbe(§)><button>go</button></form>",
  "<template><script>xssProbe(§)</script></template>",
  "`-xssProbe(§)-`",
  '\\"-xssProbe(§)-\\"',
  "{{constructor.constructor('xssProbe(§)')()}}",
  "${xssProbe(§)}",
  "<img src=x onerror=\u0000xssProbe(§)>",
  "\u202e<script>xssProbe(§)</script>",
  '<img/src="x"/onerror=xssProbe(§)>',
  "<details open ontoggle=xssProbe(§)>",
  "<x onclick=xssProbe(§)>tap</x>",
] as const;

/** The corpus with each payload numbered, so a finding names the payload that got through. */
export const XSS_CORPUS: readonly string[] = PAYLOADS.map((p, i) => p.replaceAll("§", String(i)));

/**
 * Payloads that are inert in HTML itself (comments, encodings, JS-string and template syntax):
 * they catch double decoding or template evaluation rather than a missing escape.
 */
export const INERT_IN_HTML = /^(<!--|<!\[CDATA|<scr<|&lt;|%3C|\\u003c|`|\$\{)/;

/**
 * Templates (and slots) of the classes that once passed the publish-time check and ran script
 * in Chromium: each is refused at publish now, and `view` is what makes it run when rendered.
 * `probe` says whether the rendered result runs script (else it links off the site).
 */
export type TemplateBypass = {
  cls: BypassClass;
  template: string;
  view?: { data?: Record<string, string | boolean>; query?: Record<string, string> };
  /** The rendered template links to another host instead of running script. */
  redirect?: boolean;
};

export const BYPASS_CLASSES = [
  "comment endings",
  "raw-text elements",
  "escapable raw-text elements",
  "attributes split across sections",
  "values that choose markup",
  "URLs that leave the site",
] as const;
export type BypassClass = (typeof BYPASS_CLASSES)[number];

export const TEMPLATE_BYPASSES: readonly TemplateBypass[] = [
  // The comment ends where the browser ends it, not at the next `-->`.
  { cls: "comment endings", template: "<!-- a --!><img src=x onerror=xssProbe(101)> -->" },
  { cls: "comment endings", template: "<!--><img src=x onerror=xssProbe(102)>-->" },
  { cls: "comment endings", template: "<!---><img src=x onerror=xssProbe(103)>-->" },
  {
    cls: "comment endings",
    template: "<p>a<!--b--!><details open ontoggle=xssProbe(104)>c</details>--></p>",
  },
  // Raw text ends at its own end tag, even inside what looks like an attribute value.
  {
    cls: "raw-text elements",
    template: '<xmp><p title="</xmp><img src=x onerror=xssProbe(111)>"></p></xmp>',
  },
  {
    cls: "raw-text elements",
    template: '<noembed><p title="</noembed><img src=x onerror=xssProbe(112)>"></p></noembed>',
  },
  {
    cls: "raw-text elements",
    template: '<noframes><p title="</noframes><img src=x onerror=xssProbe(113)>">x</p></noframes>',
  },
  {
    cls: "escapable raw-text elements",
    template: '<textarea><p title="</textarea><img src=x onerror=xssProbe(121)>"></p></textarea>',
  },
  {
    cls: "escapable raw-text elements",
    template: '<title><p title="</title><img src=x onerror=xssProbe(122)>"></p></title>',
  },
  {
    cls: "escapable raw-text elements",
    template: '<TeXtArEa><b title="</textarea ><img src=x onerror=xssProbe(123)>">x</b></TeXtArEa>',
  },
  // Sections are conditional: the markup without them is another document.
  {
    cls: "attributes split across sections",
    template: '{{^data.on}}<p title="{{/data.on}}<img src=x onerror=xssProbe(131)>">',
    view: { data: { on: true } },
  },
  {
    cls: "attributes split across sections",
    template:
      '{{#data.on}}<p title="{{/data.on}}<img src=x onerror=xssProbe(132)>{{#data.on}}">{{/data.on}}',
    view: { data: { on: false } },
  },
  {
    cls: "attributes split across sections",
    template: `<a title='{{#data.on}}' x="{{/data.on}} ' onclick=xssProbe(133) y='">'>x</a>`,
    view: { data: { on: false } },
  },
  {
    cls: "attributes split across sections",
    template:
      '<img src="/x.png" title="{{#data.on}}"{{/data.on}} alt=" onerror=xssProbe(134) x="">',
    view: { data: { on: false } },
  },
  // A value that writes a tag name or a URL nobody checked.
  {
    cls: "values that choose markup",
    template: "<{{query.t}} src=x onerror=xssProbe(141)>",
    view: { query: { t: "img" } },
  },
  {
    cls: "values that choose markup",
    template: '<a href="{{query.nextUrl}}">x</a>',
    view: { query: { nextUrl: "javascript:xssProbe(142)" } },
  },
  {
    cls: "values that choose markup",
    template: '{{#query}}<a href="{{url}}">x</a>{{/query}}',
    view: { query: { url: "javascript:xssProbe(143)" } },
  },
  // Links that a value sends to another host (issue 21 item 3).
  {
    cls: "URLs that leave the site",
    template: '<a href="/{{query.next}}">next</a>',
    view: { query: { next: "/xssprobe.example" } },
    redirect: true,
  },
  {
    cls: "URLs that leave the site",
    template: '<a href="/&#x{{query.next}}">next</a>',
    view: { query: { next: "2F;xssprobe.example" } },
    redirect: true,
  },
  {
    cls: "URLs that leave the site",
    template: '<a href="https://{{query.host}}/">x</a>',
    view: { query: { host: "xssprobe.example" } },
    redirect: true,
  },
  {
    cls: "URLs that leave the site",
    template: '<a href="https://shop.example{{query.host}}/">x</a>',
    view: { query: { host: ".xssprobe.example" } },
    redirect: true,
  },
];

/** Slots that point a module or an attribute at code (refused at publish, skipped at render). */
export const SLOT_BYPASSES: readonly {
  cls: "slots that target code" | "setAttribute of code attributes";
  slot: { selector: string; action: string; attribute?: string };
  template: string;
}[] = [
  {
    cls: "slots that target code",
    slot: { selector: "script#config", action: "setAttribute", attribute: "title" },
    template: "x",
  },
  {
    cls: "slots that target code",
    slot: { selector: "body > SCRIPT", action: "append" },
    template: "<b>x</b>",
  },
  {
    cls: "slots that target code",
    slot: { selector: "scr\\69pt.x", action: "replace" },
    template: "x",
  },
  {
    cls: "slots that target code",
    slot: { selector: "div, textarea", action: "append" },
    template: "x",
  },
  {
    cls: "slots that target code",
    slot: { selector: ":is(title)", action: "replace" },
    template: "x",
  },
  {
    cls: "slots that target code",
    slot: { selector: "#a template", action: "replace" },
    template: "x",
  },
  { cls: "slots that target code", slot: { selector: "style", action: "append" }, template: "x" },
  {
    cls: "setAttribute of code attributes",
    slot: { selector: "#cfg", action: "setAttribute", attribute: "type" },
    template: "module",
  },
  {
    cls: "setAttribute of code attributes",
    slot: { selector: "#cfg", action: "setAttribute", attribute: "src" },
    template: "/x.js",
  },
  {
    cls: "setAttribute of code attributes",
    slot: { selector: "#f", action: "setAttribute", attribute: "formaction" },
    template: "/x",
  },
  {
    cls: "setAttribute of code attributes",
    slot: { selector: "#u", action: "setAttribute", attribute: "xlink:href" },
    template: "/x",
  },
];
