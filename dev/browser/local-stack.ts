import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { startStack, type Stack } from "../stack.ts";
import { findChromium } from "./chromium.ts";

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
 * A fresh local stack (its own ports, its data under `dataDir`, wiped first: data left by an
 * earlier run is never what is tested) and Chromium to drive it. A machine without Chromium
 * fails here, loudly: the browser tests never skip.
 */
export async function startBrowserStack(
  dataDir: string,
  log: (line: string) => void,
): Promise<{ stack: Stack; browser: Browser }> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      "Chromium is missing: `npm run browser:install` installs Debian's chromium package (as root)",
    );
  rmSync(`${root}${dataDir}`, { recursive: true, force: true });
  const ports = { db: await freePort(), shop: await freePort(), worker: await freePort() };
  const stack = await startStack({ ports, dataDir, log });
  try {
    // Root (CI) cannot use Chromium's sandbox.
    const browser = await chromium.launch({
      executablePath,
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
    return { stack, browser };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
