import WebSocket from "ws";
import { markdownTable } from "../markdown-table.ts";

/** One row of a CPU profile: a function's own time, summed over every place it ran. */
export type ProfileRow = { fn: string; where: string; selfMs: number; share: number };
export type CpuProfile = { sampledMs: number; pages: number; rows: ProfileRow[] };

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/**
 * Samples the Worker's isolate through its inspector (the DevTools protocol that
 * `wrangler dev --inspector-port` serves) while `work` runs, and sums each function's own
 * time: where the Worker's CPU per page goes, measured rather than guessed. Time in the
 * runtime's native code (HTMLRewriter's parser, streams) shows under the JS frame that called
 * it or as "(program)".
 */
export async function profileWorker(
  inspectorPort: number,
  work: () => Promise<number>,
): Promise<CpuProfile> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as {
    webSocketDebuggerUrl?: string;
  }[];
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectorPort}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = <T>(method: string, params: object = {}): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve as (r: unknown) => void);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 100 });
    await send("Profiler.start");
    const pages = await work();
    const { profile } = await send<{ profile: Profile }>("Profiler.stop");
    return summarize(profile, pages);
  } finally {
    ws.close();
  }
}

/** Own time per function (name and bundle location), largest first; idle time left out. */
export function summarize(profile: Profile, pages: number, top = 15): CpuProfile {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, ProfileRow>();
  let sampledMs = 0;
  profile.samples.forEach((nodeId, i) => {
    const frame = byNode.get(nodeId);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!frame || frame.functionName === "(idle)") return;
    sampledMs += ms;
    const fn = frame.functionName || "(anonymous)";
    const where = frame.url ? `${frame.url.split("/").pop()}:${frame.lineNumber + 1}` : "";
    const key = `${fn}@${where}`;
    const row = totals.get(key) ?? { fn, where, selfMs: 0, share: 0 };
    row.selfMs += ms;
    totals.set(key, row);
  });
  const rows = [...totals.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map((r) => ({ ...r, share: sampledMs ? r.selfMs / sampledMs : 0 }));
  return { sampledMs, pages, rows };
}

export function profileMarkdown(p: CpuProfile): string[] {
  return markdownTable(
    ["function", "where (bundle)", "own ms per page", "share of sampled CPU"],
    p.rows.map((r) => [
      r.fn,
      r.where,
      (r.selfMs / Math.max(1, p.pages)).toFixed(3),
      `${(r.share * 100).toFixed(1)} %`,
    ]),
  );
}
