/**
 * A tagged template that escapes every interpolated value unless it is already `SafeHtml`, so
 * catalog text, queries and form input can never inject markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  // false/null/undefined render nothing, so `${cond && html`...`}` works.
  if (value === null || value === undefined || typeof value === "boolean") return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Trusted markup (the stylesheet, serialized JSON-LD); never for outside input. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** JSON for a `<script>` block: `<` is escaped so no value can close the script early. */
export function jsonScript(value: unknown): SafeHtml {
  return raw(
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/\u2028|\u2029/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029")),
  );
}
