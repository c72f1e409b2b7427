import type { Prng } from "./prng.ts";

/**
 * Random storefront-ish HTML, well-formed and broken, for the rewriting fuzz test. Every page
 * carries numbered ASCII markers in document order (in text, comments, attributes and raw-text
 * elements); the rewritten page must still hold all of them, in order.
 */
export type FuzzPage = {
  bytes: Uint8Array;
  markers: string[];
  contentType: string;
  /** Chunk sizes the origin sends the page in. */
  chunks: number[];
};

const encoder = new TextEncoder();

/** Bytes that are not UTF-8 (lone continuation bytes, truncated sequences, invalid leads). */
const NOT_UTF8 = [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0x80, 0x80], [0xf8, 0x88, 0x80]];

const CONTENT_TYPES = [
  "text/html; charset=utf-8",
  "text/html",
  "text/html;charset=UTF-8",
  "text/html; charset=windows-1252",
  "text/html; charset=iso-8859-1",
  "application/xhtml+xml",
];

export function fuzzPage(prng: Prng, id: string): FuzzPage {
  const parts: (string | Uint8Array)[] = [];
  const markers: string[] = [];
  const marker = () => {
    const m = `MK${id}x${markers.length}Q`;
    markers.push(m);
    return m;
  };
  // Options are functions: only the picked one may create a marker.
  const attrs: (() => string)[] = [
    () => `class="c${prng.int(9)}"`,
    () => `id="promo-banner"`,
    () => `id="recommendations"`,
    () => `data-x='${marker()}'`,
    () => `title=${marker()}`,
    () => `data-huge="${"h".repeat(prng.pick([10, 1000, 70_000, 300_000]))}"`,
    () => `a=1 a=2`,
    () => `disabled`,
    () => `x="unterminated`,
    () => `"odd"=1`,
    () => `onclick="f('</div>')"`,
  ];
  const attr = () => prng.pick(attrs)();
  const tag = () => prng.pick(["div", "p", "section", "span", "main", "h1", "ul", "li", "td", "a"]);

  const pieces: (() => void)[] = [
    () => parts.push(marker()),
    () => parts.push(`<${tag()} ${attr()}>${marker()}</${tag()}>`),
    () => parts.push(`<${tag()} ${attr()} ${attr()}>`),
    () => parts.push(`</${tag()}>`),
    () =>
      parts.push(
        prng.pick(["</body>", "</html>", "</head>", "<body>", "<head>", "<body class=b2>"]),
      ),
    () => parts.push(`<!-- ${marker()} <div> -->`),
    () => parts.push(`<![CDATA[ ${marker()} <p> ]]>`),
    () =>
      parts.push(
        `<template><div id="promo-banner">${marker()}</div><template>${marker()}</template></template>`,
      ),
    () => parts.push(`<script>var s = "</div><body>"; // ${marker()}</script>`),
    () => parts.push(`<style>/* ${marker()} */ p { color: red }</style>`),
    () => parts.push(`<textarea><p>${marker()}</textarea>`),
    () => parts.push(`<table><tr><td>${marker()}<tr><td>${marker()}</table>`),
    () => parts.push(`<svg><foreignObject><p>${marker()}</p></foreignObject></svg>`),
    () => parts.push(`<math><mi>${marker()}</mi></math>`),
    () => parts.push(`<select><option>${marker()}<option>x</select>`),
    () => parts.push(`<noscript><p>${marker()}</p></noscript>`),
    () => parts.push(`&amp; &#x41; &#99999999; &bogus; <<< >>> ${marker()} &`),
    () => parts.push(`<?xml version="1.0"?>${marker()}`),
    () => parts.push(Uint8Array.from(prng.pick(NOT_UTF8))),
    () => parts.push("\u0000"),
    () => parts.push(`<p>${"é漢🛒".repeat(prng.int(5))}${marker()}</p>`),
    () =>
      parts.push(
        `<script type="application/ld+json">${prng.pick([
          `{"@type":"Product","productID":"p-00${10 + prng.int(40)}","name":"x"}`,
          `{"@type":"Product"`,
          `[${"[".repeat(50)}]`,
          `{"@graph":[{"@type":"Product","sku":"${"s".repeat(prng.pick([5, 70_000]))}"}]}`,
        ])}</script>`,
      ),
    () => parts.push(`<div id="recommendations"><div id="promo-banner">${marker()}</div></div>`),
    () => parts.push(`<a href="/p/${marker()}">x</a>`),
  ];

  const prologue = prng.pick([
    "<!doctype html><html><head><title>t</title></head><body>",
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"><html><head></head><body>',
    "<html><body>",
    "",
    "\ufeff<!doctype html><head><meta charset=utf-8>",
    "<head><head><title>twice</title></head><head></head><body><body>",
  ]);
  parts.push(prologue);
  const count = 3 + prng.int(40);
  for (let i = 0; i < count; i++) prng.pick(pieces)();
  parts.push(
    prng.pick([
      "</body></html>",
      "",
      "</html></body>",
      "<!-- unterminated comment",
      "<div",
      "<plaintext><p>after plaintext</p>",
    ]),
  );
  // One marker at the very end, wherever the parser is by then.
  parts.push(marker());

  const encoded = parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p));
  const bytes = new Uint8Array(encoded.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of encoded) {
    bytes.set(p, at);
    at += p.length;
  }
  const chunks: number[] = [];
  for (let left = bytes.length; left > 0;) {
    const size = Math.min(left, prng.pick([1, 7, 64, 500, 4096, 65_536]));
    chunks.push(size);
    left -= size;
  }
  return { bytes, markers, contentType: prng.pick(CONTENT_TYPES), chunks };
}

/** The page as a stream in the given chunk sizes. */
export function streamOf(page: FuzzPage): ReadableStream<Uint8Array> {
  let offset = 0;
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = page.chunks[index++];
      if (size === undefined) {
        controller.close();
        return;
      }
      controller.enqueue(page.bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** Bytes as a binary string: markers are ASCII, so they are found whatever the encoding. */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192)
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** The first marker not found after the previous one, or null when all are there in order. */
export function firstMissing(text: string, markers: readonly string[]): string | null {
  let from = 0;
  for (const m of markers) {
    const at = text.indexOf(m, from);
    if (at < 0) return m;
    from = at + m.length;
  }
  return null;
}
