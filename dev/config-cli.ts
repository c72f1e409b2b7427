import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { format, resolveConfig } from "prettier";
import { parseConfig } from "../workers/edge/decide/config-schema.ts";
import { configJsonSchema } from "../workers/edge/decide/json-schema.ts";
import { isPresetName, PRESET_NAMES, PRESETS } from "../workers/edge/presets/index.ts";
import { starterConfig } from "../workers/edge/presets/starter.ts";

export const SCHEMA_PATH = "seeds/config/personalization-config.schema.json";
const DEFAULT_URL = "http://127.0.0.1:8787";
const USAGE = `Usage:
  tsx dev/config-cli.ts init --preset NAME [--currency EUR] [--locale en-IE] > my-config.json
      prints a starter config on a storefront preset (${PRESET_NAMES.join(", ")})
  tsx dev/config-cli.ts validate FILE
  tsx dev/config-cli.ts schema [OUT]            (default ${SCHEMA_PATH})
  tsx dev/config-cli.ts publish FILE (--styles CSS_FILE | --no-styles) [--url URL] [--token T]
      --styles adds the modules' CSS (needed unless FILE has "styles"); --no-styles publishes
      without CSS on purpose; --url defaults to ${DEFAULT_URL};
      --token to $ADMIN_TOKEN, then ADMIN_TOKEN in ./.dev.vars
  tsx dev/config-cli.ts preview VARIANT [--path /p/x] [--ttl 1h] [--url URL] [--token T]
      prints a signed link that shows VARIANT of the active config on --path (default /);
      --ttl as 90s, 30m, 1h or 1d (default 1h, at most 24h)`;

/** Flags that take no value. */
const SWITCHES = new Set(["no-styles"]);

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
      const styles = stylesFor(file, config.styles !== undefined, flags, io);
      if (styles === null) return 1;
      const token = adminToken(flags.token, io);
      if (!token) return 1;
      const url = `${(flags.url ?? DEFAULT_URL).replace(/\/+$/, "")}/__vitrine/v1/admin/config`;
      let res: Response;
      try {
        // The file as written (not the parsed form with defaults): the server validates it too.
        const raw = io.readFile(file);
        const body =
          styles === undefined ? raw : JSON.stringify({ ...(JSON.parse(raw) as object), styles });
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
      const report = `POST ${url} -> ${res.status}\n${pretty(body)}`;
      if (res.ok) io.out(report);
      else io.err(report);
      return res.ok ? 0 : 1;
    }
    case "preview": {
      const variant = positional[0];
      if (!variant) return usage(io);
      return preview(variant, flags, io);
    }
    case "init":
      return init(flags, io);
    default:
      return usage(io);
  }
}

/** `init --preset NAME`: prints a starter config on a storefront preset (docs/presets.md). */
function init(flags: Record<string, string>, io: CliIo): number {
  const preset = flags.preset;
  if (!isPresetName(preset)) {
    io.err(
      `--preset: ${preset ? `unknown preset "${preset}"` : "required"}; one of:\n` +
        PRESET_NAMES.map((name) => `  ${name}  ${PRESETS[name].title}`).join("\n"),
    );
    return 2;
  }
  const config = starterConfig(preset, { currency: flags.currency, locale: flags.locale });
  const parsed = parseConfig(config);
  if (!parsed.ok) {
    io.err("init: --currency / --locale make an invalid config:");
    for (const e of parsed.errors) io.err(`  ${e}`);
    return 1;
  }
  io.out(JSON.stringify(config, null, 2));
  return 0;
}

/**
 * `preview VARIANT`: asks the Worker's admin API for a signed `?vt_preview=` link and prints it.
 * The Worker checks the variant against the active config and signs with its own secret.
 */
async function preview(variant: string, flags: Record<string, string>, io: CliIo): Promise<number> {
  const ttlSeconds = flags.ttl === undefined ? undefined : parseDuration(flags.ttl);
  if (ttlSeconds === null) {
    io.err(`--ttl: "${flags.ttl}" is not a duration like 90s, 30m, 1h or 1d`);
    return 1;
  }
  if (flags.path !== undefined && !flags.path.startsWith("/")) {
    io.err(`--path: "${flags.path}" must be a path on the shop, like /p/some-product`);
    return 1;
  }
  const token = adminToken(flags.token, io);
  if (!token) return 1;
  const url = `${(flags.url ?? DEFAULT_URL).replace(/\/+$/, "")}/__vitrine/v1/admin/preview`;
  let res: Response;
  try {
    res = await io.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ variant, path: flags.path, ttlSeconds }),
    });
  } catch (err) {
    io.err(`POST ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const body = await res.text();
  if (!res.ok) {
    io.err(`POST ${url} -> ${res.status}\n${pretty(body)}`);
    return 1;
  }
  const link = JSON.parse(body) as { url: string; slot: string; expiresAt: number };
  io.out(link.url);
  io.err(`shows ${variant} in slot ${link.slot} until ${new Date(link.expiresAt).toISOString()}`);
  return 0;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `1h`, `1d` or plain seconds, as whole seconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_SECONDS[m[2] || "s"]!;
}

/**
 * The admin token: `--token`, else $ADMIN_TOKEN, else ADMIN_TOKEN in ./.dev.vars (written by
 * `npm start`). Undefined, after saying what to do, when there is none.
 */
export function adminToken(flag: string | undefined, io: CliIo): string | undefined {
  const token = flag || io.env.ADMIN_TOKEN || devVarsToken(io);
  if (!token)
    io.err("no admin token: pass --token, set ADMIN_TOKEN or run `npm start` (writes .dev.vars)");
  return token;
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

/**
 * The CSS to add to the config: the --styles file's text, undefined to send the file as it is,
 * or null (after saying why) to refuse. Without CSS the modules render unstyled, so publishing
 * a config without `styles` takes an explicit --no-styles.
 */
function stylesFor(
  file: string,
  hasStyles: boolean,
  flags: Record<string, string>,
  io: CliIo,
): string | undefined | null {
  const path = flags.styles;
  if (path !== undefined && "no-styles" in flags) {
    io.err("publish: pass either --styles CSS_FILE or --no-styles, not both");
    return null;
  }
  if (path === undefined) {
    if (hasStyles || "no-styles" in flags) return undefined;
    io.err(
      `${file} has no "styles", so the modules would render unstyled: ` +
        "pass --styles CSS_FILE (e.g. seeds/config/vitrine.css), " +
        "or --no-styles to publish without CSS on purpose",
    );
    return null;
  }
  if (!path) {
    io.err("--styles: needs a CSS file");
    return null;
  }
  try {
    return io.readFile(path);
  } catch (err) {
    io.err(`--styles ${path}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
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
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) positional.push(arg);
    else if (SWITCHES.has(m[1]!)) flags[m[1]!] = m[2] ?? "";
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
