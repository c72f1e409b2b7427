import type { Context } from "hono";
import type { z } from "zod";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LoopDetectedError, OriginTimeoutError, OriginUnavailableError } from "./proxy/forward.ts";
import { SettingsError } from "./settings.ts";

/** A failure the client should see, with a stable machine-readable code. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(status, { message });
  }
}

/**
 * Validates input with a zod schema; a failure is a 400 naming the first failing field
 * (`lines.0.quantity: Too small ...`), which is what a client needs to fix the request.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".") || "body";
  throw new ApiError(400, code, `${field}: ${issue.message}`, { field });
}

type Envelope = { code: string; message: string; requestId: string; details?: unknown };

function classify(err: unknown): {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details?: unknown;
} {
  if (err instanceof ApiError)
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  if (err instanceof HTTPException)
    return { status: err.status, code: "http_error", message: err.message };
  if (err instanceof LoopDetectedError)
    return { status: 508, code: "loop_detected", message: err.message };
  // Before OriginUnavailableError, of which it is a kind.
  if (err instanceof OriginTimeoutError)
    return {
      status: 504,
      code: "origin_timeout",
      message: "The shop's origin did not answer in time",
    };
  if (err instanceof OriginUnavailableError)
    return {
      status: 502,
      code: "origin_unavailable",
      message: "The shop's origin could not be reached",
    };
  if (err instanceof SettingsError)
    return { status: 500, code: "misconfigured", message: err.message, details: err.issues };
  return { status: 500, code: "internal_error", message: "Unexpected error" };
}

/** The one place errors become responses: a JSON envelope; only server faults are logged. */
export function errorResponse(err: unknown, c: Context): Response {
  const { status, code, message, details } = classify(err);
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  if (status >= 500) console.error(JSON.stringify({ requestId, code, error: String(err) }));
  const body: Envelope = {
    code,
    message,
    requestId,
    ...(details === undefined ? {} : { details }),
  };
  return c.json(body, status, { "cache-control": "no-store" });
}
