import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { serializeSigned } from "hono/utils/cookie";
import worker from "../index.ts";
import * as clock from "../clock.ts";

// Test helpers stamp cookies and profiles with the Worker's clock (moved in the clock projects).
clock.useClockOf(env as { CLOCK_OFFSET_MS?: string });

/** Shared by the workerd tests: the public host requests arrive on, and browser-like callers. */
export const SHOP = "https://shop.example";
export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36";
export const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

/** One request through the real entry point, with everything it left in waitUntil finished. */
export async function call(path: string, init: RequestInit = {}, bindings: Env = env) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(SHOP + path, init), bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text, status: res.status, headers: res.headers };
}

/** `name=signed-value`, as the browser sends it back. */
export const signedCookie = async (name: string, value: string) =>
  (await serializeSigned(name, value, env.COOKIE_SECRET)).split(";")[0]!;

/** Headers of a browser that said yes to personalization, optionally as a known visitor. */
export async function consenting(visitorId?: string, extra: string[] = []) {
  const parts = [await signedCookie("vt_consent", `p1.a1.${clock.now()}`), ...extra];
  if (visitorId) parts.push(await signedCookie("vt_id", visitorId));
  return { cookie: parts.join("; "), "user-agent": BROWSER_UA };
}

/** The path of the first product page the demo shop's home page links to (through the Worker). */
export async function demoProductPath(): Promise<string> {
  const home = await call("/", { headers: { "user-agent": BROWSER_UA } });
  return /href="(\/p\/[^"]+)"/.exec(home.text)![1]!;
}
