import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { readdirSync, readFileSync } from "node:fs";

/**
 * The processes the bench measures, read from /proc: which belong to a `wrangler dev`, their
 * CPU time and memory, and pinning them to cores with `taskset`.
 */
export type Proc = { pid: number; role: string };

const CLOCK_TICK_MS = 10; // Linux USER_HZ = 100

const statFields = (pid: number | string) =>
  readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
const cmdline = (pid: string) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");

/** The processes of the `wrangler dev` serving `port`: the CLI and its workerd instances. */
export function wranglerProcesses(port: number, name: string): Proc[] {
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const cli = pids.find((pid) => {
    try {
      const args = cmdline(pid);
      return args.some((a) => a.endsWith("wrangler.js")) && args.includes(String(port));
    } catch {
      return false;
    }
  });
  if (!cli) throw new Error(`no wrangler dev process for port ${port}`);
  const group = statFields(cli)[2];
  const out: Proc[] = [];
  for (const pid of pids) {
    try {
      if (statFields(pid)[2] !== group) continue;
      const args = cmdline(pid).join(" ");
      const role = args.includes("esbuild")
        ? `${name}: esbuild`
        : !args.includes("workerd")
          ? `${name}: wrangler (node)`
          : args.includes(`entry=127.0.0.1:${port}`)
            ? `${name}: workerd (wrangler's proxy)`
            : `${name}: workerd (runtime)`;
      out.push({ pid: Number(pid), role });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** User + system CPU time of a process so far, in ms (0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const f = statFields(pid);
    return (Number(f[11]) + Number(f[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms of every process, keyed by role (roles repeat: summed). */
export function cpuByRole(procs: readonly Proc[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of procs) out.set(p.role, (out.get(p.role) ?? 0) + cpuMs(p.pid));
  return out;
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

export type Machine = { cores: number; cpu: string; memoryGiB: number; node: string };

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

/**
 * Pins each group of processes (all their threads) to its own core when the machine has one
 * per group; returns how it placed them, or why it did not.
 */
export function pinGroups(groups: { name: string; pids: number[] }[]): string {
  const cores = machine().cores;
  if (cores < groups.length)
    return `not pinned: ${cores} cores for ${groups.length} groups (${groups.map((g) => g.name).join(", ")}) that need one each`;
  const placed: string[] = [];
  groups.forEach((g, i) => {
    // The last group takes every core left over.
    const list = i === groups.length - 1 && cores > groups.length ? `${i}-${cores - 1}` : `${i}`;
    for (const pid of g.pids) {
      try {
        execFileSync("taskset", ["-a", "-p", "-c", list, String(pid)], { stdio: "ignore" });
      } catch {
        // gone meanwhile
      }
    }
    placed.push(`${g.name} on core ${list}`);
  });
  return `pinned with taskset: ${placed.join("; ")}`;
}
