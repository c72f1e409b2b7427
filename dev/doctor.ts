import { formatReport } from "../workers/edge/doctor/format-report.ts";
import type { DoctorReport } from "../workers/edge/doctor/report.ts";
import { adminToken, nodeIo, type CliIo } from "./config-cli.ts";

const DEFAULT_WORKER = "http://127.0.0.1:8787";
const USAGE = `Usage: npm run doctor -- URL [--worker URL] [--token T] [--cookie "a=1; b=2"] [--json]
  URL       a page of the shop: a path (/p/some-product) or a full URL
  --worker  the Worker to ask (default: the URL's origin for a full URL, else ${DEFAULT_WORKER})
  --token   admin token (default $ADMIN_TOKEN, then ADMIN_TOKEN in ./.dev.vars)
  --cookie  the Cookie header of a visitor, to see their consent and their page
            (default: no cookie for consent, a consenting test visitor for the page)
  --json    the report as JSON`;

const VALUE_FLAGS = new Set(["worker", "token", "cookie"]);
const SWITCHES = new Set(["json"]);

type Args = { url: string; flags: Record<string, string> };

function parseArgs(argv: string[]): Args | string {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      positional.push(arg);
      continue;
    }
    const name = m[1]!;
    if (SWITCHES.has(name)) flags[name] = "";
    else if (!VALUE_FLAGS.has(name)) return `unknown option --${name}`;
    else {
      const value = m[2] ?? argv[++i];
      if (value === undefined) return `--${name}: needs a value`;
      flags[name] = value;
    }
  }
  if (positional.length !== 1) return "give one URL (a path like /p/x or a full URL)";
  return { url: positional[0]!, flags };
}

/** The Worker to ask: --worker, else a full URL's own origin (the Worker serves the shop). */
function workerOf(args: Args): string {
  if (args.flags.worker) return args.flags.worker.replace(/\/+$/, "");
  return /^https?:\/\//i.test(args.url) ? new URL(args.url).origin : DEFAULT_WORKER;
}

/**
 * `npm run doctor -- URL`: asks the Worker's admin doctor endpoint what Vitrine sees on a page
 * and prints the report. Exit code 0 with a report, 1 when none could be had, 2 on bad usage.
 */
export async function runDoctorCli(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.err(`doctor: ${args}\n${USAGE}`);
    return 2;
  }
  const token = adminToken(args.flags.token, io);
  if (!token) return 1;
  const endpoint = `${workerOf(args)}/__vitrine/v1/admin/doctor`;
  let res: Response;
  try {
    res = await io.fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ url: args.url, cookie: args.flags.cookie }),
    });
  } catch (err) {
    io.err(
      `could not reach the Worker at ${endpoint} (${err instanceof Error ? err.message : String(err)}); ` +
        "is `npm start` running, or is --worker right?",
    );
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not the API's JSON envelope: show the body as it came
    }
    io.err(`POST ${endpoint} -> ${res.status}: ${message}`);
    return 1;
  }
  const report = JSON.parse(text) as DoctorReport;
  io.out("json" in args.flags ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.error ? 1 : 0;
}

if (process.argv[1]?.endsWith("doctor.ts")) {
  process.exitCode = await runDoctorCli(process.argv.slice(2));
}
