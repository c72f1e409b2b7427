import { afterEach, describe, expect, it, vi } from "vitest";
import type { Settings } from "../settings.ts";
import { forwardToOrigin, OriginTimeoutError, OriginUnavailableError } from "./forward.ts";

const TIMEOUT_MS = 100;
const settings = {
  origin: new URL("http://origin.test"),
  originTimeoutMs: TIMEOUT_MS,
} as Settings;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The network edge: `fetch` answered by `origin`, with each signal it was given kept. */
function stubOrigin(origin: (signal: AbortSignal) => Promise<Response>) {
  const signals: AbortSignal[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation((_input, init) => {
    const signal = init!.signal!;
    signals.push(signal);
    return origin(signal);
  });
  return signals;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("forwardToOrigin timeout", () => {
  it("gives up on an origin that sends no headers in time and aborts the subrequest", async () => {
    const signals = stubOrigin(
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
        ),
    );
    const err = await forwardToOrigin(new Request("https://shop.example/p/1"), settings).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OriginTimeoutError);
    // A timeout is an origin failure: callers serving stale-if-error copies catch this class.
    expect(err).toBeInstanceOf(OriginUnavailableError);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  it("times out even when the network layer ignores the abort", async () => {
    stubOrigin(() => new Promise(() => undefined));
    await expect(
      forwardToOrigin(new Request("https://shop.example/"), settings),
    ).rejects.toBeInstanceOf(OriginTimeoutError);
  });

  it("does not bound the body: a page still streaming past the timeout arrives whole", async () => {
    const encoder = new TextEncoder();
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    const signals = stubOrigin(async () => new Response(body, { status: 200 }));
    const res = await forwardToOrigin(new Request("https://shop.example/big"), settings);
    push.enqueue(encoder.encode("first part, "));
    await sleep(TIMEOUT_MS * 2);
    push.enqueue(encoder.encode("second part"));
    push.close();
    expect(await res.text()).toBe("first part, second part");
    expect(signals[0]!.aborted).toBe(false);
  });

  it("reports other network failures as the origin being unavailable, not a timeout", async () => {
    stubOrigin(() => Promise.reject(new TypeError("connect ECONNREFUSED")));
    const err = await forwardToOrigin(new Request("https://shop.example/"), settings).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OriginUnavailableError);
    expect(err).not.toBeInstanceOf(OriginTimeoutError);
    expect((err as Error).message).toContain("ECONNREFUSED");
  });
});
