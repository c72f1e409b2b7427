/**
 * The bench's second Worker: the visitor's Durable Object (VisitorSession) in a process of its
 * own, as on Cloudflare where it runs in another isolate, usually on another machine. The main
 * bench Worker binds it by `script_name` through wrangler's dev registry. Its KV operations,
 * SQLite rows and Turso rows are counted (`GET /__bench/counts` on this Worker's port).
 */
import { VisitorSession as Session } from "../../../workers/edge/visitor/visitor-session.ts";
import { benchRoute, counts, countingEnv, countingSql, countTursoRows } from "./counting.js";

export class VisitorSession extends Session {
  constructor(ctx, env) {
    countTursoRows(env.TURSO_URL);
    super(ctx, countingEnv(env));
    // The schema set-up in the constructor is not counted; every statement after it is.
    this.local.sql = countingSql(ctx.storage.sql);
  }

  async alarm(...args) {
    counts.alarms++;
    return super.alarm(...args);
  }
}

export default {
  async fetch(request, env) {
    return (
      (await benchRoute(request, env)) ??
      new Response("the bench's VisitorSession host", { status: 404 })
    );
  },
};
