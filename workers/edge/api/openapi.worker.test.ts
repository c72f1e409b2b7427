import { describe, expect, it } from "vitest";
import { app } from "../app.ts";
import { INGEST_LIMITS } from "../ingest/event-schema.ts";
import { ADMIN, BROWSER_UA, call } from "../test-support/requests.ts";
import { DOCUMENTED_PREFIX, routeProblems } from "./openapi.ts";

type Doc = {
  openapi: string;
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown;
        "x-undocumented"?: boolean;
        requestBody?: { content: Record<string, { schema: any }> };
        responses: Record<string, unknown>;
      }
    >
  >;
};

// A body every write endpoint refuses (strict schemas reject unknown keys), so probing a route
// never changes anything other tests rely on (a model rollback, a config publish...).
const PROBE = JSON.stringify({ __probe: true });

/** `METHOD /path/{param}` for every endpoint the app really registers under /__vitrine/v1/. */
const registered = () =>
  new Set(
    app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith(DOCUMENTED_PREFIX))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
  );

describe("OpenAPI document", async () => {
  const res = await call("/__vitrine/v1/openapi.json");
  const doc = JSON.parse(res.text) as Doc;
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );

  it("is served as OpenAPI 3.1 with the events schema taken from the route's validator", () => {
    expect(res.status).toBe(200);
    expect(doc.openapi).toBe("3.1.0");
    const events =
      doc.paths["/__vitrine/v1/events"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(events.properties.events.maxItems).toBe(INGEST_LIMITS.eventsPerBatch);
    expect(events.properties.events.items.properties.type.enum).toContain("purchase");
  });

  it("lists exactly the routes the app registers, each one documented", () => {
    expect(routeProblems(app.routes)).toEqual([]);
    const listed = documented.map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(new Set(listed)).toEqual(registered());
    expect(listed).toHaveLength(registered().size);
    expect(listed.length).toBeGreaterThanOrEqual(15);
    for (const { method, path, op } of documented)
      expect(op["x-undocumented"], `${method} ${path}`).toBeUndefined();
  });

  it("documents config rollback and versions, behind the admin token", () => {
    const rollback = doc.paths["/__vitrine/v1/admin/config/rollback"]!.post!;
    expect(rollback.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(rollback.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "404"]),
    );
    const body = rollback.requestBody!.content["application/json"]!.schema;
    expect(body.required).toEqual(["version"]);
    expect(body.properties.version).toMatchObject({ type: "integer", minimum: 1 });
    expect(doc.paths["/__vitrine/v1/admin/config/versions"]!.get!.security).toEqual([
      { adminToken: [] },
    ]);
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ scheme: "bearer" });
    // The browser-facing API needs no token.
    expect(doc.paths["/__vitrine/v1/events"]!.post!.security).toBeUndefined();
  });

  it("the rollback route refuses what its documented schema refuses", async () => {
    const rollback = (version: unknown) =>
      call("/__vitrine/v1/admin/config/rollback", {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ version }),
      });
    for (const bad of [0, 1.5, "1", null]) {
      const answer = await rollback(bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({
        code: "invalid_version",
        message: "version: must be a positive whole number",
      });
    }
    // Valid by the schema; no such version was ever published, so nothing changes.
    const unknown = await rollback(2_000_000_000);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: "unknown_version" });
  });

  it("documents only routes the Worker really serves, admin ones behind the token", async () => {
    for (const { path, method, op } of documented) {
      const url = path.replace("{id}", "abcdefgh1234");
      const headers = {
        "user-agent": BROWSER_UA,
        "content-type": "application/json",
        ...(op.security ? ADMIN : {}),
      };
      const answer = await call(url, {
        method: method.toUpperCase(),
        headers,
        ...(method === "get" ? {} : { body: PROBE }),
      });
      expect(answer.text, `${method} ${path}`).not.toMatch(/No such endpoint/);
      if (method === "post")
        expect(answer.status, `${method} ${path} refuses the probe`).toBeGreaterThanOrEqual(400);
      if (op.security) {
        const anonymous = await call(url, {
          method: method.toUpperCase(),
          headers: { "user-agent": BROWSER_UA },
        });
        expect(anonymous.status, `${method} ${path} without token`).toBe(401);
      }
    }
  });
});
