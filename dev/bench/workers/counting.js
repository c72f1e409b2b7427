/**
 * Bench-only wrappers that count what a page costs on the platform's meters: KV operations,
 * Durable Object calls, SQLite rows in the object, Turso rows. Both bench Workers use them;
 * nothing here runs in the deployed Worker. Plain JS: the root tsconfig checks dev/ with
 * Node's types, not the Workers runtime's.
 */

/** This isolate's counts since it started (the bench takes differences). */
export const counts = {
  /** This isolate (counts start at 0 in a new one, so the bench checks it did not change). */
  isolate: "",
  /** Requests the Worker served (its own bench routes not counted). */
  requests: 0,
  kvReads: 0,
  kvWrites: 0,
  kvDeletes: 0,
  kvLists: 0,
  /** RPC calls made on Durable Object stubs: each is one billed request. */
  doCalls: 0,
  /** Wall time from each call to its answer, the injected delay excluded. */
  doCallMs: 0,
  alarms: 0,
  sqlRowsRead: 0,
  sqlRowsWritten: 0,
  tursoRowsRead: 0,
  tursoRowsWritten: 0,
};

/** The fixed delay added before every Durable Object call (ms): same place, nearby, farther. */
let delayMs = 0;
export const setDelay = (ms) => (delayMs = ms);
export const getDelay = () => delayMs;

const KV_READ = new Set(["get", "getWithMetadata"]);
const KV_WRITE = new Set(["put"]);
const bound = (target, prop) => {
  const v = Reflect.get(target, prop);
  return typeof v === "function" ? v.bind(target) : v;
};

function countingKv(kv) {
  return new Proxy(kv, {
    get(target, prop) {
      const v = bound(target, prop);
      if (typeof v !== "function" || typeof prop !== "string") return v;
      return (...args) => {
        // A bulk get (array of keys) is billed per key.
        const keys = Array.isArray(args[0]) ? args[0].length : 1;
        if (KV_READ.has(prop)) counts.kvReads += keys;
        else if (KV_WRITE.has(prop)) counts.kvWrites++;
        else if (prop === "delete") counts.kvDeletes++;
        else if (prop === "list") counts.kvLists++;
        return v(...args);
      };
    },
  });
}

const NOT_CALLS = new Set(["then", "id", "name", "dup", "constructor"]);

function countingStub(stub) {
  return new Proxy(stub, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (typeof v !== "function" || typeof prop !== "string" || NOT_CALLS.has(prop)) return v;
      return async (...args) => {
        counts.doCalls++;
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const started = Date.now();
        try {
          return await target[prop](...args);
        } finally {
          counts.doCallMs += Date.now() - started;
        }
      };
    },
  });
}

function countingNamespace(ns) {
  return new Proxy(ns, {
    get(target, prop) {
      const v = bound(target, prop);
      if (prop === "get" || prop === "getByName") return (...args) => countingStub(v(...args));
      return v;
    },
  });
}

const wrapped = new WeakMap();

/** The env with its KV namespaces and Durable Object namespaces counted; one per env object. */
export function countingEnv(env) {
  let out = wrapped.get(env);
  if (out) return out;
  out = { ...env };
  for (const [name, value] of Object.entries(env)) {
    if (!value || typeof value !== "object") continue;
    if (typeof value.idFromName === "function") out[name] = countingNamespace(value);
    else if (typeof value.getWithMetadata === "function") out[name] = countingKv(value);
  }
  wrapped.set(env, out);
  return out;
}

/** SQLite cursors not yet added up: their counts grow while they are read. */
let cursors = [];

/** Adds up the rows of the cursors made so far (called before counts are reported). */
export function harvestSql() {
  for (const c of cursors) {
    counts.sqlRowsRead += c.rowsRead;
    counts.sqlRowsWritten += c.rowsWritten;
  }
  cursors = [];
}

/** A Durable Object's `ctx.storage.sql` whose statements' rows read and written are counted. */
export function countingSql(sql) {
  return new Proxy(sql, {
    get(target, prop) {
      const v = bound(target, prop);
      if (prop !== "exec") return v;
      return (...args) => {
        const cursor = v(...args);
        cursors.push(cursor);
        if (cursors.length > 10_000) harvestSql();
        return cursor;
      };
    },
  });
}

/** Sums every `rows_read`/`rows_written` in a Hrana (libSQL over HTTP) pipeline answer. */
function addHranaRows(value) {
  if (!value || typeof value !== "object") return;
  if (typeof value.rows_written === "number") counts.tursoRowsWritten += value.rows_written;
  if (typeof value.rows_read === "number") counts.tursoRowsRead += value.rows_read;
  for (const v of Object.values(value)) addHranaRows(v);
}

/** Counts Turso rows from the answers to `fetch` calls made to `tursoUrl`'s pipeline. */
export function countTursoRows(tursoUrl) {
  if (globalThis.__benchFetch) return;
  const original = globalThis.fetch;
  globalThis.__benchFetch = original;
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init);
    const url = typeof input === "string" ? input : (input.url ?? String(input));
    if (tursoUrl && url.startsWith(tursoUrl) && url.includes("pipeline") && res.ok) {
      res
        .clone()
        .json()
        .then(addHranaRows, () => undefined);
    }
    return res;
  };
}

/** A KV namespace's keys and values, to copy into the other bench Worker's local store. */
async function dumpKv(kv) {
  const out = [];
  let cursor;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    for (const key of page.keys) {
      const value = await kv.get(key.name, "text");
      if (value !== null)
        out.push({ name: key.name, value, metadata: key.metadata, expiration: key.expiration });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out;
}

async function loadKv(kv, entries) {
  for (const e of entries) {
    const options = {};
    if (e.metadata !== undefined) options.metadata = e.metadata;
    if (e.expiration) options.expiration = e.expiration;
    await kv.put(e.name, e.value, options);
  }
  return entries.length;
}

/**
 * The bench Workers' own routes, on `env` as bound (not counted); null for any other request:
 * `GET /__bench/counts`, `POST /__bench/delay?ms=N`, `GET /__bench/kv?ns=CONFIG` (every key
 * and value) and `POST /__bench/kv?ns=CONFIG` (stores such a dump). Each bench Worker runs in
 * its own process with its own local storage (workerd locks its files), so the bench copies
 * the config and models the object plans with from the main Worker to the object's Worker.
 */
export async function benchRoute(request, env) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/__bench/")) return null;
  if (url.pathname === "/__bench/delay" && request.method === "POST") {
    const ms = Number(url.searchParams.get("ms"));
    if (!(ms >= 0 && ms <= 1000))
      return Response.json({ error: "ms must be a number from 0 to 1000" }, { status: 400 });
    setDelay(ms);
    return Response.json({ delayMs: ms });
  }
  if (url.pathname === "/__bench/counts") {
    // Random values cannot be made at module scope in workerd: set at the first read.
    counts.isolate ||= crypto.randomUUID();
    harvestSql();
    return Response.json({ ...counts, delayMs });
  }
  if (url.pathname === "/__bench/kv") {
    const ns = url.searchParams.get("ns") ?? "";
    const kv = env[ns];
    if (!/^[A-Z_]+$/.test(ns) || typeof kv?.getWithMetadata !== "function")
      return Response.json({ error: `ns must name a KV binding, got "${ns}"` }, { status: 400 });
    if (request.method === "POST")
      return Response.json({ stored: await loadKv(kv, await request.json()) });
    return Response.json(await dumpKv(kv));
  }
  return Response.json({ error: "no such bench route" }, { status: 404 });
}
