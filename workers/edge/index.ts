import { app, isApiUrl, shop } from "./app.ts";
import { useClockOf } from "./clock.ts";
import { scheduled } from "./scheduled/dispatch.ts";

export { VisitorSession } from "./visitor/visitor-session.ts";

/** `CLOCK_OFFSET_MS` is not a deployed setting: only the local stack and tests pass it. */
type ClockEnv = { CLOCK_OFFSET_MS?: string };

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    useClockOf(env as ClockEnv);
    return (isApiUrl(request.url) ? app : shop).fetch(request, env, ctx);
  },
  scheduled(controller, env, ctx) {
    useClockOf(env as ClockEnv);
    return scheduled(controller, env, ctx);
  },
} satisfies ExportedHandler<Env>;
