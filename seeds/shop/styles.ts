import { etagOf } from "./http.ts";
import { CATEGORY_COLORS } from "./theme.ts";

const categoryRules = Object.entries(CATEGORY_COLORS)
  .map(([id, c]) => `.cat-${id}{--cat:${c.base};--cat-soft:${c.soft}}`)
  .join("\n");

/** The whole stylesheet: one file, cached for a year, busted by a content hash in its URL. */
export const SHOP_CSS = `
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f7f7f5;--card:#fff;--brand:#0f5c4d;--brand-ink:#fff;--accent:#d9542b;--ok:#15803d;--warn:#b45309;--bad:#b91c1c;--radius:12px;--cat:#4b5563;--cat-soft:#eef0f3}
${categoryRules}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:inherit}
img{max-width:100%;height:auto;display:block}
.wrap{max-width:1200px;margin:0 auto;padding:0 20px}
.site-header{background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:5}
.site-header .wrap{display:flex;align-items:center;gap:24px;height:64px}
.logo{font-weight:800;font-size:22px;letter-spacing:-.02em;text-decoration:none;color:var(--brand)}
.logo span{color:var(--accent)}
.search{flex:1;display:flex;max-width:520px}
.search input{flex:1;padding:9px 14px;border:1px solid var(--line);border-radius:999px 0 0 999px;font:inherit;background:var(--bg)}
.search button{padding:9px 16px;border:0;border-radius:0 999px 999px 0;background:var(--brand);color:var(--brand-ink);font:inherit;cursor:pointer}
.header-links{display:flex;gap:18px;font-size:15px}
.header-links a{text-decoration:none}
.nav{background:#fff;border-bottom:1px solid var(--line)}
.nav .wrap{display:flex;gap:22px;overflow-x:auto;height:44px;align-items:center;font-size:15px;white-space:nowrap}
.nav a{text-decoration:none;color:var(--muted)}
.nav a:hover,.nav a[aria-current]{color:var(--ink)}
main{padding:24px 0 48px}
.vt-slot:empty{display:none}
#promo-banner{background:var(--brand);color:var(--brand-ink);text-align:center;font-size:14px;padding:8px 12px;border-radius:var(--radius);margin-bottom:20px}
#promo-banner a{color:inherit}
.hero{display:grid;grid-template-columns:1.2fr 1fr;gap:24px;align-items:center;background:linear-gradient(120deg,#0f5c4d,#137a66);color:#fff;border-radius:20px;padding:48px;margin-bottom:32px}
.hero h1{font-size:40px;line-height:1.1;margin:0 0 12px;letter-spacing:-.02em}
.hero p{margin:0 0 20px;opacity:.9;font-size:18px}
.btn{display:inline-block;padding:11px 20px;border-radius:999px;background:var(--accent);color:#fff;text-decoration:none;font-weight:600;border:0;font:inherit;font-weight:600;cursor:pointer}
.btn.secondary{background:#fff;color:var(--ink);border:1px solid var(--line)}
.btn[disabled]{background:#d1d5db;cursor:not-allowed}
h1{font-size:30px;letter-spacing:-.01em;margin:0 0 16px}
h2{font-size:22px;margin:32px 0 14px}
.muted{color:var(--muted)}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:14px}
.tile{background:var(--cat-soft);border-radius:var(--radius);padding:20px;text-decoration:none;border:1px solid transparent}
.tile:hover{border-color:var(--cat)}
.tile strong{display:block;color:var(--cat);font-size:17px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden;display:flex;flex-direction:column;transition:box-shadow .15s}
.card:hover{box-shadow:0 6px 20px rgba(0,0,0,.07)}
.card a{text-decoration:none}
.card .body{padding:12px 14px 16px;display:flex;flex-direction:column;gap:4px;flex:1}
.card .brand{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .name{font-weight:600;line-height:1.3}
.card .price{font-weight:700;margin-top:auto}
.rating{color:#f59e0b;font-size:14px;letter-spacing:1px}
.rating small{color:var(--muted);letter-spacing:0}
.stock{font-size:13px}
.stock.in{color:var(--ok)}.stock.low{color:var(--warn)}.stock.out{color:var(--bad)}
.rank{position:absolute;margin:10px;background:var(--ink);color:#fff;border-radius:999px;padding:2px 9px;font-size:13px;font-weight:700}
.listing{display:grid;grid-template-columns:240px 1fr;gap:28px}
.filters{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:16px;align-self:start}
.filters fieldset{border:0;padding:0;margin:0 0 16px}
.filters legend{font-weight:700;margin-bottom:6px}
.filters label{display:block;font-size:15px;padding:2px 0}
.filters input[type=number]{width:80px;padding:6px;border:1px solid var(--line);border-radius:8px;font:inherit}
.toolbar{display:flex;justify-content:space-between;align-items:center;margin-bottom:14px;gap:12px;flex-wrap:wrap}
.sorts a{margin-left:10px;font-size:14px;color:var(--muted)}
.sorts a[aria-current]{color:var(--ink);font-weight:700;text-decoration:none}
.crumbs{font-size:14px;color:var(--muted);margin-bottom:14px}
.crumbs a{text-decoration:none}
.product{display:grid;grid-template-columns:1fr 1fr;gap:40px;background:#fff;border:1px solid var(--line);border-radius:20px;padding:28px}
.product h1{margin-bottom:6px}
.product .price{font-size:28px;font-weight:800;margin:12px 0}
.buy{display:flex;gap:10px;align-items:center;margin:16px 0}
.buy input{width:64px;padding:9px;border:1px solid var(--line);border-radius:8px;font:inherit}
.badges{display:flex;gap:6px;flex-wrap:wrap;margin:6px 0}
.badge{background:var(--cat-soft);color:var(--cat);font-size:12px;font-weight:700;padding:3px 8px;border-radius:999px;text-transform:uppercase;letter-spacing:.03em}
.perks{list-style:none;padding:0;margin:16px 0;font-size:14px;color:var(--muted)}
.perks li::before{content:"✓ ";color:var(--ok);font-weight:700}
.reviews{display:grid;gap:14px}
.review{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:16px}
.review h3{margin:0 0 4px;font-size:16px}
.help{background:#fff;border:1px dashed var(--line);border-radius:var(--radius);padding:14px 16px;font-size:14px;margin-top:24px}
table.cart{width:100%;border-collapse:collapse;background:#fff;border-radius:var(--radius);overflow:hidden}
table.cart th,table.cart td{padding:12px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
table.cart td.num,table.cart th.num{text-align:right}
.summary{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:18px;margin-top:18px;max-width:420px;margin-left:auto}
.summary div{display:flex;justify-content:space-between;padding:4px 0}
.summary .total{font-weight:800;font-size:19px;border-top:1px solid var(--line);margin-top:6px;padding-top:10px}
.checkout{display:grid;grid-template-columns:1.4fr 1fr;gap:28px}
.form{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:22px}
.form label{display:block;font-weight:600;font-size:14px;margin:12px 0 4px}
.form input[type=text],.form input[type=email],.form select{width:100%;padding:10px;border:1px solid var(--line);border-radius:8px;font:inherit}
.form .choice{font-weight:400}
.errors{background:#fef2f2;color:var(--bad);border:1px solid #fecaca;border-radius:var(--radius);padding:12px 16px}
.faq details{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:14px 18px;margin-bottom:10px}
.faq summary{font-weight:600;cursor:pointer}
.empty{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:40px;text-align:center}
.site-footer{border-top:1px solid var(--line);background:#fff;padding:28px 0;font-size:14px;color:var(--muted)}
.site-footer .wrap{display:flex;gap:28px;flex-wrap:wrap;justify-content:space-between}
.site-footer a{color:var(--muted)}
@media (max-width:800px){.hero,.product,.listing,.checkout{grid-template-columns:1fr}.hero{padding:28px}.hero h1{font-size:30px}.header-links{display:none}}
`.trim();

export const SHOP_CSS_ETAG = etagOf(SHOP_CSS);
/** The stylesheet URL pages link to; its query changes whenever the CSS does. */
export const SHOP_CSS_HREF = `/assets/shop.css?v=${SHOP_CSS_ETAG.slice(1, 9)}`;
