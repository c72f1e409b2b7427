import { Hono } from "hono";
import { createDb } from "../db/client.ts";
import { ApiError } from "../errors.ts";
import { COOKIE, expiredCookie, isVisitorId, readSignedCookie } from "../identity/cookies.ts";
import { settingsOf } from "../settings.ts";
import { eraseSubject, exportSubject, resolveSubject } from "../visitor/people.ts";
import { sameSiteWrites } from "./cross-site.ts";
import { describeRoute, Erasure, ErrorEnvelope, type RouteDoc } from "./route-docs.ts";
import { shopCors } from "./shop-cors.ts";

/** The visitor behind this browser, from the signed `vt_id` cookie; none means nothing is held. */
async function visitorOf(c: { req: { header(name: string): string | undefined }; env: Env }) {
  const id = await readSignedCookie(
    c.req.header("cookie") ?? null,
    COOKIE.visitor,
    settingsOf(c.env).cookieSecret,
  );
  if (!id || !isVisitorId(id))
    throw new ApiError(
      404,
      "no_data",
      "This browser carries no Vitrine identifier: nothing is stored about it",
    );
  return id;
}

const EXPORT_DOC: RouteDoc = {
  summary: "Everything held about this browser, as a JSON download",
  tag: "privacy",
  responses: { 200: ["The export"], 404: ["No identifier", ErrorEnvelope] },
};
const ERASE_DOC: RouteDoc = {
  summary: "Erase this browser's data everywhere",
  tag: "privacy",
  responses: {
    200: ["Erased", Erasure],
    202: ["Completes when Turso is back", Erasure],
    403: ["Posted from another site", ErrorEnvelope],
    404: ["No identifier", ErrorEnvelope],
  },
};

/**
 * Access and erasure for the visitor themselves (GDPR arts. 15 and 17), authenticated by their
 * signed visitor cookie. Another site cannot trigger an erasure: SameSite=Lax keeps the cookie
 * off its requests, and its posts are refused anyway (see sameSiteWrites).
 */
export const privacy = new Hono<{ Bindings: Env }>()
  .use("*", shopCors(), sameSiteWrites())
  .get("/export", describeRoute(EXPORT_DOC), async (c) => {
    const visitorId = await visitorOf(c);
    const db = createDb(settingsOf(c.env));
    // A visitor sees their own device; a linked customer's other devices are the shop's to disclose.
    const data = await exportSubject(c.env, db, { customerId: null, visitorIds: [visitorId] });
    return c.json(data, 200, {
      "cache-control": "no-store",
      "content-disposition": 'attachment; filename="vitrine-export.json"',
    });
  })
  .post("/erase", describeRoute(ERASE_DOC), async (c) => {
    const visitorId = await visitorOf(c);
    const db = createDb(settingsOf(c.env));
    const subject = await resolveSubject(db, visitorId);
    const result = await eraseSubject(c.env, db, { customerId: null, visitorIds: [visitorId] });
    const url = new URL(c.req.url);
    for (const name of [COOKIE.visitor, COOKIE.session])
      c.header("set-cookie", expiredCookie(name, url), { append: true });
    c.header("cache-control", "no-store");
    return c.json(
      { ...result, linkedCustomer: subject.customerId !== null },
      result.status === "erased" ? 200 : 202,
    );
  });
