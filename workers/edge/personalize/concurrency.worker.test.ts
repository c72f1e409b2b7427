import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import { forgetMerchModel } from "../catalog/model-store.ts";
import { forgetActiveConfig } from "../config/config-store.ts";
import { publishConfig, publishModel } from "../test-support/fixtures.ts";
import { consenting, demoProductPath, SHOP } from "../test-support/requests.ts";

let productPath = "";

beforeAll(async () => {
  await publishConfig(demoConfig);
  // Rankings and product cards, so modules with product lists render.
  await publishModel();
  productPath = await demoProductPath();
});

describe("many requests at once in one isolate", () => {
  // Isolate caches are shared by concurrent requests and Durable Objects, but what one of them
  // has in flight (a KV read) cannot be settled for another: workerd refuses that I/O. Every
  // request must still get its page and record its visit.
  it("serves every page and records every visit when the caches are cold", async () => {
    forgetActiveConfig();
    forgetMerchModel();
    const visitors = Array.from({ length: 24 }, () => crypto.randomUUID());
    const pages = await Promise.all(
      visitors.map(async (id) => {
        const res = await SELF.fetch(`${SHOP}${productPath}`, { headers: await consenting(id) });
        return { status: res.status, mode: res.headers.get("x-vitrine"), text: await res.text() };
      }),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(["personalized", "holdout"]).toContain(page.mode);
    }
    // Each page view reached the visitor's object (recorded after the response).
    await new Promise((r) => setTimeout(r, 200));
    const recorded = await Promise.all(
      visitors.map(
        async (id) => (await env.VISITOR.get(env.VISITOR.idFromName(id)).touchpoints()).length,
      ),
    );
    expect(recorded).toEqual(visitors.map(() => 1));
  });
});
