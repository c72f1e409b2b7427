/**
 * What module markup may contain, shared by the publish-time template check (template.ts) and
 * the render-time sanitizer (rewrite/sanitize-module.ts): elements, attributes and URL schemes
 * are allow-listed; anything not named here is refused at publish and stripped at render.
 */

/** Elements a module may contain: text structure, lists, tables, links, images and simple forms. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  "a",
  "abbr",
  "article",
  "aside",
  "b",
  "bdi",
  "bdo",
  "blockquote",
  "br",
  "button",
  "caption",
  "cite",
  "code",
  "col",
  "colgroup",
  "data",
  "dd",
  "del",
  "details",
  "dfn",
  "div",
  "dl",
  "dt",
  "em",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "i",
  "img",
  "input",
  "ins",
  "kbd",
  "label",
  "li",
  "mark",
  "meter",
  "nav",
  "ol",
  "p",
  "pre",
  "progress",
  "q",
  "s",
  "samp",
  "section",
  "small",
  "span",
  "strong",
  "sub",
  "summary",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "time",
  "tr",
  "u",
  "ul",
  "var",
  "wbr",
]);

/**
 * Elements whose content is code, a document, raw text or foreign markup: at render they go
 * with their content (unlike other unknown elements, whose text is kept).
 */
export const DROP_WITH_CONTENT: ReadonlySet<string> = new Set([
  "script",
  "style",
  "template",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "noscript",
  "noembed",
  "noframes",
  "textarea",
  "title",
  "xmp",
  "plaintext",
  "svg",
  "math",
  "select",
  "head",
]);

/**
 * Elements a slot may never target: their content is code, raw text or a nested document
 * (injected markup would be read as script or change meaning), or they control the page.
 */
export const FORBIDDEN_SLOT_TARGETS: ReadonlySet<string> = new Set([
  ...DROP_WITH_CONTENT,
  "html",
  "base",
  "meta",
  "link",
  "param",
]);

/** Attributes any allowed element may carry (plus aria-* and data-*, see isAllowedAttribute). */
const GLOBAL_ATTRIBUTES = new Set([
  "class",
  "id",
  "title",
  "lang",
  "dir",
  "role",
  "hidden",
  "tabindex",
  "translate",
  "style",
]);

const ELEMENT_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ["href", "target", "rel", "hreflang"],
  img: ["src", "alt", "width", "height", "loading", "decoding"],
  form: ["action", "method"],
  input: [
    "type",
    "name",
    "value",
    "placeholder",
    "checked",
    "disabled",
    "min",
    "max",
    "step",
    "required",
    "readonly",
    "size",
    "maxlength",
  ],
  button: ["type", "name", "value", "disabled"],
  label: ["for"],
  td: ["colspan", "rowspan", "headers"],
  th: ["colspan", "rowspan", "headers", "scope", "abbr"],
  col: ["span"],
  colgroup: ["span"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  progress: ["max", "value"],
  meter: ["min", "max", "low", "high", "optimum", "value"],
  time: ["datetime"],
  data: ["value"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
  q: ["cite"],
  blockquote: ["cite"],
  details: ["open"],
};

/** Allowed attributes whose value is a URL: checked by isAllowedUrl. */
export const MODULE_URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "href",
  "src",
  "action",
  "cite",
]);

/**
 * Attribute values limited to a few words: an `<input type>` cannot become an image button,
 * a form's method stays GET or POST.
 */
const ATTRIBUTE_VALUES: Record<string, ReadonlySet<string>> = {
  "input type": new Set([
    "hidden",
    "text",
    "search",
    "email",
    "tel",
    "number",
    "checkbox",
    "radio",
    "submit",
    "button",
    "range",
    "date",
  ]),
  "button type": new Set(["submit", "button", "reset"]),
  "form method": new Set(["get", "post"]),
  "a target": new Set(["_blank", "_self"]),
};

/** Whether `name` may appear on `tag` (both lower case). */
export function isAllowedAttribute(tag: string, name: string): boolean {
  if (name.startsWith("data-"))
    return !name.startsWith("data-vt-") && /^data-[a-z0-9_-]+$/.test(name);
  if (name.startsWith("aria-")) return /^aria-[a-z]+$/.test(name);
  return GLOBAL_ATTRIBUTES.has(name) || (ELEMENT_ATTRIBUTES[tag]?.includes(name) ?? false);
}

/** Why a fixed attribute value is refused (e.g. `<input type="image">`), or null. */
export function attributeValueProblem(tag: string, name: string, value: string): string | null {
  const allowed = ATTRIBUTE_VALUES[`${tag} ${name}`];
  if (!allowed || allowed.has(value.trim().toLowerCase())) return null;
  return `<${tag} ${name}="${value}"> is not allowed (use one of ${[...allowed].join(", ")})`;
}

/**
 * Attributes a setAttribute slot may never set on the shop's elements: event handlers and
 * attributes that load or change code (type on a script, src, srcdoc, formaction...).
 */
export function setAttributeProblem(name: string): string | null {
  const n = name.toLowerCase();
  if (n.startsWith("on")) return `event handler attribute "${name}" is not allowed`;
  if (n === "style") return `"style" is not allowed: set "class" instead`;
  if (n.startsWith("data-vt-")) return `"${name}" is reserved for Vitrine's own marks`;
  if (SET_ATTRIBUTE_FORBIDDEN.has(n) || n.includes(":")) {
    return `"${name}" is not allowed: it changes what the element loads or runs`;
  }
  return null;
}

const SET_ATTRIBUTE_FORBIDDEN = new Set([
  "type",
  "src",
  "srcset",
  "srcdoc",
  "formaction",
  "action",
  "data",
  "codebase",
  "background",
  "poster",
  "ping",
  "http-equiv",
  "content",
  "is",
  "integrity",
  "nonce",
  "language",
  "event",
  "for",
  "xmlns",
]);

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);
const BASE = "https://vitrine.invalid/base/";

/**
 * Whether an attribute's URL, as the browser reads it (character references already decoded),
 * stays on the page's origin or is an explicit mailto/tel URL or http(s) URL (to one of
 * `hosts` when given). Refuses what a browser would read as another host through a path
 * (`//host`, `/\host`) and script-capable schemes.
 */
export function isAllowedUrl(decoded: string, hosts?: ReadonlySet<string>): boolean {
  // What the URL parser drops: leading/trailing C0 and space, and tabs/newlines anywhere.
  const url = decoded.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  if (/[\u0000-\u001f\u007f]/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url, BASE);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(BASE).origin) {
    // A relative reference: same origin, unless it names a host itself (`//x`, `\\x`).
    return !/^[/\\]{2}/.test(url) && !/^[a-z][a-z0-9+.-]*:/i.test(url);
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return false;
  if (parsed.protocol === "mailto:" || parsed.protocol === "tel:") return true;
  // Absolute http(s) URLs must be written out, not assembled from a relative-looking start.
  return /^https?:\/\//i.test(url) && (hosts === undefined || hosts.has(parsed.host));
}

const NAMED_REFS: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  colon: ":",
  sol: "/",
  bsol: "\\",
  tab: "\t",
  newline: "\n",
  lpar: "(",
  rpar: ")",
  period: ".",
  num: "#",
  quest: "?",
  equals: "=",
  commat: "@",
  percnt: "%",
  plus: "+",
  comma: ",",
  semi: ";",
  lowbar: "_",
  hyphen: "-",
  dash: "\u2010",
  excl: "!",
  dollar: "$",
  ast: "*",
  grave: "`",
  lbrack: "[",
  rbrack: "]",
  lcub: "{",
  rcub: "}",
  verbar: "|",
  vert: "|",
  tilde: "~",
  hat: "^",
};

/**
 * Decodes the character references of an attribute value as a browser would, for the
 * references that can change a URL; null when it holds a named reference this table does
 * not know (the caller then drops the attribute rather than guess).
 */
export function decodeAttributeValue(raw: string): string | null {
  let unknown = false;
  const out = raw.replace(
    /&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*);)/g,
    (whole, hex?: string, dec?: string, name?: string) => {
      if (name !== undefined) {
        const v = NAMED_REFS[name] ?? NAMED_REFS[name.toLowerCase()];
        if (v === undefined) unknown = true;
        return v ?? whole;
      }
      const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
      if (
        !Number.isFinite(code) ||
        code === 0 ||
        code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)
      )
        return "\ufffd";
      return String.fromCodePoint(code);
    },
  );
  return unknown ? null : out;
}
