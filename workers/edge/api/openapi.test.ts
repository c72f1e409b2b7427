import { Hono, type MiddlewareHandler } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openApiDocument, routeProblems } from "./openapi.ts";
import { describeRoute, securedBy } from "./route-docs.ts";

const guard = securedBy({ name: "token", definition: { type: "http", scheme: "bearer" } }, (async (
  _c,
  next,
) => next()) satisfies MiddlewareHandler);
const ok = () => new Response("ok");
const doc = (summary: string) =>
  describeRoute({ summary, tag: "admin", responses: { 200: ["OK"] } });

/** A small app shaped like the Worker's: sub-apps, a guard on a prefix, parameters. */
function sample() {
  const items = new Hono()
    .get("/", doc("List"), ok)
    .post(
      "/:id",
      doc("Update"),
      describeRoute({ summary: "ignored", tag: "admin", responses: {} }),
      ok,
    )
    .delete("/:id", ok);
  const app = new Hono();
  app.get("/__vitrine/v1/open", doc("Open"), ok);
  app.use("/__vitrine/v1/admin/*", guard);
  app.route("/__vitrine/v1/admin/items", items);
  app.post("/__vitrine/v1/typo", doc("Nothing serves this"));
  app.get("/__vitrine/dashboard", ok);
  return app;
}

describe("OpenAPI document from registered routes", () => {
  const app = sample();
  const paths = openApiDocument(app.routes, "https://shop.example").paths as Record<
    string,
    Record<string, { summary: string; security?: unknown; parameters?: { name: string }[] }>
  >;

  it("lists every served endpoint under /__vitrine/v1/ with its route's documentation", () => {
    expect(Object.keys(paths)).toEqual([
      "/__vitrine/v1/open",
      "/__vitrine/v1/admin/items",
      "/__vitrine/v1/admin/items/{id}",
    ]);
    expect(paths["/__vitrine/v1/admin/items/{id}"]!.post).toMatchObject({
      summary: "Update",
      parameters: [{ name: "id", in: "path", required: true }],
    });
  });

  it("marks the endpoints an auth middleware guards, and only those", () => {
    expect(paths["/__vitrine/v1/admin/items"]!.get!.security).toEqual([{ token: [] }]);
    expect(paths["/__vitrine/v1/open"]!.get!.security).toBeUndefined();
    // Registered after the route, a guard never runs for it.
    const late = new Hono();
    late.get("/__vitrine/v1/x/y", doc("Y"), ok);
    late.use("/__vitrine/v1/x/*", guard);
    const y = (openApiDocument(late.routes, "").paths as typeof paths)["/__vitrine/v1/x/y"]!;
    expect(y.get!.security).toBeUndefined();
  });

  it("reports an undocumented endpoint and documentation nothing serves", () => {
    expect(paths["/__vitrine/v1/admin/items/{id}"]!.delete).toMatchObject({
      summary: "Undocumented",
      "x-undocumented": true,
    });
    expect(paths["/__vitrine/v1/typo"]).toBeUndefined();
    expect(routeProblems(app.routes)).toEqual([
      "DELETE /__vitrine/v1/admin/items/:id: served, but not documented (add describeRoute)",
      "POST /__vitrine/v1/typo: documented, but no handler serves it",
    ]);
  });

  it("takes request bodies from the zod schema the route validates with", () => {
    const Body = z.strictObject({ n: z.int().min(1) });
    const one = new Hono().post(
      "/__vitrine/v1/n",
      describeRoute({ summary: "N", tag: "ops", body: Body, responses: { 204: ["Done"] } }),
      ok,
    );
    const op = (openApiDocument(one.routes, "").paths as Record<string, any>)["/__vitrine/v1/n"]
      .post;
    expect(op.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      properties: { n: { type: "integer", minimum: 1 } },
      required: ["n"],
      additionalProperties: false,
    });
    expect(op.responses).toEqual({ 204: { description: "Done" } });
  });
});
