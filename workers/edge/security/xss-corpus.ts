/**
 * Classic XSS payloads, each calling `xssProbe(n)`: if a payload ever lands in a place where
 * the browser would run it, `findExecutable` (html-oracle.ts) finds the probe there.
 */
const PAYLOADS = [
  "<script>xssProbe(N)</script>",
  '"><img src=x onerror=xssProbe(N)>',
  "'><svg onload=xssProbe(N)>",
  '" onmouseover="xssProbe(N)" x="',
  "' autofocus onfocus='xssProbe(N)' x='",
  "javascript:xssProbe(N)",
  " javascript:xssProbe(N)",
  "java\tscript:xssProbe(N)",
  "data:text/html,<script>xssProbe(N)</script>",
  "</title><script>xssProbe(N)</script>",
  "</script><script>xssProbe(N)</script>",
  "</textarea><script>xssProbe(N)</script>",
  "<iframe src=javascript:xssProbe(N)></iframe>",
  "<a href=javascript:xssProbe(N)>click</a>",
  '<a href="&#106;avascript:xssProbe(N)">x</a>',
  "<body onload=xssProbe(N)>",
  "<svg><animate onbegin=xssProbe(N) attributeName=x dur=1s>",
  "<math><mtext><table><mglyph><style><img src=x onerror=xssProbe(N)>",
  '<noscript><p title="</noscript><img src=x onerror=xssProbe(N)>">',
  "<!--<script>xssProbe(N)</script>-->",
  "--><script>xssProbe(N)</script><!--",
  "<![CDATA[<script>xssProbe(N)</script>]]>",
  "<ScRiPt>xssProbe(N)</sCrIpT>",
  "<scr<script>ipt>xssProbe(N)</scr</script>ipt>",
  "&lt;script&gt;xssProbe(N)&lt;/script&gt;",
  "%3Cscript%3ExssProbe(N)%3C/script%3E",
  "\\u003cscript\\u003exssProbe(N)\\u003c/script\\u003e",
  "<style>@import 'javascript:xssProbe(N)';</style>",
  '<div style="background:url(javascript:xssProbe(N))">',
  '<meta http-equiv="refresh" content="0;url=javascript:xssProbe(N)">',
  "<base href=//evil.example/ data-p=xssProbe(N)>",
  "<form action=javascript:xssProbe(N)><button>go</button></form>",
  "<template><script>xssProbe(N)</script></template>",
  "`-xssProbe(N)-`",
  '\\"-xssProbe(N)-\\"',
  "{{constructor.constructor('xssProbe(N)')()}}",
  "${xssProbe(N)}",
  "<img src=x onerror=\u0000xssProbe(N)>",
  "\u202e<script>xssProbe(N)</script>",
  "<img/src=x/onerror=xssProbe(N)>",
  "<details open ontoggle=xssProbe(N)>",
  "<x onclick=xssProbe(N)>tap</x>",
] as const;

/** The corpus with each payload numbered, so a finding names the payload that got through. */
export const XSS_CORPUS: readonly string[] = PAYLOADS.map((p, i) => p.replaceAll("N", String(i)));

/** A shorter mix for fields with tight limits (ids, hosts): the structural breakouts. */
export const XSS_SHORT: readonly string[] = XSS_CORPUS.filter((p) => p.length <= 60);
