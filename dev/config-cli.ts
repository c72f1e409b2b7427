import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { format, resolveConfig } from "prettier";
import { parseConfig } from "../workers/edge/decide/config-schema.ts";
import { configJsonSchema } from "../workers/edge/decide/json-schema.ts";

export const SCHEMA_PATH = "seeds/config/personalization-config.schema.json";
const DEFAULT_URL = "http://127.0.0.1:8787";
const USAGE = `Usage:
  tsx dev/config-cli.ts validate FILE
  tsx dev/config-cli.ts schema [OUT]            (default ${SCHEMA_PATH})
  tsx dev/config-cli.ts publish FILE [--styles CSS_FILE] [--url URL] [--token T]
      --styles adds the modules' CSS; --url defaults to ${DEFAULT_URL};
      --token to $ADMIN_TOKEN, then ADMIN_TOKEN in ./.dev.vars`;

/** What the CLI touches, injectable so tests run it without files, network or exit. */
export type CliIo = {
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  fetch: typeof fetch;
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
};

export const nodeIo: CliIo = {
  readFile: (path) => readFileSync(path, "utf8"),
  writeFile: (path, text) => writeFileSync(path, text),
  fetch: (...args) => fetch(...args),
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Runs one command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const [command, ...rest] = argv;
  const { positional, flags } = parseArgs(rest);
  switch (command) {
    case "validate": {
      const file = positional[0];
      if (!file) return usage(io);
      const config = load(file, io);
      if (!config) return 1;
      io.out(`${file}: valid (version ${config.version}, ${count(config)})`);
      return 0;
    }
    case "schema": {
      const out = positional[0] ?? SCHEMA_PATH;
      io.writeFile(out, await schemaText(out));
      io.out(`wrote ${out}`);
      return 0;
    }
    case "publish": {
      const file = positional[0];
      if (!file) return usage(io);
      const config = load(file, io);
      if (!config) return 1;
      const token = flags.token ?? io.env.ADMIN_TOKEN ?? devVarsToken(io);
      if (!token) {
        io.err(
          "no admin token: pass --token, set ADMIN_TOKEN or run `npm start` (writes .dev.vars)",
        );
        return 1;
      }
      const url = `${(flags.url ?? DEFAULT_URL).replace(/\/+$/, "")}/__vitrine/v1/admin/config`;
      let res: Response;
      try {
        // The file as written (not the parsed form with defaults): the server validates it too.
        const raw = io.readFile(file);
        const body = flags.styles
          ? JSON.stringify({ ...(JSON.parse(raw) as object), styles: io.readFile(flags.styles) })
          : raw;
        res = await io.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body,
        });
      } catch (err) {
        io.err(`POST ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
        return 1;
      }
      const body = await res.text();
      (res.ok ? io.out : io.err)(`POST ${url} -> ${res.status}\n${pretty(body)}`);
      return res.ok ? 0 : 1;
    }
    default:
      return usage(io);
  }
}

/** The JSON Schema file's text, formatted the way the repository's prettier would. */
export async function schemaText(path = SCHEMA_PATH): Promise<string> {
  const options = (await resolveConfig(resolve(path))) ?? {};
  return format(JSON.stringify(configJsonSchema(), null, 2), { ...options, parser: "json" });
}

function load(file: string, io: CliIo) {
  let json: unknown;
  try {
    json = JSON.parse(io.readFile(file));
  } catch (err) {
    io.err(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  const result = parseConfig(json);
  if (result.ok) return result.config;
  io.err(`${file}: ${result.errors.length} error(s)`);
  for (const e of result.errors) io.err(`  ${e}`);
  return null;
}

function count(config: { slots: object; variants: object; experiments: object }): string {
  const n = (o: object) => Object.keys(o).length;
  return `${n(config.slots)} slots, ${n(config.variants)} variants, ${n(config.experiments)} experiments`;
}

function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m) positional.push(arg);
    else flags[m[1]!] = m[2] ?? args[++i] ?? "";
  }
  return { positional, flags };
}

function devVarsToken(io: CliIo): string | undefined {
  if (!existsSync(".dev.vars")) return undefined;
  return /^ADMIN_TOKEN=(.+)$/m.exec(io.readFile(".dev.vars"))?.[1]?.trim();
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function usage(io: CliIo): number {
  io.err(USAGE);
  return 2;
}

if (process.argv[1]?.endsWith("config-cli.ts")) {
  process.exitCode = await runCli(process.argv.slice(2));
}
