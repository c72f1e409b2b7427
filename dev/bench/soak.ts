import { createClient } from "@libsql/client";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { LOCAL_TOKEN, startStack } from "../stack.ts";
import { consentingVisitors } from "./events.ts";
import { markdownTable } from "../markdown-table.ts";

/**
 * `npm run soak`: mixed traffic against the local stack for SOAK_SECONDS (default 600):
 * shoppers browse, add to cart, check out and report events like the tracker does, while the
 * memory of every process of the stack is sampled. Passes when there are no errors, events in
 * == rows out, and no process's memory keeps growing after warm-up.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const SHOPPERS = Number(process.env.SOAK_SHOPPERS ?? 24);
/** Think time between a shopper's steps: people read pages (and the per-visitor event limit is 2/s). */
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 300);
const SAMPLE_MS = 5_000;
const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" };

// As in the bench: wrangler dev's local trace collector keeps a span per subrequest, a cost
// (CPU and memory) the deployed Worker never has.
process.env.X_LOCAL_OBSERVABILITY ??= "false";
// The stack's log, minus wrangler's line per request: what the Worker reported (errors, warnings).
const logLines: string[] = [];
const PORTS = { db: 38080, shop: 33000, worker: 38787 };
const DATA_DIR = ".data/soak";
// A fresh database and Worker state each run, so memory and counts are this run's own.
rmSync(DATA_DIR, { recursive: true, force: true });
const stack = await startStack({
  ports: PORTS,
  dataDir: DATA_DIR,
  log: (line) => {
    if (!/\[wrangler:info\] (GET|POST|HEAD) /.test(line)) logLines.push(line);
  },
});

type Sample = { t: number; rss: Record<string, number> };
const samples: Sample[] = [];
const counts = {
  requests: 0,
  pages: 0,
  decides: 0,
  carts: 0,
  orders: 0,
  eventsRequests: 0,
  eventsAccepted: 0,
  /** 429s from the per-visitor event limit: these shoppers act faster than people do. */
  rateLimited: 0,
  errors: 0,
};
const errors: string[] = [];
const run = `soak${Date.now().toString(36)}`;
let eventSeq = 0;

/** RSS (MB) of this process and every descendant, by name (Linux /proc). */
function sampleMemory(): Record<string, number> {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      names.set(Number(entry), name);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: Record<string, number> = {};
  const visit = (pid: number, label: string) => {
    try {
      const kb = Number(
        /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0,
      );
      out[label] = (out[label] ?? 0) + kb / 1024;
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? [])
      visit(
        child,
        names.get(child) === "workerd" ? workerdRole(child) : `${label}>${names.get(child)}`,
      );
  };
  visit(process.pid, "node (libSQL server + demo shop + driver)");
  return out;
}

/**
 * wrangler dev runs two workerd processes: its own proxy in front (none of Vitrine's code runs
 * there: the reference for what the runtime does by itself) and the one with the Worker, its
 * Durable Objects and the local KV/Cache simulators.
 */
const REFERENCE = "workerd (wrangler's proxy: no Vitrine code)";
function workerdRole(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  return args.includes(`entry=127.0.0.1:${PORTS.worker}`)
    ? REFERENCE
    : "workerd (Vitrine Worker + Durable Objects + local KV/Cache)";
}

class Jar {
  private cookies = new Map<string, string>();
  constructor(initial: string) {
    for (const part of initial.split("; ").filter(Boolean)) this.set(part);
  }
  private set(pair: string) {
    const i = pair.indexOf("=");
    this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
  }
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) this.set(c.split(";")[0]!);
  }
}

async function request(
  jar: Jar,
  path: string,
  init: RequestInit = {},
  expect = [200],
): Promise<string> {
  counts.requests++;
  const res = await fetch(`${stack.workerUrl}${path}`, {
    ...init,
    redirect: "manual",
    headers: { ...BROWSER, cookie: jar.header(), ...(init.headers as Record<string, string>) },
  });
  jar.take(res);
  const body = await res.text();
  if (res.status === 429 && path.startsWith("/__vitrine/v1/events")) counts.rateLimited++;
  else if (!expect.includes(res.status)) {
    counts.errors++;
    if (errors.length < 20) errors.push(`${init.method ?? "GET"} ${path} -> ${res.status}`);
  }
  return res.status >= 300 && res.status < 400 ? (res.headers.get("location") ?? "") : body;
}

async function track(jar: Jar, events: Record<string, unknown>[]) {
  counts.eventsRequests++;
  const body = await request(
    jar,
    "/__vitrine/v1/events",
    {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ events: events.map((e) => ({ id: `${run}-${eventSeq++}`, ...e })) }),
    },
    [202],
  );
  try {
    counts.eventsAccepted += (JSON.parse(body) as { accepted?: number }).accepted ?? 0;
  } catch {
    // counted as an error above
  }
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;

async function shopper(jar: Jar, until: number) {
  while (Date.now() < until) {
    const home = await request(jar, "/");
    counts.pages++;
    const categories = [...home.matchAll(/href="(\/c\/[^"?]+)"/g)].map((m) => m[1]!);
    const listing = await request(jar, pick(categories.length ? categories : ["/"]));
    counts.pages++;
    const products = [...listing.matchAll(/href="(\/p\/[^"]+)"/g)].map((m) => m[1]!);
    if (!products.length) continue;
    const path = pick(products);
    const page = await request(jar, path);
    counts.pages++;
    // The same product as a single-page shop sees it: the decision API for its route.
    await request(
      jar,
      "/__vitrine/v1/decide",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ path, record: false }),
      },
      [200],
    );
    counts.decides++;
    const productId = /data-product-id="([^"]+)"/.exec(page)?.[1];
    if (!productId) continue;
    await track(jar, [{ type: "review_read", productId, pageType: "product" }]);
    if (Math.random() < 0.5) continue;
    await request(
      jar,
      "/cart/add",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ productId, qty: "1" }).toString(),
      },
      [303],
    );
    await track(jar, [{ type: "add_to_cart", productId, data: { quantity: 1 } }]);
    counts.carts++;
    if (Math.random() < 0.6) continue;
    await request(jar, "/checkout");
    const location = await request(
      jar,
      "/checkout",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          name: "Soak Tester",
          email: `soak-${Math.floor(Math.random() * 50)}@example.com`,
          address: "Long Street 1",
          city: "Kraków",
          postalCode: "30-001",
          country: "PL",
          shipping: "standard",
          payment: "card",
        }).toString(),
      },
      [303],
    );
    const order = await request(jar, location.replace(/^https?:\/\/[^/]+/, ""));
    // What the tracker reads from the confirmation page's dataLayer.
    const entry = /dataLayer \|\| \[\]\)\.push\((\{.*?\})\);/s.exec(order)?.[1];
    if (!entry) continue;
    const { ecommerce } = JSON.parse(entry) as {
      ecommerce: {
        transaction_id: string;
        value: number;
        items: { item_id: string; quantity: number; price: number }[];
      };
    };
    await track(jar, [
      {
        type: "purchase",
        valueCents: Math.round(ecommerce.value * 100),
        data: {
          orderId: ecommerce.transaction_id,
          lines: ecommerce.items.map((i) => ({
            productId: i.item_id,
            quantity: i.quantity,
            unitPriceCents: Math.round(i.price * 100),
          })),
        },
      },
    ]);
    counts.orders++;
  }
}

function slopeMbPerMin(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den ? (num / den) * 60_000 : 0;
}

try {
  const cookies = await consentingVisitors(stack.workerUrl, SHOPPERS);
  const started = Date.now();
  const sampler = setInterval(
    () => samples.push({ t: Date.now() - started, rss: sampleMemory() }),
    SAMPLE_MS,
  );
  samples.push({ t: 0, rss: sampleMemory() });
  await Promise.all(cookies.map((c) => shopper(new Jar(c), started + SECONDS * 1000)));
  clearInterval(sampler);
  samples.push({ t: Date.now() - started, rss: sampleMemory() });

  // Let the Durable Objects' alarms drain (each flushes within 45 s), then count this run's events in Turso.
  const db = createClient({ url: stack.dbUrl, authToken: LOCAL_TOKEN });
  let rows = -1;
  for (let i = 0; i < 90; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const n = Number(
      (
        await db.execute({
          sql: "SELECT count(*) AS n FROM events WHERE event_id LIKE ?",
          args: [`${run}-%`],
        })
      ).rows[0]!.n,
    );
    if (n === rows && n >= counts.eventsAccepted) break;
    rows = n;
  }
  db.close();

  // Growth is judged after the first fifth (warm-up: JIT, caches, first Durable Objects).
  const labels = [...new Set(samples.flatMap((s) => Object.keys(s.rss)))];
  const warm = samples.filter((s) => s.t >= (SECONDS * 1000) / 5);
  const memory = labels.map((label) => {
    const series = samples.map((s) => s.rss[label] ?? 0);
    const slope = slopeMbPerMin(warm.map((s) => [s.t, s.rss[label] ?? 0]));
    return {
      label,
      startMb: series[0]!,
      peakMb: Math.max(...series),
      endMb: series.at(-1)!,
      slopeMbPerMin: slope,
    };
  });
  // workerd under wrangler dev keeps growing with requests even in its proxy, which runs none
  // of Vitrine's code: a workerd process is judged against that reference, per request.
  const kbPerRequest = (m: (typeof memory)[number]) =>
    ((m.endMb - m.startMb) * 1024) / Math.max(1, counts.requests);
  const reference = memory.find((m) => m.label === REFERENCE);
  const growing = memory.filter((m) =>
    m.label.startsWith("workerd") && reference
      ? kbPerRequest(m) > 2 * Math.max(1, kbPerRequest(reference))
      : m.slopeMbPerMin * (SECONDS / 60) > Math.max(20, m.endMb * 0.1),
  );
  const lost = counts.eventsAccepted - rows;
  const report = {
    seconds: SECONDS,
    shoppers: SHOPPERS,
    counts,
    errors,
    eventsIn: counts.eventsAccepted,
    rowsOut: rows,
    lost,
    memory,
    samples,
  };
  const markdown = [
    `Vitrine soak, ${new Date().toISOString()}, ${SECONDS} s, ${SHOPPERS} shoppers, think time ${THINK_MS} ms`,
    "",
    `pages ${counts.pages}, SPA decisions ${counts.decides}, carts ${counts.carts}, orders ${counts.orders}, errors ${counts.errors}, event calls over the per-visitor limit (429) ${counts.rateLimited}; events in ${counts.eventsAccepted}, rows out ${rows}, lost ${lost}`,
    "",
    `${counts.requests} requests to the Worker`,
    "",
    ...markdownTable(
      ["process", "start MB", "peak MB", "end MB", "trend after warm-up MB/min", "KB per request"],
      memory.map((m) => [
        m.label,
        m.startMb.toFixed(0),
        m.peakMb.toFixed(0),
        m.endMb.toFixed(0),
        m.slopeMbPerMin.toFixed(2),
        kbPerRequest(m).toFixed(1),
      ]),
    ),
    "",
    growing.length
      ? `GROWING: ${growing.map((m) => m.label).join(", ")}`
      : "memory: no growth trend",
    ...errors.map((e) => `error: ${e}`),
    "",
  ].join("\n");
  mkdirSync("reports", { recursive: true });
  writeFileSync("reports/soak.json", JSON.stringify(report, null, 2));
  writeFileSync("reports/soak.md", markdown);
  writeFileSync("reports/soak-stack.log", logLines.join("\n"));
  console.log(markdown);
  if (counts.errors || lost !== 0 || growing.length) process.exitCode = 1;
} catch (err) {
  console.error(`soak: ${err instanceof Error ? err.message : err}`);
  console.error(logLines.slice(-20).join("\n"));
  process.exitCode = 1;
} finally {
  await stack.stop();
}
