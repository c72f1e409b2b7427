import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import { inHoldout } from "../decide/index.ts";
import { testEvent } from "../model/test-events.ts";
import { publishConfig, publishModel } from "../test-support/fixtures.ts";
import { BROWSER_UA, call, consenting, demoProductPath } from "../test-support/requests.ts";

type Answer = {
  mode: string;
  configVersion: number | null;
  decisions: { slot: string; variant: string; selector: string; action: string; html: string }[];
};

async function decide(body: unknown, headers: Record<string, string>) {
  const res = await call("/__vitrine/v1/decide", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ...res, answer: JSON.parse(res.text) as Answer };
}

/** (slot, variant) pairs the HTML path marked in a page. */
function injected(html: string): string[] {
  return [...html.matchAll(/data-vt-slot="([^"]+)" data-vt-variant="([^"]+)"/g)]
    .map((m) => `${m[1]}:${m[2]}`)
    .sort();
}

let productPath = "";

beforeAll(async () => {
  await publishConfig(demoConfig);
  // Rankings and product cards, so modules with product lists render.
  await publishModel();
  productPath = await demoProductPath();
});

describe("decision API for single-page shops", () => {
  it("gives a visitor the same variants as the HTML path for the same page", async () => {
    // A visitor outside the global holdout (who would get nothing either way).
    let visitorId = "";
    do visitorId = `spa-${crypto.randomUUID()}`.slice(0, 40);
    while (inHoldout(visitorId, demoConfig.holdout));
    // A returning methodical visitor by what they did (three earlier visits): their object
    // serves both paths the same profile.
    const now = Date.now();
    const compared = [1, 2, 3].map((i) =>
      testEvent(`cmp-${i}`, "compare", now - i * 3_600_000, {
        sessionId: `earlier-${i}`,
        data: { productIds: [`p-000${i}`, `p-001${i}`] },
      }),
    );
    await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).track(visitorId, compared);

    const headers = await consenting(visitorId);
    for (const path of ["/", productPath]) {
      const page = await call(path, { headers });
      expect(page.headers.get("x-vitrine")).toBe("personalized");
      const { status, answer } = await decide({ path }, headers);
      expect(status).toBe(200);
      expect(answer.mode).toBe("personalized");
      expect(answer.decisions.length).toBeGreaterThan(0);
      expect(answer.decisions.map((d) => `${d.slot}:${d.variant}`).sort()).toEqual(
        injected(page.text),
      );
    }
  });

  it("answers without consent from the request alone, storing nothing", async () => {
    const { status, answer, headers } = await decide({ path: "/" }, { "user-agent": BROWSER_UA });
    expect(status).toBe(200);
    expect(answer.mode).toBe("request-only");
    expect(headers.get("set-cookie") ?? "").not.toMatch(/vt_id=/);
    expect(headers.get("cache-control")).toBe("private, no-store");
  });

  it("records the route as a page view in the visitor's journey, unless told not to", async () => {
    const visitorId = `spa-${crypto.randomUUID()}`.slice(0, 40);
    const headers = await consenting(visitorId);
    await decide({ path: productPath, pageType: "product" }, headers);
    await decide({ path: "/cart", record: false }, headers);
    const touchpoints = await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).touchpoints();
    expect(touchpoints.map((t) => [t.type, t.path])).toEqual([["page_view", productPath]]);
  });

  it("takes the channel from the route's referrer, not from the API call's", async () => {
    const visitorId = `spa-${crypto.randomUUID()}`.slice(0, 40);
    const headers = { ...(await consenting(visitorId)), referer: "https://shop.example/" };
    await decide({ path: "/faq", record: false }, headers); // the config is now in memory
    await decide({ path: productPath, referrer: "https://www.google.com/" }, headers);
    const touchpoints = await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).touchpoints();
    expect(touchpoints.map((t) => [t.path, t.channel])).toEqual([[productPath, "search"]]);
  });

  it("rejects bad routes naming the field", async () => {
    const headers = await consenting();
    const relative = await decide({ path: "p/x" }, headers);
    expect(relative.status).toBe(400);
    expect(JSON.parse(relative.text).message).toMatch(/^path:/);
    const wrongType = await decide({ path: "/", pageType: "spaceship" }, headers);
    expect(JSON.parse(wrongType.text).message).toMatch(/^pageType:/);
  });

  it("serves the typed client module the SPA imports", async () => {
    const res = await call("/__vitrine/v1/assets/client.js");
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.text).toMatch(/export const vitrineClient/);
  });
});
