/**
 * CSS that a config may carry (its `styles` and `style` attributes in templates): no script
 * (`expression(`, `javascript:` URLs, `behavior`, `-moz-binding`) and nothing loaded from
 * another host by `@import`. Checked on the CSS as a browser reads it: comments removed and
 * escapes (`\65 xpression`, `\:`) decoded first, so spelling tricks change nothing.
 */

const URL_SCHEMES = new Set(["http", "https"]);

/** Every problem with `css`, empty when it is safe. */
export function cssProblems(css: string): string[] {
  const problems = new Set<string>();
  const text = normalizeCss(css);
  if (/expression\s*\(/.test(text)) problems.add("expression() is not allowed");
  if (/(^|[^a-z0-9_-])(behavior|-moz-binding)\s*:/.test(text)) {
    problems.add("behavior and -moz-binding are not allowed");
  }
  if (/(^|[^a-z0-9_-])javascript\s*:|vbscript\s*:/.test(text)) {
    problems.add("javascript: and vbscript: URLs are not allowed");
  }
  for (const m of text.matchAll(/url\(\s*(["']?)([^"')]*)\1\s*\)/g)) {
    const bad = urlProblem(m[2]!, "url()");
    if (bad) problems.add(bad);
  }
  for (const m of text.matchAll(/@import\s*(?:url\(\s*)?(["']?)([^"')\s;]*)/g)) {
    const target = m[2]!;
    if (!target || /^([a-z][a-z0-9+.-]*:|[/\\]{2})/.test(target)) {
      problems.add(`@import of "${target}" is not allowed: import only paths of this site (/...)`);
    }
  }
  return [...problems];
}

/** Lower case, comments removed, escapes decoded, control characters dropped. */
export function normalizeCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, "")
    .replace(
      /\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([^\n\r\f0-9a-fA-F])|\\[\n\r\f]/g,
      (_, hex, ch) => {
        if (hex) {
          const code = parseInt(hex, 16);
          return code === 0 || code > 0x10ffff ? "\ufffd" : String.fromCodePoint(code);
        }
        return ch ?? "";
      },
    )
    .replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, "")
    .toLowerCase();
}

function urlProblem(raw: string, where: string): string | null {
  const url = raw.trim().replace(/[\t\n\r]/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return null;
  if (URL_SCHEMES.has(scheme)) return null;
  if (scheme === "data" && /^data:image\/(png|gif|jpeg|webp|avif|svg\+xml)[;,]/.test(url))
    return null;
  return `${where} with the "${scheme}:" scheme is not allowed`;
}
