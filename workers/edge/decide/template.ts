import Mustache from "mustache";
import { Tokenizer, TokenizerMode, type Token, type TokenHandler } from "parse5";
import { cssProblems, normalizeCss } from "./css-check.ts";
import {
  ALLOWED_ELEMENTS,
  attributeValueProblem,
  FORBIDDEN_SLOT_TARGETS,
  isAllowedAttribute,
  isAllowedUrl,
  MODULE_URL_ATTRIBUTES,
} from "./html-allowlist.ts";

/**
 * Template checks run once, when a config is validated, so rendering on the hot path can trust
 * the template. Mustache escapes every `{{value}}` for HTML; what escaping cannot fix is
 * *where* a value lands and what markup surrounds it. So the check is structural: the
 * template is tokenized by parse5 (the WHATWG HTML tokenizer) under every combination of its
 * sections, every element and attribute must be on the allow-list (html-allowlist.ts), and
 * each value and section boundary must sit where the tokenizer is in text or inside a quoted
 * attribute value.
 */

/** Top-level names a template may use outside sections; see `TemplateView` in render.ts. */
export const VIEW_ROOTS = [
  "data",
  "product",
  "items",
  "hasItems",
  "cart",
  "visitor",
  "now",
  "endsIn",
  "page",
  "query",
] as const;
export type ViewRoot = (typeof VIEW_ROOTS)[number];

/** `html`: module markup. `text`: a plain attribute value. `url`: an attribute value that is a URL. */
export type TemplateKind = "html" | "text" | "url";

export type TemplateCheck = {
  errors: string[];
  /** View roots printed outside any section, e.g. `product` for `{{product.name}}`. */
  roots: Set<string>;
};

const MAX_TEMPLATE = 20_000;
/** Sections per template: every combination of them is tokenized (2^8 = 256 at most). */
export const MAX_SECTIONS = 8;
/** Private-use planes 15 and 16 mark values and sections while tokenizing. */
const RESERVED = /[\u{F0000}-\u{10FFFF}]/u;
/** Each value and section boundary is tokenized as one private-use character of its own. */
const MARK_BASE = 0xf0000;

/**
 * Names inherited by the view's objects and lists: mustache resolves names with `in` and would
 * call these as lambdas. (Methods of strings and numbers are not reachable: mustache only
 * follows own properties of primitives.)
 */
const PROTOTYPE_NAMES = new Set(
  [Object.prototype, Array.prototype]
    .flatMap((p) => Object.getOwnPropertyNames(p))
    .filter((n) => n !== "length"),
);
const SEGMENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Attribute names set as plain text on the shop's elements that are URLs. */
export const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "srcset",
  "action",
  "formaction",
  "poster",
  "cite",
  "background",
  "data",
  "ping",
  "xlink:href",
  "manifest",
  "longdesc",
  "usemap",
]);

/** Attributes whose value must be written out: ids and names (DOM clobbering), fixed words. */
const LITERAL_ONLY = new Set(["id", "name", "for", "type", "method", "target", "style"]);

/** Tokenizer states (parse5's State numbers) where a value may go: text, or a quoted attribute value. */
const TEXT_STATES = new Set<number>([TokenizerMode.DATA]);
const QUOTED_VALUE_STATES = new Set<number>([35, 36]);
const UNQUOTED_VALUE_STATES = new Set<number>([34, 37]);
const COMMENT_STATES = new Set<number>([40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51]);
/** Elements whose text the tree builder tokenizes as raw text (they are refused anyway). */
const RAW_TEXT_MODES: Record<string, number> = {
  script: TokenizerMode.SCRIPT_DATA,
  style: TokenizerMode.RAWTEXT,
  xmp: TokenizerMode.RAWTEXT,
  iframe: TokenizerMode.RAWTEXT,
  noembed: TokenizerMode.RAWTEXT,
  noframes: TokenizerMode.RAWTEXT,
  noscript: TokenizerMode.RAWTEXT,
  textarea: TokenizerMode.RCDATA,
  title: TokenizerMode.RCDATA,
  plaintext: TokenizerMode.PLAINTEXT,
};

type Token_ = [string, string, number, number, Token_[]?, number?];

/** A value printed by the template; `urlSafe` when it is checked to be a safe URL before render. */
type Hole = { kind: "hole"; name: string; urlSafe: boolean };
/** A section boundary. */
type Boundary = { kind: "open" | "close"; section: number; name: string };
type Piece = string | Hole | Boundary;
type Section = { name: string; body: Item[] };
type Item = string | Hole | { kind: "section"; id: number; section: Section };

export function checkTemplate(template: string, kind: TemplateKind): TemplateCheck {
  const errors: string[] = [];
  const roots = new Set<string>();
  if (template.length > MAX_TEMPLATE) {
    return { errors: [`template is longer than ${MAX_TEMPLATE} characters`], roots };
  }
  if (RESERVED.test(template)) {
    return { errors: ["template contains a reserved character (private-use planes 15-16)"], roots };
  }
  // Checked on the source before parsing: `{{=` would change the delimiters for what follows.
  for (const m of template.matchAll(/\{\{\s*([{&>=<$])/g)) {
    errors.push(FORBIDDEN_TAGS[m[1] as keyof typeof FORBIDDEN_TAGS]);
  }
  if (errors.length) return { errors: [...new Set(errors)], roots };

  let tokens: Token_[];
  try {
    tokens = Mustache.parse(template) as unknown as Token_[];
  } catch (err) {
    return { errors: [`template does not parse: ${(err as Error).message}`], roots };
  }
  let sections = 0;
  const walk = (list: Token_[], stack: string[]): Item[] => {
    const items: Item[] = [];
    for (const token of list) {
      const [type, value] = token;
      if (type === "text") items.push(value);
      else if (type === "!") continue;
      else if (type === "name" || type === "#" || type === "^") {
        // Only printed values count as used roots: `{{#product}}` guards its own content.
        const bad = checkName(value, stack.length, type === "name" ? roots : null);
        if (bad) errors.push(bad);
        if (type === "name") {
          items.push({ kind: "hole", name: value, urlSafe: isCheckedUrl(value, stack) });
        } else {
          const body = walk(token[4] ?? [], [...stack, value]);
          items.push({ kind: "section", id: sections++, section: { name: value, body } });
        }
      } else {
        // Parse-level safety net; the source scan above already catches these.
        errors.push(`mustache tag "${type}" is not allowed`);
      }
    }
    return items;
  };
  const items = walk(tokens, []);

  if (kind === "html") {
    if (sections > MAX_SECTIONS) {
      errors.push(
        `at most ${MAX_SECTIONS} sections per template (every combination is checked); split it into several variants`,
      );
    } else {
      const found = new Set<string>();
      for (const pieces of expansions(items)) checkHtml(pieces, found);
      errors.push(...found);
    }
  }
  if (kind === "url" && !/^\/(?![/\\]|\{\{)/.test(template)) {
    errors.push('a URL attribute value must be a relative path starting with "/"');
  }
  return { errors, roots };
}

const FORBIDDEN_TAGS = {
  "{": "triple mustache {{{...}}} is not allowed: it inserts unescaped HTML",
  "&": "{{&...}} is not allowed: it inserts unescaped HTML",
  ">": "partials {{>...}} are not allowed",
  "<": "partials/parents {{<...}} are not allowed",
  $: "blocks {{$...}} are not allowed",
  "=": "set-delimiter tags {{=...=}} are not allowed",
} as const;

function checkName(name: string, depth: number, roots: Set<string> | null): string | null {
  if (name === ".") return null;
  const segments = name.split(".");
  for (const s of segments) {
    if (!SEGMENT_RE.test(s)) return `{{${name}}}: "${s}" is not a plain name`;
    if (PROTOTYPE_NAMES.has(s)) return `{{${name}}}: "${s}" is a built-in property, not data`;
  }
  if (depth === 0) {
    const root = segments[0]!;
    if (!(VIEW_ROOTS as readonly string[]).includes(root)) {
      return `{{${name}}}: unknown name "${root}" (use one of ${VIEW_ROOTS.join(", ")})`;
    }
    roots?.add(root);
  }
  return null;
}

/**
 * Values that are checked to be safe URLs before any render: a product's `url`/`imageUrl`
 * (cards with unsafe links are dropped) and `data.*Url` (checked at publish). A bare `url`
 * counts only directly inside `{{#items}}` or `{{#product}}`, where it is the card's own field;
 * elsewhere mustache would look it up in whatever the section pushed, e.g. the query string.
 */
function isCheckedUrl(name: string, stack: string[]): boolean {
  if (/^data\.[A-Za-z_][A-Za-z0-9_]*url$/i.test(name)) return stack.length === 0;
  if (name === "product.url" || name === "product.imageUrl") return stack.length === 0;
  const inner = stack.at(-1);
  return (name === "url" || name === "imageUrl") && (inner === "items" || inner === "product");
}

/**
 * Every combination of sections shown or not: each a flat list of text, values and the
 * boundaries of the sections it shows.
 */
function* expansions(items: Item[]): Generator<Piece[]> {
  if (items.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = items;
  const tails = [...expansions(rest)];
  const heads: Piece[][] = [];
  if (typeof first === "string" || first!.kind === "hole") heads.push([first as Piece]);
  else {
    const { id, section } = first as { id: number; section: Section };
    heads.push([]);
    for (const body of expansions(section.body)) {
      heads.push([
        { kind: "open", section: id, name: section.name },
        ...body,
        { kind: "close", section: id, name: section.name },
      ]);
    }
  }
  for (const head of heads) for (const tail of tails) yield [...head, ...tail];
}

type Placed = { piece: Hole | Boundary; mark: string; state: number };

/**
 * Tokenizes one expansion with parse5 and checks it: elements, attributes and URLs against
 * the allow-list; every value and section boundary where the tokenizer is in text or a
 * quoted attribute value (a section then only adds or removes whole text, elements or part
 * of one attribute's text, the same however often it repeats).
 */
function checkHtml(pieces: Piece[], errors: Set<string>): void {
  const tags: Token.TagToken[] = [];
  let doctype = false;
  let nul = false;
  const handler: TokenHandler = {
    onStartTag(token) {
      tags.push(token);
      // What the tree builder would do: the text of these elements is not markup.
      const mode = RAW_TEXT_MODES[token.tagName];
      if (mode !== undefined) {
        tokenizer.state = mode as typeof tokenizer.state;
        tokenizer.lastStartTagName = token.tagName;
      }
    },
    onEndTag(token) {
      tags.push(token);
    },
    // Comments are allowed as written (no value or section may go in one, see below).
    onComment() {},
    onDoctype() {
      doctype = true;
    },
    onNullCharacter() {
      nul = true;
    },
    onCharacter() {},
    onWhitespaceCharacter() {},
    onEof() {},
  };
  const tokenizer = new Tokenizer({ sourceCodeLocationInfo: false }, handler);
  const placed: Placed[] = [];
  let text = "";
  for (const piece of pieces) {
    if (typeof piece === "string") {
      text += piece;
      continue;
    }
    tokenizer.write(text, false);
    text = "";
    const mark = String.fromCodePoint(MARK_BASE + placed.length);
    placed.push({ piece, mark, state: tokenizer.state });
    tokenizer.write(mark, false);
  }
  tokenizer.write(text, false);
  const endState = tokenizer.state;
  tokenizer.write("", true);

  if (doctype) errors.add("<!DOCTYPE> is not allowed in templates");
  if (nul) errors.add("NUL characters are not allowed in templates");
  if (!TEXT_STATES.has(endState)) errors.add("the template ends inside a tag or comment");

  // Where each value and boundary landed: which attribute of which tag, if any.
  const inAttribute = new Map<string, { tag: string; attr: string; at: number }>();
  for (const [i, token] of tags.entries()) {
    const tag = token.tagName;
    const isEnd = token.type === 4;
    // A value or boundary in a tag name is reported where it was placed (below).
    if (placed.some((p) => tag.includes(p.mark))) continue;
    if (!ALLOWED_ELEMENTS.has(tag)) {
      errors.add(
        isEnd && tags.every((t) => t.tagName !== tag || t.type === 4)
          ? `</${tag}> is not allowed in templates`
          : `<${tag}> is not allowed in templates`,
      );
    }
    if (isEnd) continue;
    for (const { name, value } of token.attrs) {
      // A value or boundary in an attribute's name is reported where it was placed (below).
      if (placed.some((p) => name.includes(p.mark))) continue;
      for (const p of placed) {
        if (value.includes(p.mark)) inAttribute.set(p.mark, { tag, attr: name, at: i });
      }
      checkAttribute(tag, name, value, placed, errors);
    }
  }

  const opens = new Map<number, Placed>();
  for (const p of placed) {
    const { piece, state } = p;
    const where = inAttribute.get(p.mark);
    if (piece.kind === "hole") {
      if (TEXT_STATES.has(state) || (QUOTED_VALUE_STATES.has(state) && where)) continue;
      errors.add(holeProblem(piece.name, state));
      continue;
    }
    const tagText = `{{${piece.kind === "open" ? "#" : "/"}${piece.name}}}`;
    if (!TEXT_STATES.has(state) && !(QUOTED_VALUE_STATES.has(state) && where)) {
      errors.add(
        `${tagText} is inside a tag, comment or character reference: a section must wrap whole elements or text, or part of one quoted attribute value`,
      );
      continue;
    }
    if (piece.kind === "open") {
      opens.set(piece.section, p);
      continue;
    }
    const open = opens.get(piece.section);
    const from = open && inAttribute.get(open.mark);
    if (open && (from?.at !== where?.at || from?.attr !== where?.attr)) {
      errors.add(
        `{{#${piece.name}}}...{{/${piece.name}}} starts and ends in different places (${place(from)}, ${place(where)}): a section must wrap whole elements or part of one attribute value`,
      );
    }
  }
}

const place = (w: { tag: string; attr: string } | undefined) =>
  w ? `<${w.tag} ${w.attr}>` : "text";

function holeProblem(name: string, state: number): string {
  if (UNQUOTED_VALUE_STATES.has(state)) {
    return `{{${name}}} in an unquoted attribute value: quote the value`;
  }
  if (COMMENT_STATES.has(state)) return `{{${name}}} inside an HTML comment is not allowed`;
  if (state === 71 || state === 72) {
    return `{{${name}}} continues a character reference (&...): values may not complete one`;
  }
  if (state === TokenizerMode.RAWTEXT || state === TokenizerMode.RCDATA) {
    return `{{${name}}} inside a raw-text element is not allowed`;
  }
  if (state === TokenizerMode.SCRIPT_DATA || state === TokenizerMode.PLAINTEXT) {
    return `{{${name}}} inside a script is not allowed`;
  }
  return `{{${name}}} inside a tag itself: values go in text or quoted attribute values`;
}

function checkAttribute(
  tag: string,
  attr: string,
  value: string,
  placed: Placed[],
  errors: Set<string>,
): void {
  if (attr.startsWith("on")) {
    errors.add(`event handler attribute ${attr} on <${tag}> is not allowed`);
    return;
  }
  if (!isAllowedAttribute(tag, attr)) {
    errors.add(`attribute ${attr} on <${tag}> is not allowed`);
    return;
  }
  const inside = placed.filter((p) => value.includes(p.mark));
  const holes = inside.filter((p) => p.piece.kind === "hole");
  if (attr === "style") {
    if (inside.length) {
      errors.add(`${describe(inside[0]!)} inside a style attribute is not allowed: use classes`);
      return;
    }
    for (const problem of cssProblems(value)) errors.add(`<${tag} style>: ${problem}`);
    return;
  }
  if (LITERAL_ONLY.has(attr)) {
    if (inside.length) {
      errors.add(
        `${describe(inside[0]!)} in <${tag} ${attr}>: this attribute takes literal text only`,
      );
      return;
    }
    const bad = attributeValueProblem(tag, attr, value);
    if (bad) errors.add(bad);
    return;
  }
  if (!MODULE_URL_ATTRIBUTES.has(attr)) return;
  if (inside.some((p) => p.piece.kind !== "hole")) {
    errors.add(
      `<${tag} ${attr}>: a section inside a URL is not allowed: put the whole element in the section`,
    );
    return;
  }
  const bad = checkUrlTemplate(value, holes);
  if (bad) errors.add(`<${tag} ${attr}>: ${bad}`);
}

const describe = (p: Placed) =>
  p.piece.kind === "hole"
    ? `{{${p.piece.name}}}`
    : `{{${p.piece.kind === "open" ? "#" : "/"}${p.piece.name}}}`;

/**
 * A URL attribute's value as the browser decodes it (parse5 has decoded its character
 * references), with each value as its mark. Whatever the values, the URL must stay on this
 * site or go where the literal text says: its scheme and host are fixed before any value, a
 * value never directly follows a lone `/` (which would let it write `//other.host`), and only
 * URL values checked before render may start it.
 */
function checkUrlTemplate(value: string, holes: Placed[]): string | null {
  const trimmed = value.replace(/^[\u0000-\u0020]+/, "").replace(/[\t\n\r]/g, "");
  if (holes.length === 0) {
    return isAllowedUrl(trimmed)
      ? null
      : `"${value}" is not a link to this site or an http(s), mailto: or tel: URL`;
  }
  const first = holes.reduce((a, b) =>
    trimmed.indexOf(a.mark) <= trimmed.indexOf(b.mark) ? a : b,
  );
  const holeAt = trimmed.indexOf(first.mark);
  const name = (first.piece as Hole).name;
  if (holeAt === 0) {
    if (!(first.piece as Hole).urlSafe) {
      return `{{${name}}} starts the URL: only URLs checked before render (product.url, product.imageUrl, data.*Url, url/imageUrl directly in {{#items}} or {{#product}}) may start a URL`;
    }
    // A second value right after it could extend the host (`https://cdn.example` + `.evil`).
    const rest = trimmed.slice(first.mark.length);
    const next = holes.find((h) => h !== first && rest.startsWith(h.mark));
    return next
      ? `{{${(next.piece as Hole).name}}} directly after {{${name}}} could change its host: put "/", "?" or "#" between them`
      : null;
  }
  const prefix = trimmed.slice(0, holeAt);
  const head = prefix.split(/[/?#\\]/)[0] ?? "";
  const colon = head.indexOf(":");
  if (colon !== -1) {
    const scheme = head.slice(0, colon).toLowerCase();
    if (scheme === "mailto" || scheme === "tel") return null;
    if (scheme !== "http" && scheme !== "https") return `the "${scheme}:" scheme is not allowed`;
    return /^https?:[/\\]{2}[^/?#\\]+[/?#\\]/i.test(prefix)
      ? null
      : `{{${name}}} is inside the host: write the host out and end it with "/" before any value`;
  }
  if (!/[/?#\\]/.test(prefix)) {
    return "a value inserted before the URL's path could complete a scheme: start with /, ?, # or http(s)://";
  }
  if (/^[/\\]{2}/.test(prefix) || /^[/\\]$/.test(prefix)) {
    return `{{${name}}} right after "${prefix}" could make a link to another host (//host): start with a path such as /p/`;
  }
  return null;
}

/**
 * Why a slot's CSS selector may match an element whose content is code or raw text (script,
 * style, template, iframe, object, embed...), or null. Such slots are also skipped at render
 * whatever their selector matches (rewrite/page-rewriter.ts).
 */
export function selectorTargetProblem(selector: string): string | null {
  // Escapes decoded (`scr\ipt`), strings and attribute conditions dropped, then every type
  // selector: a name at the start of a compound selector.
  const plain = normalizeCss(selector)
    .replace(/"[^"]*"|'[^']*'/g, "")
    .replace(/\[[^\]]*\]/g, "");
  for (const m of plain.matchAll(/(?:^|[\s>+~,(|])([a-z][a-z0-9-]*)/g)) {
    if (FORBIDDEN_SLOT_TARGETS.has(m[1]!)) {
      return `a slot may not target <${m[1]}>: its content is code, raw text or another document`;
    }
  }
  return null;
}

/**
 * Whether a URL may be put in a page: a same-site path (`/x`, `?x`, `#x`; not `//host`) or
 * http(s). Anything else (javascript:, data:, vbscript:, protocol-relative) is refused.
 */
export function isSafeUrl(url: string): boolean {
  if (url.length === 0 || url.length > 2048) return false;
  // Browsers strip tabs/newlines inside URLs and treat `\` as `/`: refuse them outright.
  if (/[\u0000-\u0020\\\u007f]/.test(url)) return false;
  if (url[0] === "/") return url[1] !== "/";
  if (url[0] === "?" || url[0] === "#") return true;
  return /^https?:\/\/[^/?#]+/i.test(url);
}

/** A same-site path only: what an attribute set on the shop's own elements may point to. */
export function isRelativePath(url: string): boolean {
  return url[0] === "/" && isSafeUrl(url);
}
