import { cssProblems } from "../decide/css-check.ts";
import {
  ALLOWED_ELEMENTS,
  attributeValueProblem,
  decodeAttributeValue,
  DROP_WITH_CONTENT,
  FORBIDDEN_SLOT_TARGETS,
  isAllowedAttribute,
  isAllowedUrl,
  MODULE_URL_ATTRIBUTES,
  setAttributeProblem,
} from "../decide/html-allowlist.ts";

/**
 * Render-time defence in depth for module HTML: the rendered markup goes through HTMLRewriter
 * (lol-html, a spec HTML tokenizer) with the same allow-list the publish check uses
 * (decide/html-allowlist.ts). Elements off the list are dropped (code, raw-text and foreign
 * elements with their content), attributes off the list are removed, and a URL attribute that
 * the browser would read as leaving the site (`/&#x2F;evil.example` is `//evil.example`) or
 * as script is removed. A module that does not end as plain text (an unclosed tag, comment
 * or raw-text element would swallow the shop's page) is refused whole.
 */

const HTML_NS = "http://www.w3.org/1999/xhtml";

/** Sanitized modules by their rendered HTML: product lists and offers repeat across pages. */
const done = new Map<string, string | null>();
const MAX_DONE = 512;

/**
 * The module HTML without anything off the allow-list, or null when it must not be shown.
 * Absolute links must go to one of `hosts` (see RenderedSlot.hosts); relative ones stay on
 * the site. Synchronous when this module was sanitized before.
 */
export function sanitizeModule(
  html: string,
  hosts: readonly string[],
): string | null | Promise<string | null> {
  const key = `${hosts.join(" ")}\n${html}`;
  const known = done.get(key);
  if (known !== undefined) return known;
  return run(html, hostSet(hosts)).then((out) => {
    if (done.size >= MAX_DONE) done.clear();
    done.set(key, out);
    return out;
  });
}

/** Hosts as the URL parser writes them (lower case, IDNA, no default port). */
function hostSet(hosts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const h of hosts) {
    try {
      out.add(new URL(`https://${h}/`).host);
    } catch {
      // Not a host: it allows nothing.
    }
  }
  return out;
}

async function run(html: string, hosts: Set<string>): Promise<string | null> {
  // A name the module cannot guess: only the real end mark proves the module ended as text.
  const end = `vt-end-${crypto.randomUUID()}`;
  let ended = false;
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName.toLowerCase();
        if (tag === end) {
          ended = true;
          el.remove();
          return;
        }
        if (el.namespaceURI !== HTML_NS || DROP_WITH_CONTENT.has(tag)) {
          el.remove();
          return;
        }
        if (!ALLOWED_ELEMENTS.has(tag)) {
          el.removeAndKeepContent();
          return;
        }
        for (const [name = "", value = ""] of [...el.attributes]) {
          if (!attributeAllowed(tag, name.toLowerCase(), value, hosts)) el.removeAttribute(name);
        }
      },
    })
    .onDocument({
      comments(comment) {
        comment.remove();
      },
    });
  const out = await rewriter.transform(new Response(`${html}<${end}></${end}>`)).text();
  return ended ? out : null;
}

/** Whether an attribute as written in the module (character references not yet decoded) may stay. */
export function attributeAllowed(
  tag: string,
  name: string,
  raw: string,
  hosts: ReadonlySet<string>,
): boolean {
  if (name.startsWith("on") || !isAllowedAttribute(tag, name)) return false;
  const value = decodeAttributeValue(raw);
  if (MODULE_URL_ATTRIBUTES.has(name)) return value !== null && isAllowedUrl(value, hosts);
  if (name === "style") return value !== null && cssProblems(value).length === 0;
  return attributeValueProblem(tag, name, value ?? raw) === null;
}

/**
 * Why a slot must not be applied to this element of the shop's page, or null: its content is
 * code, raw text or foreign markup (injected HTML would be read as script or change meaning),
 * or a setAttribute would set an attribute that loads or runs code (e.g. type on a script).
 */
export function slotTargetProblem(
  tagName: string,
  namespaceURI: string,
  attribute: string | undefined,
): string | null {
  const tag = tagName.toLowerCase();
  if (namespaceURI !== HTML_NS || FORBIDDEN_SLOT_TARGETS.has(tag)) {
    return `<${tag}> may not be a slot`;
  }
  return attribute === undefined ? null : setAttributeProblem(attribute);
}
