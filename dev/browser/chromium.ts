import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/**
 * Debian's Chromium for the browser tests (Playwright's own browser downloads are not used:
 * playwright-core drives whatever Chromium it is given). `npm test` runs this file first
 * (`pretest`): if Chromium is missing and this process may install packages (root with apt-get,
 * as on CI), it installs the `chromium` package. The test itself only looks it up, and fails
 * when it is not there.
 */
export type ChromiumLookup = { path: string } | { path: null; reason: string };

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && executable(fromEnv)) return fromEnv;
  for (const path of CANDIDATES) if (executable(path)) return path;
  const which = spawnSync("which", ["chromium"], { encoding: "utf8" });
  const found = which.status === 0 ? which.stdout.trim() : "";
  return found && executable(found) ? found : null;
}

export function findOrInstallChromium(log: (line: string) => void = console.log): ChromiumLookup {
  const present = findChromium();
  if (present) return { path: present };
  if (process.platform !== "linux" || !executable("/usr/bin/apt-get")) {
    return { path: null, reason: "chromium is not installed and apt-get is not available" };
  }
  if (process.getuid?.() !== 0) {
    return {
      path: null,
      reason:
        "chromium is not installed and installing it needs root (apt-get install -y chromium)",
    };
  }
  log("installing Debian's chromium package (apt-get install -y chromium)...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) =>
    spawnSync("apt-get", args, {
      encoding: "utf8",
      env,
      timeout: 15 * 60_000,
      maxBuffer: 64 << 20,
    });
  const update = run(["update", "-qq"]);
  if (update.status !== 0) {
    return {
      path: null,
      reason: `apt-get update failed: ${(update.stderr || "").trim().slice(-300)}`,
    };
  }
  const install = run(["install", "-y", "-qq", "--no-install-recommends", "chromium"]);
  if (install.status !== 0) {
    return {
      path: null,
      reason: `apt-get install chromium failed: ${(install.stderr || "").trim().slice(-300)}`,
    };
  }
  const installed = findChromium();
  return installed
    ? { path: installed }
    : { path: null, reason: "chromium installed but not found" };
}

// CLI (`npm run browser:install`; `pretest` adds --then-test, so the other tests still run
// and the browser test fails with this reason): prints the path, or why there is none.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = findOrInstallChromium((line) => console.log(`chromium: ${line}`));
  if (result.path === null) {
    console.error(`chromium: ${result.reason}; the browser test will fail without it`);
    process.exit(process.argv.includes("--then-test") ? 0 : 1);
  }
  console.log(`chromium: ${result.path}`);
}
