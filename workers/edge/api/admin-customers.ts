import { Hono } from "hono";
import { z } from "zod";
import { annotations } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { ApiError, parseInput } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, Erasure, ErrorEnvelope } from "./route-docs.ts";
import {
  eraseSubject,
  exportSubject,
  resolveSubject,
  singleCustomerView,
} from "../visitor/people.ts";
import * as clock from "../clock.ts";

const SubjectId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "must be a visitor id or a hashed customer id");

export const DEPARTMENTS = [
  "service",
  "marketing",
  "sales",
  "finance",
  "logistics",
  "other",
] as const;

export const Annotation = z.strictObject({
  department: z.enum(DEPARTMENTS),
  author: z.string().trim().min(1).max(80),
  body: z.string().trim().min(1).max(4000),
});

const subjectIdOf = (raw: string): string =>
  parseInput(z.object({ id: SubjectId }), { id: raw }, "invalid_id").id;

/**
 * The single customer view for staff: profile, journey across devices, orders, consents and
 * annotations any department can add; plus access and erasure on a customer's request.
 */
export const adminCustomers = new Hono<{ Bindings: Env }>()
  .get(
    "/:id",
    describeRoute({
      summary: "Single customer view (visitor id or hashed customer id)",
      tag: "admin",
      responses: {
        200: ["Profile, journey, orders, consents, annotations"],
        400: ["Not a visitor or customer id", ErrorEnvelope],
        404: ["Unknown", ErrorEnvelope],
      },
    }),
    async (c) => {
      const db = createDb(settingsOf(c.env));
      const subject = await resolveSubject(db, subjectIdOf(c.req.param("id")));
      const view = await singleCustomerView(c.env, db, subject);
      if (
        !view.timeline.length &&
        !view.profiles.length &&
        !view.orders.length &&
        !view.annotations.length
      )
        throw new ApiError(404, "unknown_subject", "No visitor or customer with this id");
      return c.json(view, 200, { "cache-control": "no-store" });
    },
  )
  .post(
    "/:id/annotations",
    describeRoute({
      summary: "Add a note by a department",
      tag: "admin",
      body: Annotation,
      responses: { 201: ["The stored annotation"], 400: ["Invalid field", ErrorEnvelope] },
    }),
    async (c) => {
      const subjectId = subjectIdOf(c.req.param("id"));
      const note = parseInput(
        Annotation,
        await c.req.json().catch(() => undefined),
        "invalid_annotation",
      );
      const [row] = await createDb(settingsOf(c.env))
        .insert(annotations)
        .values({ subjectId, ...note, createdAt: clock.now() })
        .returning();
      return c.json(row, 201);
    },
  )
  .get(
    "/:id/export",
    describeRoute({
      summary: "Access request: everything held about a customer",
      tag: "admin",
      responses: { 200: ["The export"], 400: ["Not a visitor or customer id", ErrorEnvelope] },
    }),
    async (c) => {
      const db = createDb(settingsOf(c.env));
      const subject = await resolveSubject(db, subjectIdOf(c.req.param("id")));
      return c.json(await exportSubject(c.env, db, subject), 200, { "cache-control": "no-store" });
    },
  )
  .delete(
    "/:id",
    describeRoute({
      summary: "Erase a customer across devices",
      tag: "admin",
      responses: {
        200: ["Erased", Erasure],
        202: ["Completes when Turso is back", Erasure],
        400: ["Not a visitor or customer id", ErrorEnvelope],
      },
    }),
    async (c) => {
      const db = createDb(settingsOf(c.env));
      const subject = await resolveSubject(db, subjectIdOf(c.req.param("id")));
      const result = await eraseSubject(c.env, db, subject);
      return c.json(result, result.status === "erased" ? 200 : 202);
    },
  );
