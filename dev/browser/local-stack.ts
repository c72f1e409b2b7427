import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Writes one key into the local KV namespace `wrangler dev` serves (same persisted state), with
 * wrangler's own CLI. Used to stand in for components that write KV (e.g. the visitor's
 * Durable Object writing a profile) when a test needs a known value there.
 */
export function putLocalKv(
  binding: string,
  key: string,
  value: string,
  persistTo: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        `${root}node_modules/wrangler/bin/wrangler.js`,
        "kv",
        "key",
        "put",
        key,
        value,
        "--binding",
        binding,
        "--local",
        "--persist-to",
        persistTo,
      ],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
        },
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`wrangler kv key put failed (${code}): ${output.slice(-500)}`)),
    );
  });
}
