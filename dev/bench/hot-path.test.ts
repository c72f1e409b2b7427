import { describe, expect, it } from "vitest";
import { targets, type ModeRun } from "./hot-path.ts";
import type { Counts } from "./session-worker.ts";

const none: Counts = {
  isolate: "i",
  requests: 0,
  kvReads: 0,
  kvWrites: 0,
  kvDeletes: 0,
  kvLists: 0,
  doCalls: 0,
  doCallMs: 0,
  alarms: 0,
  sqlRowsRead: 0,
  sqlRowsWritten: 0,
  tursoRowsRead: 0,
  tursoRowsWritten: 0,
};
const timed = (first: number, last: number) => ({
  name: "",
  modes: {},
  errors: 0,
  runs: [{ firstByteMs: first, lastByteMs: last, bytes: 1 }],
});
const run = (
  mode: string,
  delayMs: number,
  rps: number,
  cpu: { worker: number; object?: number },
  oneAtATime: [number, number],
  atRate: [number, number],
): ModeRun => ({
  mode,
  page: "product page",
  delayMs,
  saturation: {
    name: mode,
    requests: 100,
    rps,
    p50: 0,
    p90: 0,
    p99: 0,
    errors: 0,
    non2xx: 0,
    modes: {},
    timings: {},
  },
  cpuPerPage: {
    "Worker: workerd (runtime)": cpu.worker,
    "object: workerd (runtime)": cpu.object ?? 0,
  },
  edge: none,
  session: none,
  oneAtATime: timed(...oneAtATime),
  atRate: timed(...atRate),
});

describe("targets", () => {
  const runs = [
    run("pass-through", 0, 1000, { worker: 1 }, [5, 8], [5, 8]),
    run("anonymous", 0, 900, { worker: 1.6 }, [5.2, 8.2], [5, 8]),
    run("personalized", 0, 850, { worker: 1.9, object: 0.4 }, [5.3, 8.5], [6, 9.5]),
    run("personalized", 10, 700, { worker: 1.9, object: 0.4 }, [5.4, 16.5], [6, 20]),
  ];
  const byWhat = (what: string) => targets(runs, 50).find((t) => t.what.startsWith(what))!;

  it("compares each mode with pass-through on the same page, as differences and ratios", () => {
    expect(byWhat("product page: Worker CPU per personalized")).toMatchObject({
      measured: 0.9,
      limit: 1,
      met: true,
    });
    expect(byWhat("product page: Worker CPU per anonymous")).toMatchObject({
      measured: 0.6,
      met: false,
    });
    expect(byWhat("product page: object CPU")).toMatchObject({ measured: 0.4, met: true });
    expect(byWhat("product page, +0 ms: throughput")).toMatchObject({ measured: 0.85, met: true });
    expect(byWhat("product page, +10 ms: throughput")).toMatchObject({ measured: 0.7, met: false });
    expect(byWhat("product page: added last byte p50 at 50")).toMatchObject({
      measured: 1.5,
      met: true,
    });
  });

  it("lets the last byte add the part of the delay the pass-through body did not hide, + 1 ms", () => {
    // The pass-through body takes 3 ms (first byte 5, last 8): 10 - 3 + 1 = 8 ms allowed.
    expect(byWhat("product page, +10 ms: last byte")).toMatchObject({
      measured: 8.5,
      limit: 8,
      met: false,
    });
    expect(byWhat("product page, +0 ms: last byte")).toMatchObject({ limit: 1, met: true });
  });
});
