import { z } from "zod";
import { ConfigSchema } from "../decide/config-schema.ts";
import { EventBatch } from "../ingest/event-schema.ts";
import { JOURNEY_STAGES } from "../model/profile.ts";
import { API_PREFIX } from "../settings.ts";
import { Annotation } from "./admin-customers.ts";
import { ModelRollback } from "./admin-models.ts";
import { ConsentChoice } from "./consent.ts";
import { DecideAnswer, DecideRequest } from "./decide.ts";

/**
 * The edge API's OpenAPI 3.1 document, generated from the same zod schemas the routes validate
 * with, so it cannot drift from what the Worker accepts. Served at /__vitrine/v1/openapi.json.
 */
const ErrorEnvelope = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string(),
  details: z.unknown().optional(),
});
const EventsAnswer = z.object({
  stored: z.boolean(),
  reason: z.enum(["no_consent", "bot"]).optional(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  journeyStage: z.enum(JOURNEY_STAGES).optional(),
});
const ConsentState = ConsentChoice.extend({ source: z.enum(["default", "cookie", "gpc"]) });
const Erasure = z.object({
  status: z.enum(["erased", "pending"]),
  rows: z.number().int(),
  pending: z.array(z.string()).optional(),
});

type Operation = {
  summary: string;
  tag: string;
  admin?: boolean;
  body?: z.ZodType;
  /** Status -> description, with the answer's schema when it is JSON. */
  responses: Record<number, [string, z.ZodType?]>;
  params?: string[];
};

/** Every documented route; `openapi.worker.test.ts` checks each is really served. */
export const OPERATIONS: Record<string, Partial<Record<"get" | "post" | "delete", Operation>>> = {
  "/v1/health": {
    get: {
      summary: "Readiness of KV, the Durable Object and Turso",
      tag: "ops",
      responses: { 200: ["All dependencies answer"], 503: ["One does not"] },
    },
  },
  "/v1/events": {
    post: {
      summary: "Report a batch of touchpoints (JSON in any content type, sendBeacon-friendly)",
      tag: "events",
      body: EventBatch,
      responses: {
        202: ["Accepted (stored only with consent, never for bots)", EventsAnswer],
        400: ["A field is invalid; `details.field` names it", ErrorEnvelope],
        413: ["Body over 64 KiB", ErrorEnvelope],
        429: ["Rate limited; see Retry-After", ErrorEnvelope],
      },
    },
  },
  "/v1/decide": {
    post: {
      summary:
        "Decisions for a single-page shop's route (same as the HTML path; records a page view)",
      tag: "decisions",
      body: DecideRequest,
      responses: {
        200: ["Decisions with their rendered HTML", DecideAnswer],
        400: ["Invalid field", ErrorEnvelope],
      },
    },
  },
  "/v1/consent": {
    get: {
      summary: "The consent in force for this browser",
      tag: "privacy",
      responses: { 200: ["Consent", ConsentState] },
    },
    post: {
      summary: "Record the visitor's choice (JSON, or a form that redirects back)",
      tag: "privacy",
      body: ConsentChoice,
      responses: {
        200: ["Recorded", ConsentState],
        303: ["Form: back to the page"],
        400: ["Invalid choice", ErrorEnvelope],
      },
    },
  },
  "/v1/privacy/export": {
    get: {
      summary: "Everything held about this browser, as a JSON download",
      tag: "privacy",
      responses: { 200: ["The export"], 404: ["No identifier", ErrorEnvelope] },
    },
  },
  "/v1/privacy/erase": {
    post: {
      summary: "Erase this browser's data everywhere",
      tag: "privacy",
      responses: {
        200: ["Erased", Erasure],
        202: ["Completes when Turso is back", Erasure],
        404: ["No identifier", ErrorEnvelope],
      },
    },
  },
  "/v1/admin/config": {
    get: {
      summary: "The active personalization config",
      tag: "admin",
      admin: true,
      responses: { 200: ["Active config"], 404: ["None published", ErrorEnvelope] },
    },
    post: {
      summary: "Validate and publish a config",
      tag: "admin",
      admin: true,
      body: ConfigSchema,
      responses: { 201: ["Published"], 400: ["Invalid, with every failing path", ErrorEnvelope] },
    },
  },
  "/v1/admin/models/rollback": {
    post: {
      summary: "Serve a previous recommendation model again (the newest superseded one by default)",
      tag: "admin",
      admin: true,
      body: ModelRollback,
      responses: {
        200: ["Pointer flipped: { from, to }"],
        409: ["No such served version kept", ErrorEnvelope],
      },
    },
  },
  "/v1/admin/customers/{id}": {
    get: {
      summary: "Single customer view (visitor id or hashed customer id)",
      tag: "admin",
      admin: true,
      params: ["id"],
      responses: {
        200: ["Profile, journey, orders, consents, annotations"],
        404: ["Unknown", ErrorEnvelope],
      },
    },
    delete: {
      summary: "Erase a customer across devices",
      tag: "admin",
      admin: true,
      params: ["id"],
      responses: { 200: ["Erased", Erasure], 202: ["Pending", Erasure] },
    },
  },
  "/v1/admin/customers/{id}/annotations": {
    post: {
      summary: "Add a note by a department",
      tag: "admin",
      admin: true,
      params: ["id"],
      body: Annotation,
      responses: { 201: ["The stored annotation"], 400: ["Invalid field", ErrorEnvelope] },
    },
  },
  "/v1/admin/customers/{id}/export": {
    get: {
      summary: "Access request: everything held about a customer",
      tag: "admin",
      admin: true,
      params: ["id"],
      responses: { 200: ["The export"] },
    },
  },
};

const schemaOf = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" });

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    const item: Record<string, unknown> = {};
    for (const [method, op] of Object.entries(methods)) {
      item[method] = {
        summary: op.summary,
        tags: [op.tag],
        ...(op.admin ? { security: [{ adminToken: [] }] } : {}),
        ...(op.params
          ? {
              parameters: op.params.map((name) => ({
                name,
                in: "path",
                required: true,
                schema: { type: "string" },
              })),
            }
          : {}),
        ...(op.body
          ? {
              requestBody: {
                required: true,
                content: { "application/json": { schema: schemaOf(op.body, "input") } },
              },
            }
          : {}),
        responses: Object.fromEntries(
          Object.entries(op.responses).map(([status, [description, schema]]) => [
            status,
            {
              description,
              ...(schema
                ? { content: { "application/json": { schema: schemaOf(schema, "output") } } }
                : {}),
            },
          ]),
        ),
      };
    }
    paths[`${API_PREFIX}${path}`] = item;
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
    components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
