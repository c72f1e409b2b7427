/**
 * The bench's main Worker: Vitrine's own entry point, its env counted (KV, Durable Object
 * calls, Turso rows: see counting.js) and every call to the visitor's object delayed by a
 * fixed time the bench sets (`POST /__bench/delay?ms=`; 0 unless set). Bench only.
 */
import worker from "../../../workers/edge/index.ts";
import { benchRoute, counts, countingEnv, countTursoRows } from "./counting.js";

export default {
  fetch(request, env, ctx) {
    countTursoRows(env.TURSO_URL);
    if (new URL(request.url).pathname.startsWith("/__bench/")) return benchRoute(request, env);
    counts.requests++;
    return worker.fetch(request, countingEnv(env), ctx);
  },
  scheduled(controller, env, ctx) {
    countTursoRows(env.TURSO_URL);
    return worker.scheduled(controller, countingEnv(env), ctx);
  },
};
