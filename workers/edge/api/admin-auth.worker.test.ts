import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, call } from "../test-support/requests.ts";

const CONFIG = "/__vitrine/v1/admin/config/versions";

/** The refusal as a client sees it: status, challenge and the JSON error envelope. */
async function refusal(headers: Record<string, string>) {
  const res = await call(CONFIG, { headers });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    challenge: res.headers.get("www-authenticate"),
    body: JSON.parse(res.text) as Record<string, unknown>,
  };
}

describe("admin token refusals say what is wrong and what to send", () => {
  it("no token: 401 unauthorized, naming the header to send", async () => {
    const r = await refusal({});
    expect(r).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="vitrine-admin"',
      body: {
        code: "unauthorized",
        message: "Missing admin token: send `Authorization: Bearer <ADMIN_TOKEN>`",
      },
    });
    expect(r.type).toMatch(/^application\/json/);
    expect(Object.keys(r.body).sort()).toEqual(["code", "message", "requestId"]);
  });

  it("a wrong token or another scheme: 401 with its own reason", async () => {
    expect(await refusal({ authorization: "Bearer not-the-admin-token" })).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="vitrine-admin", error="invalid_token"',
      body: {
        code: "unauthorized",
        message:
          "Wrong admin token: send `Authorization: Bearer <ADMIN_TOKEN>` (the Worker's ADMIN_TOKEN secret)",
      },
    });
    for (const authorization of [`Basic ${btoa(`admin:${env.ADMIN_TOKEN}`)}`, "Bearer "]) {
      expect(await refusal({ authorization }), authorization).toMatchObject({
        status: 401,
        challenge: 'Bearer realm="vitrine-admin", error="invalid_request"',
        body: {
          code: "unauthorized",
          message: "Malformed Authorization header: send `Authorization: Bearer <ADMIN_TOKEN>`",
        },
      });
    }
  });

  it("the token itself passes, whatever the case of the scheme", async () => {
    expect((await call(CONFIG, { headers: ADMIN })).status).toBe(200);
    const lower = await call(CONFIG, { headers: { authorization: `bearer ${env.ADMIN_TOKEN}` } });
    expect(lower.status).toBe(200);
  });
});
