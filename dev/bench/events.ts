import { createClient } from "@libsql/client";
import autocannon from "autocannon";
import { LOCAL_TOKEN, type Stack } from "../stack.ts";
import { quantile } from "./percentiles.ts";
import { markdownTable } from "../markdown-table.ts";

export type IngestResult = {
  seconds: number;
  visitors: number;
  requests: number;
  eventsSent: number;
  eventsAccepted: number;
  rateLimitedRequests: number;
  otherErrors: number;
  rowsOut: number;
  /** Accepted by the Worker but cut off client-side when the run ended (at most one batch per connection). */
  unconfirmed: number;
  duplicates: number;
  lost: number;
  acceptedPerSecond: number;
  drainSeconds: number;
};

const BATCH = 10;
const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" };

/** Consenting visitors: the consent endpoint sets their signed consent and visitor cookies. */
export async function consentingVisitors(workerUrl: string, n: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${workerUrl}/__vitrine/v1/consent`, {
      method: "POST",
      headers: { ...BROWSER, "content-type": "application/json" },
      body: JSON.stringify({ personalization: true, analytics: true }),
    });
    await res.text();
    cookies.push(
      res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; "),
    );
  }
  return cookies;
}

/**
 * Events in through the local Worker, rows out in Turso: autocannon posts batches of product
 * views for many consenting visitors; afterwards the Durable Objects' alarms drain to Turso and
 * the rows carrying this run's ids are counted. Nothing may be lost: rows out == accepted.
 */
export async function benchIngest(
  stack: Stack,
  seconds: number,
  visitors: number,
): Promise<IngestResult> {
  const cookies = await consentingVisitors(stack.workerUrl, visitors);
  const run = `bench${Date.now().toString(36)}`;
  let next = 0;
  let accepted = 0;
  let limited = 0;
  let other = 0;
  const result = await autocannon({
    url: `${stack.workerUrl}/__vitrine/v1/events`,
    method: "POST",
    headers: { ...BROWSER, "content-type": "application/json" },
    connections: 8,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const n = next++;
          const events = Array.from({ length: BATCH }, (_, i) => ({
            id: `${run}-${n}-${i}`,
            type: "product_view",
            productId: `p-${String(((n * BATCH + i) % 300) + 1).padStart(4, "0")}`,
            pageType: "product",
          }));
          const cookie = cookies[n % cookies.length]!;
          return { ...req, headers: { ...req.headers, cookie }, body: JSON.stringify({ events }) };
        },
        onResponse: (status, body) => {
          if (status === 202) accepted += (JSON.parse(body) as { accepted: number }).accepted;
          else if (status === 429) limited++;
          else other++;
        },
      },
    ],
  });

  // Each visitor's object flushes within 30 s of its first unflushed event; a backlog takes a few rounds.
  const db = createClient({ url: stack.dbUrl, authToken: LOCAL_TOKEN });
  const started = Date.now();
  let rows = 0;
  let distinct = 0;
  for (let stable = 0; Date.now() - started < 120_000 && stable < 3;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const counted = (
      await db.execute({
        sql: "SELECT count(*) AS n, count(DISTINCT visitor_id || ':' || event_id) AS d FROM events WHERE event_id LIKE ?",
        args: [`${run}-%`],
      })
    ).rows[0]!;
    stable = Number(counted.n) === rows && rows >= accepted ? stable + 1 : 0;
    rows = Number(counted.n);
    distinct = Number(counted.d);
  }
  db.close();
  return {
    seconds,
    visitors,
    requests: result.requests.total,
    eventsSent: result.requests.total * BATCH,
    eventsAccepted: accepted,
    rateLimitedRequests: limited,
    otherErrors: other + result.errors,
    rowsOut: rows,
    unconfirmed: Math.max(0, rows - accepted),
    duplicates: rows - distinct,
    lost: Math.max(0, accepted - rows),
    acceptedPerSecond: accepted / seconds,
    drainSeconds: (Date.now() - started) / 1000,
  };
}

export type SnapshotLatency = { samples: number; p50: number; p99: number; max: number };

/**
 * The hot path's session snapshot (Durable Object `state`) as the Worker itself timed it, read
 * from the `session;dur=` entry of Server-Timing on personalized pages.
 */
export async function benchSnapshot(
  url: string,
  cookies: string[],
  samples: number,
): Promise<SnapshotLatency> {
  const durations: number[] = [];
  for (let i = 0; i < samples; i++) {
    const res = await fetch(url, { headers: { ...BROWSER, cookie: cookies[i % cookies.length]! } });
    await res.arrayBuffer();
    const m = /(?:^|,\s*)session;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
    if (m) durations.push(Number(m[1]));
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => quantile(durations, q);
  return { samples: durations.length, p50: at(0.5), p99: at(0.99), max: durations.at(-1) ?? NaN };
}

export function ingestMarkdown(r: IngestResult, s: SnapshotLatency): string {
  return [
    `Events ingestion, ${r.seconds} s, ${r.visitors} consenting visitors, batches of ${BATCH}, 8 connections`,
    "",
    ...markdownTable(
      [
        "events sent",
        "accepted (202)",
        "accepted/s",
        "429 requests",
        "other errors",
        "rows in Turso",
        "in flight at stop",
        "duplicates",
        "lost",
        "drain s",
      ],
      [
        [
          r.eventsSent,
          r.eventsAccepted,
          r.acceptedPerSecond.toFixed(0),
          r.rateLimitedRequests,
          r.otherErrors,
          r.rowsOut,
          r.unconfirmed,
          r.duplicates,
          r.lost,
          r.drainSeconds.toFixed(1),
        ],
      ],
    ),
    "",
    `Session snapshot (Durable Object state on the hot path, Server-Timing): ${s.samples} samples, p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`,
    "",
  ].join("\n");
}
