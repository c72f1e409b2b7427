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
