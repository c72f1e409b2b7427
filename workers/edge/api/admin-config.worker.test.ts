import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, call } from "../test-support/requests.ts";

/** A CONFIG namespace nothing was ever published to (the first `npm start`). */
const neverPublished = {
  get: async () => null,
} as unknown as KVNamespace;

describe("GET /admin/config/versions", () => {
  it("says no version is active before the first publish (not version 0)", async () => {
    const res = await call(
      "/__vitrine/v1/admin/config/versions",
      { headers: ADMIN },
      {
        ...env,
        CONFIG: neverPublished,
      },
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ active: null });
  });

  it("names the active version once one is published", async () => {
    const published = await call(
      "/__vitrine/v1/admin/config/versions",
      { headers: ADMIN },
      {
        ...env,
        CONFIG: { get: async () => "7" } as unknown as KVNamespace,
      },
    );
    expect(JSON.parse(published.text)).toMatchObject({ active: 7 });
  });
});
