import { startLibsqlServer } from "./server.ts";

// Usage: tsx dev/libsql-server/cli.ts [--port 8080] [--file .data/local.db] [--token T]
const flags: Record<string, string> = { "--port": "8080", "--file": ".data/local.db" };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const name = argv[i]!;
  if (!["--port", "--file", "--token"].includes(name)) {
    console.error(`libsql-server: unknown flag ${name} (use --port, --file, --token)`);
    process.exit(2);
  }
  const value = argv[i + 1];
  if (value === undefined) {
    console.error(`libsql-server: ${name} needs a value`);
    process.exit(2);
  }
  flags[name] = value;
}
const port = Number(flags["--port"]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`libsql-server: --port must be a port number, got ${flags["--port"]}`);
  process.exit(2);
}
try {
  const server = await startLibsqlServer({
    file: flags["--file"]!,
    port,
    authToken: flags["--token"],
    log: console.log,
  });
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `libsql-server: port ${port} is already in use; stop what is using it or pass --port <another>`
      : `libsql-server: ${err instanceof Error ? err.message : err}`,
  );
  process.exit(1);
}
