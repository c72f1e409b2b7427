import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export type BundleReport = {
  files: { name: string; bytes: number; gzipBytes: number }[];
  totalGzipBytes: number;
};

/**
 * Builds the Worker exactly as `wrangler deploy` would, without uploading, and measures the
 * bundle: Workers limit the compressed size (3 MB Free, 10 MB Paid).
 */
export function buildBundle(): BundleReport {
  const outdir = mkdtempSync(join(tmpdir(), "vitrine-bundle-"));
  try {
    const run = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    if (run.status !== 0)
      throw new Error(`wrangler deploy --dry-run failed:\n${run.stdout}\n${run.stderr}`);
    const files = readdirSync(outdir)
      // wrangler also writes a README and source maps; only code is uploaded and counted.
      .filter((name) => /\.(m?js|wasm)$/.test(name) && statSync(join(outdir, name)).isFile())
      .map((name) => {
        const bytes = readFileSync(join(outdir, name));
        return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
      });
    return { files, totalGzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("deploy-check.ts")) {
  try {
    const report = buildBundle();
    for (const f of report.files) {
      console.log(
        `${f.name}: ${(f.bytes / 1024).toFixed(1)} KiB, gzip ${(f.gzipBytes / 1024).toFixed(1)} KiB`,
      );
    }
    console.log(`bundle total gzip: ${(report.totalGzipBytes / 1024).toFixed(1)} KiB`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
