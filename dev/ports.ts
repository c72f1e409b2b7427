import { createServer } from "node:net";

/** Resolves when `port` can be bound on `host`; rejects with a sentence a person can act on. */
export function assertPortFree(port: number, what: string, host = "127.0.0.1"): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => {
      const reason =
        err.code === "EADDRINUSE"
          ? `port ${port} (${what}) is already in use: stop what is using it or set another port`
          : `port ${port} (${what}) cannot be used: ${err.message}`;
      reject(new Error(reason));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
