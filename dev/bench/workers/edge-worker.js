/**
 * The bench's main Worker: Vitrine's own entry point, its env counted (KV, Durable Object
 * calls, Turso rows: see counting.js) and every call to the visitor's object delayed by a
 * fixed time the bench sets (`POST /__bench/delay?ms=`; 0 unless set). Bench only.
 */
import worker from "../../../workers/edge/index.ts";
import { benchRoute, counts, countingEnv, countTursoRows } from "./counting.js";

async function scheduledNow(url, env, ctx) {
  const controller = {
    cron: url.searchParams.get("cron") ?? "",
    scheduledTime: Date.now(),
    noRetry() {},
  };
  await worker.scheduled(controller, countingEnv(env), ctx);
  return new Response("Ran scheduled event");
}

export default {
  fetch(request, env, ctx) {
    countTursoRows(env.TURSO_URL);
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__bench/")) return benchRoute(request, env);
    // What `wrangler dev --test-scheduled` adds when it bundles; the bench serves a prebuilt bundle.
    if (url.pathname === "/__scheduled") return scheduledNow(url, env, ctx);
    counts.requests++;
    return worker.fetch(request, countingEnv(env), ctx);
  },
  scheduled(controller, env, ctx) {
    countTursoRows(env.TURSO_URL);
    return worker.scheduled(controller, countingEnv(env), ctx);
  },
};
