import { startShop } from "./server.ts";

/** `npm run shop -- --port 3000 [--host 127.0.0.1]`: the demo shop on its own. */
function parseArgs(args: string[]): { port: number; host: string } {
  let port = Number(process.env.VITRINE_SHOP_PORT ?? 3000);
  let host = "127.0.0.1";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === "--port" && value !== undefined) {
      port = Number(value);
      i++;
    } else if (arg === "--host" && value !== undefined) {
      host = value;
      i++;
    } else {
      console.error(`shop: unknown argument ${arg} (use --port N, --host ADDRESS)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("shop: --port must be a whole number between 0 and 65535");
    process.exit(2);
  }
  return { port, host };
}

const { port, host } = parseArgs(process.argv.slice(2));
try {
  const shop = await startShop({ port, host });
  console.log(`demo shop listening on ${shop.url} (Ctrl-C stops it)`);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void shop.close().finally(() => process.exit(0));
    });
  }
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `shop: port ${port} is already in use; stop what is using it or pass --port <another>`
      : `shop: cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
}
