import type { MiddlewareHandler } from "hono";
import { z } from "zod";

/**
 * Documentation attached to a route where it is defined. The OpenAPI document is built from
 * the app's registered routes (`app.routes`), so a route cannot be served undocumented without
 * showing up, and nothing can be documented that is not served.
 */
export type RouteDoc = {
  summary: string;
  tag: "ops" | "assets" | "events" | "decisions" | "privacy" | "admin";
  /** The JSON body, as the route validates it. */
  body?: z.ZodType;
  /** Status -> description, with the answer's zod schema (JSON) or its media type. */
  responses: Record<number, [description: string, content?: z.ZodType | `${string}/${string}`]>;
};

type Handler = (...args: never[]) => unknown;

/** An OpenAPI security scheme, under the name operations refer to it by. */
export type SecurityScheme = { name: string; definition: Record<string, unknown> };

const docs = new WeakMap<Handler, RouteDoc>();
const guards = new WeakMap<Handler, SecurityScheme>();

/**
 * A pass-through middleware carrying the route's documentation: put it first in the route's
 * handlers, `.post("/", describeRoute({...}), async (c) => ...)`, or register it on its own
 * just above them, `.post("/", describeRoute({...})).post("/", async (c) => ...)`.
 */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  const documented: MiddlewareHandler = (_c, next) => next();
  docs.set(documented, doc);
  return documented;
}

/** Marks an auth middleware: the routes it guards are documented with this security scheme. */
export function securedBy<H extends Handler>(scheme: SecurityScheme, middleware: H): H {
  guards.set(middleware, scheme);
  return middleware;
}

/** The documentation a handler carries, if it is a `describeRoute` middleware. */
export const docOf = (handler: Handler): RouteDoc | undefined => docs.get(handler);

/** The security scheme a handler enforces, if it was marked with `securedBy`. */
export const schemeOf = (handler: Handler): SecurityScheme | undefined => guards.get(handler);

/** The JSON error envelope every failure answers with (see errors.ts). */
export const ErrorEnvelope = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string(),
  details: z.unknown().optional(),
});

/** The answer to an erasure, by the visitor or by staff. */
export const Erasure = z.object({
  status: z.enum(["erased", "pending"]),
  rows: z.number().int(),
  pending: z.array(z.string()).optional(),
});
