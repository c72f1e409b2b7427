import { env } from "cloudflare:test";
import { vi } from "vitest";

/**
 * Test-only network edge: the Worker's outgoing fetches are observed (and, for the fake
 * origin's host, answered by the test). Everything else (Turso, the demo shop) goes out for real,
 * so the code under test runs unchanged.
 */
export const FAKE_ORIGIN = "http://origin.test";

/** Bindings whose shop origin is the fake one; `extra` overrides other bindings. */
export function fakeOriginEnv(extra: Partial<Env> = {}): Env {
  return { ...env, ORIGIN_URL: FAKE_ORIGIN, ...extra };
}

export type OriginHandler = (request: Request) => Response | Promise<Response>;

export type Outbound = { url: string; method: string; headers: Headers };

/**
 * Intercepts `fetch`: requests to FAKE_ORIGIN (or `at`) are answered by `origin` (a 599 without one),
 * every other request is passed through. Every request is recorded in `outbound`.
 * Undone by `vi.restoreAllMocks()`.
 */
export function interceptFetch(
  origin?: OriginHandler,
  /** The origin's address, when a test configures another than FAKE_ORIGIN. */
  at: string = FAKE_ORIGIN,
): { outbound: Outbound[] } {
  const real = globalThis.fetch;
  const outbound: Outbound[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    outbound.push({
      url: request.url,
      method: request.method,
      headers: new Headers(request.headers),
    });
    if (new URL(request.url).origin !== new URL(at).origin) return real(request);
    if (!origin) return new Response("no fake origin in this test", { status: 599 });
    return origin(request);
  });
  return { outbound };
}

/** An HTML response as a shop would send it. */
export function html(body: string, init: { status?: number; headers?: HeadersInit } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "text/html; charset=utf-8");
  return new Response(body, { status: init.status ?? 200, headers });
}

/** A page with the slot elements the test configs target and a marker in each part. */
export function shopPage(marker: string, extraBody = "") {
  return (
    `<!doctype html><html><head><title>${marker} title</title></head><body>` +
    `<header id="promo-banner" class="vt-slot">${marker} banner</header>` +
    `<main><h1>${marker} heading</h1><section id="recommendations">${marker} default recs</section>` +
    `${extraBody}</main><footer>${marker} footer</footer></body></html>`
  );
}

/** A body stream the test feeds by hand, to act as a slow or failing origin. */
export function controlledBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    fail: (err: Error) => controller.error(err),
  };
}

/** Resolves when `promise` does, or rejects after `ms`: a guard against a hang, not a timing check. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An HTML page from an origin that compresses it, as the runtime's `fetch` hands it to the
 * Worker: the body already decoded, the origin's Content-Encoding and encoded Content-Length
 * kept (checked against workerd fetching a real gzip and brotli origin).
 */
export async function compressedHtml(
  body: string,
  encoding: "gzip" | "br",
  init: { headers?: HeadersInit } = {},
): Promise<Response> {
  const encoded = new Response(
    new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")),
  );
  const response = html(body, init);
  response.headers.set("content-encoding", encoding);
  response.headers.set("content-length", String((await encoded.arrayBuffer()).byteLength));
  return response;
}
