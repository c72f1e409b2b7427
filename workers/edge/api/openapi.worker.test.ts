import { describe, expect, it } from "vitest";
import { INGEST_LIMITS } from "../ingest/event-schema.ts";
import { ADMIN, BROWSER_UA, call } from "../test-support.ts";

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown; requestBody?: { content: Record<string, { schema: any }> } }
    >
  >;
};

// A body every write endpoint refuses (strict schemas reject unknown keys), so probing a route
// never changes anything other tests rely on (a model rollback, a config publish...).
const PROBE = JSON.stringify({ __probe: true });

describe("OpenAPI document", async () => {
  const res = await call("/__vitrine/v1/openapi.json");
  const doc = JSON.parse(res.text) as Doc;

  it("is served as OpenAPI 3.1 with the events schema taken from the route's validator", () => {
    expect(res.status).toBe(200);
    expect(doc.openapi).toBe("3.1.0");
    const events =
      doc.paths["/__vitrine/v1/events"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(events.properties.events.maxItems).toBe(INGEST_LIMITS.eventsPerBatch);
    expect(events.properties.events.items.properties.type.enum).toContain("purchase");
  });

  it("documents only routes the Worker really serves, admin ones behind the token", async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const { path, method, op } of operations) {
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
