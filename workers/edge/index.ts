import { app } from "./app.ts";
import { scheduled } from "./scheduled/dispatch.ts";

export { VisitorSession } from "./visitor/visitor-session.ts";

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
