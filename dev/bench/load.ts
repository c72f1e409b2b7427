import autocannon from "autocannon";

export type LoadResult = {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
};

/**
 * One bounded autocannon run against a local URL (loopback only). `cookies`, when given, are
 * rotated per request so the load looks like many visitors, not one very busy one.
 */
export async function load(
  name: string,
  url: string,
  headers: Record<string, string>,
  seconds: number,
  cookies: string[] = [],
): Promise<LoadResult> {
  let next = 0;
  const r = await autocannon({
    url,
    headers,
    connections: 8,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          if (!cookies.length) return req;
          const cookie = cookies[next++ % cookies.length]!;
          return { ...req, headers: { ...req.headers, cookie } };
        },
      },
    ],
  });
  return {
    name,
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}
