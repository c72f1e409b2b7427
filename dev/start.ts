import { LOCAL_TOKEN, startStack, type Stack } from "./stack.ts";

/** `npm start`: the local stack on the usual ports; Ctrl-C stops everything it started. */
const ports = {
  db: Number(process.env.VITRINE_DB_PORT ?? 8080),
  shop: Number(process.env.VITRINE_SHOP_PORT ?? 3000),
  worker: Number(process.env.VITRINE_WORKER_PORT ?? 8787),
};
let stack: Stack | null = null;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.log("\nstopping...");
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}

try {
  stack = await startStack({ ports, dataDir: ".data", log: (line) => console.log(line) });
  console.log(`
Vitrine local stack is up (Ctrl-C stops everything):
  shop through Vitrine   ${stack.workerUrl}/
  single-page example    ${stack.workerUrl}/spa
  dashboard              ${stack.workerUrl}/__vitrine/dashboard  (log in with the admin token)
  edge API (OpenAPI)     ${stack.workerUrl}/__vitrine/v1/openapi.json
  edge API health        ${stack.workerUrl}/__vitrine/v1/health
  demo shop origin       ${stack.shopUrl}/
  libSQL (Turso) server  ${stack.dbUrl}  (token: ${LOCAL_TOKEN}, file .data/local.db)
  admin token            ${stack.adminToken}  (in .dev.vars; publish configs with npm run config)
`);
} catch (err) {
  console.error(`npm start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
