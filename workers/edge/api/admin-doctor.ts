import { Hono } from "hono";
import { DoctorInput, runDoctor } from "../doctor/run-doctor.ts";
import { parseInput } from "../errors.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";

/**
 * "What does Vitrine see on this page?": page type, product, slots matched, charset,
 * compression, CSP, cacheability, consent and what gets injected (see doctor/report.ts).
 * Mounted at `/__vitrine/v1/admin/doctor`, behind the admin token.
 */
export const adminDoctor = new Hono<{ Bindings: Env }>().post(
  "/",
  describeRoute({
    summary: "Diagnose a shop page: what Vitrine sees in it and would inject",
    tag: "admin",
    body: DoctorInput,
    responses: {
      200: ["The doctor's report (see docs/doctor.md)", "application/json"],
      400: ["`url` is not a path or an http(s) URL", ErrorEnvelope],
    },
  }),
  async (c) => {
    const input = parseInput(DoctorInput, await c.req.json().catch(() => ({})), "invalid_doctor");
    const origin = new URL(c.req.url).origin;
    return c.json(await runDoctor(c.env, c.executionCtx, origin, input));
  },
);
