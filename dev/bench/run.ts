import { mkdirSync, writeFileSync } from "node:fs";
import { startStack } from "../stack.ts";
import { load, type LoadResult } from "./load.ts";

/**
 * `npm run bench`: the local stack on its own ports and data, then the same product page
 * through the same Worker twice: with personalization switched off (kill switch, anonymous:
 * the pass-through baseline) and personalized for a consenting visitor (identity, config,
 * profile and session lookups, decisions, streaming rewrite). Numbers from one run.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const VISITORS = 200;
const logLines: string[] = [];
const stack = await startStack({
  ports: { db: 18080, shop: 13000, worker: 18787 },
  dataDir: ".data/bench",
  log: (line) => logLines.push(line),
});

async function publish(config: object): Promise<void> {
  const res = await fetch(`${stack.workerUrl}/__vitrine/v1/admin/config`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (res.status !== 201) throw new Error(`publishing failed: ${res.status} ${await res.text()}`);
  // Other isolates re-read the config pointer within 5 s.
  await new Promise((r) => setTimeout(r, 6_000));
}

try {
  const active = (await (
    await fetch(`${stack.workerUrl}/__vitrine/v1/admin/config`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    })
  ).json()) as { config: Record<string, unknown> };
  const home = await (await fetch(`${stack.shopUrl}/`)).text();
  const path = /href="(\/p\/[^"]+)"/.exec(home)?.[1];
  if (!path) throw new Error("no product link on the demo home page");
  const url = `${stack.workerUrl}${path}`;

  // Consenting visitors: the consent endpoint sets their signed consent and visitor cookies.
  const cookies: string[] = [];
  for (let i = 0; i < VISITORS; i++) {
    const consent = await fetch(`${stack.workerUrl}/__vitrine/v1/consent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ personalization: true, analytics: true }),
    });
    cookies.push(
      consent.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; "),
    );
  }
  const cookie = cookies[0]!;
  const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" };

  await publish({ ...active.config, enabled: false });
  await load("warm-up", url, browser, 3);
  const pass = await load("pass-through (kill switch)", url, browser, SECONDS);

  await publish(active.config);
  const check = await fetch(url, { headers: { ...browser, cookie } });
  const mode = check.headers.get("x-vitrine");
  await check.text();
  if (mode !== "personalized")
    throw new Error(`expected a personalized page, got x-vitrine: ${mode}`);
  await load("warm-up", url, browser, 3, cookies);
  const personalized = await load(
    `personalized (${VISITORS} visitors)`,
    url,
    browser,
    SECONDS,
    cookies,
  );

  const report = summarize(pass, personalized);
  mkdirSync("reports", { recursive: true });
  writeFileSync("reports/bench.json", JSON.stringify(report, null, 2));
  writeFileSync("reports/bench.md", report.markdown);
  console.log(report.markdown);
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  console.error(logLines.slice(-20).join("\n"));
  process.exitCode = 1;
} finally {
  await stack.stop();
}

function summarize(pass: LoadResult, personalized: LoadResult) {
  const ratio = personalized.rps / pass.rps;
  const added = { p50: personalized.p50 - pass.p50, p99: personalized.p99 - pass.p99 };
  const row = (r: LoadResult) =>
    `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.errors + r.non2xx} |`;
  const markdown = [
    `Vitrine bench, ${new Date().toISOString()}, ${SECONDS} s per mode, 8 connections, one wrangler dev (workerd) process`,
    "",
    "| mode | req/s | p50 ms | p90 ms | p99 ms | errors |",
    "| --- | --- | --- | --- | --- | --- |",
    row(pass),
    row(personalized),
    "",
    `throughput ratio personalized / pass-through: ${ratio.toFixed(2)} (target >= 0.80)`,
    `added latency: p50 ${added.p50} ms (target <= 2), p99 ${added.p99} ms (target <= 10)`,
    "",
  ].join("\n");
  return { pass, personalized, ratio, added, markdown };
}
