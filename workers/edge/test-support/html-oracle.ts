/**
 * Finds where an XSS probe (`xssProbe`) would run if the page were loaded in a browser: in an
 * element that executes or loads code, an event-handler attribute, a script-capable URL, or a
 * tag or attribute name the payload invented. Uses the runtime's HTMLRewriter, the same parser
 * family the Worker streams pages through.
 */
const PROBE = "xssprobe";
const CODE_ELEMENTS = new Set([
  "script",
  "style",
  "iframe",
  "frame",
  "object",
  "embed",
  "svg",
  "math",
  "template",
  "noscript",
  "base",
  "meta",
  "link",
  "form",
  "animate",
  "set",
]);
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "data",
  "poster",
  "background",
  "srcdoc",
  "content",
]);

export type Finding = { where: string; detail: string };

export type OracleReport = {
  findings: Finding[];
  /** How often the probe appears inertly (escaped text or a plain attribute value). */
  inert: number;
};

const has = (s: string) => s.toLowerCase().includes(PROBE);
// Browsers ignore tabs, newlines and leading control characters in URL schemes.
const scheme = (v: string) =>
  v
    .replace(/[\u0000-\u0020]/g, "")
    .toLowerCase()
    .match(/^([a-z][a-z0-9+.-]*):/)?.[1] ?? null;

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  colon: ":",
  tab: "\t",
  newline: "\n",
  sol: "/",
  lpar: "(",
  rpar: ")",
};

/** Character references as the browser decodes them in attribute values (the ones that matter). */
function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Where the probe would run (findings) and how often it appears harmlessly (inert). */
export async function findExecutable(page: string): Promise<OracleReport> {
  const findings: Finding[] = [];
  let inert = 0;
  // Text inside <script>/<style> is code; elsewhere it is inert text.
  let codeDepth = 0;
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName.toLowerCase();
        if (has(tag)) findings.push({ where: `<${tag}>`, detail: "tag name carries the probe" });
        const code = CODE_ELEMENTS.has(tag);
        if (tag === "script" || tag === "style") {
          codeDepth++;
          el.onEndTag(() => {
            codeDepth--;
          });
        }
        for (const [name = "", raw = ""] of el.attributes) {
          const value = decodeEntities(raw);
          if (has(name) || /["'<>=]/.test(name)) {
            findings.push({ where: `<${tag} ${name}>`, detail: "attribute name from a payload" });
          } else if (name.startsWith("on") && has(value)) {
            findings.push({ where: `<${tag} ${name}>`, detail: value });
          } else if (URL_ATTRIBUTES.has(name) && has(value)) {
            // Where a loading element points, or a script-capable scheme anywhere.
            const s = scheme(value);
            if (code || (s !== null && !["http", "https", "mailto", "tel"].includes(s)))
              findings.push({ where: `<${tag} ${name}>`, detail: value });
            else inert++;
          } else if (name === "style" && has(value)) {
            findings.push({ where: `<${tag} style>`, detail: value });
          } else if (has(value)) inert++;
        }
      },
    })
    .onDocument({
      text(chunk) {
        if (!has(chunk.text)) return;
        if (codeDepth > 0) findings.push({ where: "script/style text", detail: chunk.text });
        else inert++;
      },
    });
  await rewriter.transform(new Response(page)).text();
  return { findings, inert };
}
