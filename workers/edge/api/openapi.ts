import { z } from "zod";
import { API_PREFIX } from "../settings.ts";
import {
  docOf,
  ErrorEnvelope,
  schemeOf,
  type RouteDoc,
  type SecurityScheme,
} from "./route-docs.ts";

/** One entry of a Hono app's `routes`: every handler and middleware, in registration order. */
export type RegisteredRoute = {
  method: string;
  path: string;
  handler: (...args: never[]) => unknown;
};

/** The versioned API the document covers. */
export const DOCUMENTED_PREFIX = `${API_PREFIX}/v1/`;

/** One endpoint (method and path) of the app, with what its routes carry. */
export type Endpoint = {
  method: string;
  /** Hono's spelling, `/x/:id`. */
  path: string;
  doc: RouteDoc | undefined;
  /** Whether a handler other than documentation is registered for it. */
  served: boolean;
  /** Security schemes of the auth middlewares registered before it on a matching path. */
  schemes: SecurityScheme[];
};

/**
 * The app's endpoints under DOCUMENTED_PREFIX, in registration order. Middlewares registered
 * with `use` (method ALL) are not endpoints; an auth middleware marked `securedBy` guards the
 * endpoints registered after it whose path its pattern matches.
 */
export function endpointsOf(routes: readonly RegisteredRoute[]): Endpoint[] {
  const endpoints = new Map<string, Endpoint>();
  routes.forEach((route, index) => {
    if (route.method === "ALL" || !route.path.startsWith(DOCUMENTED_PREFIX)) return;
    const key = `${route.method} ${route.path}`;
    let endpoint = endpoints.get(key);
    if (!endpoint) {
      const schemes = routes
        .slice(0, index)
        .filter(
          (r) => (r.method === "ALL" || r.method === route.method) && covers(r.path, route.path),
        )
        .map((r) => schemeOf(r.handler))
        .filter((s): s is SecurityScheme => s !== undefined);
      endpoint = { method: route.method, path: route.path, doc: undefined, served: false, schemes };
      endpoints.set(key, endpoint);
    }
    const doc = docOf(route.handler);
    if (doc) endpoint.doc ??= doc;
    else endpoint.served = true;
  });
  return [...endpoints.values()];
}

/** Endpoints served without documentation, and documentation of endpoints nothing serves. */
export function routeProblems(routes: readonly RegisteredRoute[]): string[] {
  return endpointsOf(routes).flatMap(({ method, path, doc, served }) =>
    !served
      ? [`${method} ${path}: documented, but no handler serves it`]
      : doc
        ? []
        : [`${method} ${path}: served, but not documented (add describeRoute)`],
  );
}

/** Whether a Hono route pattern (`/a/*`, `*` or an exact path) applies to a path. */
function covers(pattern: string, path: string): boolean {
  if (pattern === "*" || pattern === "/*") return true;
  if (pattern.endsWith("/*")) {
    const base = pattern.slice(0, -2);
    return path === base || path.startsWith(`${base}/`);
  }
  return pattern === path;
}

/** `/x/:id` (or `/x/:id{[0-9]+}`) as OpenAPI spells it, `/x/{id}`, with its parameter names. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const spelled = path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: spelled, params };
}

const schemaOf = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" });

function operation(endpoint: Endpoint, params: string[]): Record<string, unknown> {
  const doc = endpoint.doc;
  const responses: RouteDoc["responses"] = { ...doc?.responses };
  if (endpoint.schemes.length) responses[401] ??= ["Missing or wrong credentials", ErrorEnvelope];
  return {
    summary: doc?.summary ?? "Undocumented",
    ...(doc ? { tags: [doc.tag] } : { "x-undocumented": true }),
    ...(endpoint.schemes.length
      ? { security: endpoint.schemes.map((s) => ({ [s.name]: [] })) }
      : {}),
    ...(params.length
      ? {
          parameters: params.map((name) => ({
            name,
            in: "path",
            required: true,
            schema: { type: "string" },
          })),
        }
      : {}),
    ...(doc?.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: schemaOf(doc.body, "input") } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, [description, content]]) => [
        status,
        {
          description,
          ...(typeof content === "string"
            ? { content: { [content]: {} } }
            : content
              ? { content: { "application/json": { schema: schemaOf(content, "output") } } }
              : {}),
        },
      ]),
    ),
  };
}

/**
 * The edge API's OpenAPI 3.1 document, built from the app's registered routes and the
 * `describeRoute` documentation each carries (request bodies are the zod schemas the routes
 * validate with), so no served route can be left out and nothing unserved is listed. Served at
 * /__vitrine/v1/openapi.json; a route without documentation still appears, marked
 * `x-undocumented` (`routeProblems` lists those for the tests).
 */
export function openApiDocument(
  routes: readonly RegisteredRoute[],
  serverUrl: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const securitySchemes: Record<string, unknown> = {};
  for (const endpoint of endpointsOf(routes)) {
    if (!endpoint.served) continue;
    const { path, params } = openApiPath(endpoint.path);
    (paths[path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint, params);
    for (const s of endpoint.schemes) securitySchemes[s.name] = s.definition;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vitrine edge API",
      version: "1",
      description:
        "Events, consent, privacy and admin endpoints of the Vitrine Worker, on the shop's own hostname.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes },
    paths,
  };
}
