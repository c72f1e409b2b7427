import autocannon from "autocannon";
import { percentiles, withOmittedRequests } from "./percentiles.ts";

export type LoadResult = {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** How the Worker said it handled the pages (`x-vitrine`), counted. */
  modes: Record<string, number>;
  /** Server-Timing durations the Worker reported, per name (config, profile, session...). */
  timings: Record<string, number[]>;
};

/** A browser's cookies for one site: what it sends, updated from every response. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  constructor(setCookies: readonly string[] = []) {
    this.update(setCookies);
  }

  /** Applies `Set-Cookie` values as a browser would (Max-Age=0 deletes). */
  update(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

type Connection = { visitor?: CookieJar };

/**
 * One bounded autocannon run against a local URL (loopback only): closed loop (each connection
 * sends its next request when the last one is answered: the Worker's capacity) or at a fixed
 * `rate` (latency below capacity, without queueing). With `visitors`, requests
 * take turns among them and each visitor keeps the cookies the Worker sets (session, visitor
 * id), like a browser: the load looks like many returning visitors, not one very busy one,
 * and not a crowd of newcomers either.
 */
export async function load(
  name: string,
  url: string,
  headers: Record<string, string>,
  seconds: number,
  visitors: readonly CookieJar[] = [],
  /** Requests per second in all (on 2 connections); without it, 8 connections as fast as they go. */
  rate?: number,
): Promise<LoadResult> {
  let next = 0;
  const modes: Record<string, number> = {};
  const timings: Record<string, number[]> = {};
  const durations: number[] = [];
  const connections = rate ? 2 : 8;
  const options: autocannon.Options = {
    url,
    headers,
    connections,
    duration: seconds,
    // Its own correction for a fixed rate uses a 1 ms interval (see withOmittedRequests): the
    // bench makes it itself.
    ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
    requests: [
      {
        setupRequest: (req, context: Connection) => {
          if (!visitors.length) return req;
          // One request at a time per connection, so the response belongs to this visitor.
          const visitor = visitors[next++ % visitors.length]!;
          context.visitor = visitor;
          return { ...req, headers: { ...req.headers, cookie: visitor.header() } };
        },
        onResponse: (_status, _body, context: Connection, res) => {
          // Raw header names keep the server's case.
          const h: Record<string, string | string[] | undefined> = {};
          for (const [key, value] of Object.entries(res as object)) h[key.toLowerCase()] = value;
          const mode = String(h["x-vitrine"] ?? "none");
          modes[mode] = (modes[mode] ?? 0) + 1;
          for (const part of String(h["server-timing"] ?? "").split(",")) {
            const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
            if (m) (timings[m[1]!] ??= []).push(Number(m[2]));
          }
          const set = h["set-cookie"];
          if (context.visitor && set) context.visitor.update(Array.isArray(set) ? set : [set]);
        },
      },
    ],
  };
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    // Response times to 0.1 ms from the responses themselves (autocannon's are whole ms): the
    // targets are 2 and 10 ms. As autocannon does, only 2xx responses count.
    run.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) durations.push(ms);
    });
  });
  const latency = percentiles(
    rate ? withOmittedRequests(durations, (connections * 1000) / rate) : durations,
  );
  return {
    name,
    requests: r.requests.total,
    rps: r.requests.average,
    ...latency,
    errors: r.errors,
    non2xx: r.non2xx,
    modes,
    timings,
  };
}
