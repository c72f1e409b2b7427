import type { Child } from "hono/jsx";
import { href } from "./paths.ts";

const NAV: [string, string][] = [
  ["", "Overview"],
  ["/segments", "Segments"],
  ["/experiments", "Experiments"],
  ["/attribution", "Attribution"],
  ["/recommendations", "Recommendations"],
  ["/models", "Models"],
  ["/editor", "Editor"],
  ["/persona", "Persona"],
  ["/config", "Config"],
  ["/customers", "Customer view"],
  ["/doctor", "Doctor"],
  ["/users", "Users"],
];

const CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
header { background: #111827; color: #fff; padding: 10px 24px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
header strong { font-size: 16px; }
header nav a { color: #d1d5db; text-decoration: none; margin-right: 14px; }
header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #60a5fa; }
header form { margin-left: auto; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 22px; margin: 4px 0 16px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.panel > h2:first-child { margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 600; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px; margin: 12px 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
.muted { color: var(--muted); }
.good { color: #047857; font-weight: 600; }
.bad { color: #b91c1c; font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef2ff; color: #3730a3; }
.badge.warn { background: #fef2f2; color: #991b1b; }
.badge.ok { background: #ecfdf5; color: #065f46; }
.chart { width: 100%; max-width: 640px; height: auto; display: block; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
form.inline { display: inline; }
button, input[type=submit] { font: inherit; padding: 5px 12px; border-radius: 6px; border: 1px solid #1d4ed8; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--ink); border-color: #d1d5db; }
input[type=text], input[type=password], textarea, select { font: inherit; padding: 6px 8px; border: 1px solid #d1d5db; border-radius: 6px; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: 12px; }
.notice { padding: 10px 12px; border-radius: 6px; background: #eff6ff; border: 1px solid #bfdbfe; margin: 10px 0; }
.notice.error { background: #fef2f2; border-color: #fecaca; }
code { font-size: 12px; }
`;

/** The page shell: navigation, styles inline (the CSP allows no other source), no scripts. */
export function Layout(props: { title: string; active: string; children: Child; notice?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Vitrine dashboard`}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <strong>Vitrine</strong>
          <nav>
            {NAV.map(([path, label]) => (
              <a href={href(path)} aria-current={path === props.active ? "page" : undefined}>
                {label}
              </a>
            ))}
          </nav>
          <form method="post" action={href("/logout")}>
            <button class="secondary" type="submit">
              Log out
            </button>
          </form>
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.notice ?? null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Headline figure. */
export function Card(props: { label: string; value: string; note?: string }) {
  return (
    <div class="card">
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.note ? <div class="muted">{props.note}</div> : null}
    </div>
  );
}

/** A period picker: the pages read `?days=`. */
export function RangePicker(props: { days: number; action: string }) {
  return (
    <form method="get" action={props.action} class="inline">
      <label>
        Period:{" "}
        <select name="days">
          {[7, 30, 90, 180, 365].map((d) => (
            <option value={String(d)} selected={d === props.days}>
              last {d} days
            </option>
          ))}
        </select>
      </label>{" "}
      <button class="secondary" type="submit">
        Show
      </button>
    </form>
  );
}
