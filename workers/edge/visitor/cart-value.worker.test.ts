import { env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import type { MerchModel } from "../catalog/lists.ts";
import * as clock from "../clock.ts";
import { forgetActiveConfig } from "../config/config-store.ts";
import { inHoldout } from "../decide/index.ts";
import { publishModel } from "../test-support/fixtures.ts";
import { ADMIN, call, consenting, signedCookie } from "../test-support/requests.ts";

/**
 * The cart a visitor's journey holds is what free-delivery modules quote. The shop's tracker
 * reports a cart add from the shop's own form; when the add carries no price, the visitor's
 * object prices it from the published catalog, so the cart page never offers free delivery
 * the cart already has.
 */
const THRESHOLD = demoConfig.defaults.freeDeliveryThresholdCents;
const euros = (cents: number) =>
  new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" }).format(cents / 100);
// Every free-delivery gap message of the demo config (banner, nudge and add-ons).
const GAP = /(?:away from|more for|to your cart for) free delivery/g;

let model: MerchModel;

beforeAll(async () => {
  const published = await call("/__vitrine/v1/admin/config", {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ ...demoConfig, styles: inject("demoCss") }),
  });
  expect(published.status).toBe(201);
  forgetActiveConfig();
  model = await publishModel();
});

/** A personalized visitor (outside the holdout) with a session cookie. */
async function visitor(tag: string) {
  let n = 0;
  let id = "";
  do id = `${tag}-${n++}-4aaa-8aaa-cart00000000`;
  while (inHoldout(id, demoConfig.holdout));
  const sessionId = `sess-${tag}`;
  const sid = await signedCookie("vt_sid", `${sessionId}~${clock.now()}`);
  return { id, sessionId, headers: await consenting(id, [sid]) };
}

const inStock = () => Object.values(model.items).filter((p) => p.stock > 0);

/**
 * What a shopper does: submits the shop's add-to-cart form (through the Worker, to the shop),
 * and the tracker reports it; this add carries no price. Returns the shop's cart cookie.
 */
async function addToCart(v: Awaited<ReturnType<typeof visitor>>, productId: string) {
  const form = await call("/cart/add", {
    method: "POST",
    headers: { ...v.headers, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ productId, qty: "1" }).toString(),
    redirect: "manual",
  });
  expect(form.status).toBe(303);
  const shopCart = form.headers.get("set-cookie")!.split(";")[0]!;
  const tracked = await call("/__vitrine/v1/events", {
    method: "POST",
    headers: { ...v.headers, "content-type": "text/plain;charset=UTF-8" },
    body: JSON.stringify({
      events: [{ id: `add-${productId}`, type: "add_to_cart", productId, data: { quantity: 1 } }],
    }),
  });
  expect(JSON.parse(tracked.text)).toMatchObject({ stored: true, accepted: 1 });
  return shopCart;
}

const cartPage = async (v: Awaited<ReturnType<typeof visitor>>, shopCart: string) => {
  const page = await call("/cart", {
    headers: { ...v.headers, cookie: `${v.headers.cookie}; ${shopCart}` },
  });
  expect(page.headers.get("x-vitrine")).toBe("personalized");
  return page.text;
};

describe("cart value: free-delivery modules quote the real cart", () => {
  it("prices an add without a price from the catalog: no nudge for a cart over the threshold", async () => {
    const watch = inStock().sort((a, b) => b.priceCents - a.priceCents)[0]!;
    expect(watch.priceCents).toBeGreaterThan(THRESHOLD);
    const v = await visitor("aaaaaaaa");
    const shopCart = await addToCart(v, watch.id);

    const { session } = await env.VISITOR.get(env.VISITOR.idFromName(v.id)).state(
      v.sessionId,
      clock.now(),
    );
    expect(session.cart).toMatchObject({
      lines: [{ productId: watch.id, quantity: 1, unitPriceCents: watch.priceCents }],
      valueCents: watch.priceCents,
    });

    const text = await cartPage(v, shopCart);
    expect(text).toContain("<span>Delivery</span><span>Free</span>");
    expect(text).toContain('data-vt-slot="cart-offers"');
    expect(text.match(GAP)).toBeNull();
    expect(text).not.toContain(euros(THRESHOLD) + " ");
  });

  it("shows the gap of a cart under the threshold once, with the right amount", async () => {
    const cheap = inStock().find((p) => p.priceCents > 0 && p.priceCents < THRESHOLD / 2)!;
    const v = await visitor("bbbbbbbb");
    const text = await cartPage(v, await addToCart(v, cheap.id));
    expect(text.match(GAP)).toHaveLength(1);
    expect(text).toContain(euros(THRESHOLD - cheap.priceCents));
  });
});
