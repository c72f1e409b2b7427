import { cartLines, shippingFor, type Cart } from "../cart.ts";
import { helpBox, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { formatPrice } from "../format.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { dataLayerPush } from "../data-layer.ts";

export const COUNTRIES = {
  PL: "Poland",
  DE: "Germany",
  CZ: "Czechia",
  AT: "Austria",
  SK: "Slovakia",
  NL: "Netherlands",
  FR: "France",
  HU: "Hungary",
  IT: "Italy",
  LT: "Lithuania",
  DK: "Denmark",
} as const;
export const SHIPPING_OPTIONS = {
  standard: "Standard delivery (1-2 working days)",
  locker: "Parcel locker or pick-up point",
  express: "Express, next working day (€9.99)",
} as const;
export const PAYMENT_OPTIONS = {
  card: "Card",
  paypal: "PayPal",
  blik: "BLIK",
  transfer: "Bank transfer",
  pay_later: "Pay later in 30 days",
} as const;
const EXPRESS_CENTS = 999;

export type CheckoutForm = {
  name: string;
  email: string;
  address: string;
  city: string;
  postalCode: string;
  country: keyof typeof COUNTRIES;
  shipping: keyof typeof SHIPPING_OPTIONS;
  payment: keyof typeof PAYMENT_OPTIONS;
  gift: boolean;
};

const EMPTY: CheckoutForm = {
  name: "",
  email: "",
  address: "",
  city: "",
  postalCode: "",
  country: "PL",
  shipping: "standard",
  payment: "card",
  gift: false,
};

/** Checks the posted form; `errors` are sentences shown above the form. */
export function validateCheckout(fields: Map<string, string>): {
  form: CheckoutForm;
  errors: string[];
} {
  const text = (name: string) => (fields.get(name) ?? "").trim().slice(0, 200);
  const oneOf = <T extends string>(name: string, options: Record<T, string>, fallback: T): T =>
    (Object.keys(options) as T[]).find((k) => k === fields.get(name)) ?? fallback;
  const form: CheckoutForm = {
    name: text("name"),
    email: text("email"),
    address: text("address"),
    city: text("city"),
    postalCode: text("postalCode"),
    country: oneOf("country", COUNTRIES, "PL"),
    shipping: oneOf("shipping", SHIPPING_OPTIONS, "standard"),
    payment: oneOf("payment", PAYMENT_OPTIONS, "card"),
    gift: fields.get("gift") === "1",
  };
  const errors: string[] = [];
  if (!form.name) errors.push("Please enter your name.");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email))
    errors.push("Please enter a valid e-mail address.");
  if (!form.address) errors.push("Please enter your street address.");
  if (!form.city) errors.push("Please enter your city.");
  if (!/^[A-Za-z0-9 -]{3,10}$/.test(form.postalCode))
    errors.push("Please enter a valid postal code.");
  return { form, errors };
}

export function shippingCost(option: CheckoutForm["shipping"], subtotalCents: number): number {
  return option === "express" ? EXPRESS_CENTS : shippingFor(subtotalCents);
}

export function checkoutPage(
  { index }: ShopContext,
  cart: Cart,
  form: CheckoutForm = EMPTY,
  errors: string[] = [],
): SafeHtml {
  const lines = cartLines(cart, index);
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  if (lines.length === 0) {
    return layout(
      index,
      { title: "Checkout", pageType: "checkout", cartCount: 0 },
      html`<h1>Checkout</h1>
        <div class="empty">
          <p>Your cart is empty, so there is nothing to check out yet.</p>
          <p><a class="btn" href="/">Continue shopping</a></p>
        </div>
        ${slot("checkout-offers")} ${slot("help-prompt", helpBox())}`,
    );
  }
  const subtotal = lines.reduce((sum, l) => sum + l.totalCents, 0);
  const shipping = shippingCost(form.shipping, subtotal);
  const radios = <T extends string>(name: string, options: Record<T, string>, current: T) =>
    (Object.entries(options) as [T, string][]).map(
      ([value, label]) =>
        html`<label class="choice"
          ><input
            type="radio"
            name="${name}"
            value="${value}"
            ${value === current ? html` checked` : ""}
          />
          ${label}</label
        >`,
    );
  return layout(
    index,
    {
      title: "Checkout",
      pageType: "checkout",
      cartCount: count,
      head: dataLayerPush({
        event: "begin_checkout",
        ecommerce: { value: subtotal / 100, currency: "EUR" },
      }),
    },
    html`<h1>Checkout</h1>
      ${
        errors.length > 0 &&
        html`<div class="errors" role="alert">
          <ul>
            ${errors.map((e) => html`<li>${e}</li>`)}
          </ul>
        </div>`
      }
      ${slot("checkout-offers")}
      <div class="checkout">
        <form class="form" action="/checkout" method="post">
          <label for="name">Full name</label
          ><input
            type="text"
            id="name"
            name="name"
            value="${form.name}"
            autocomplete="name"
            required
          />
          <label for="email">E-mail</label
          ><input
            type="email"
            id="email"
            name="email"
            value="${form.email}"
            autocomplete="email"
            required
          />
          <label for="address">Street and number</label
          ><input
            type="text"
            id="address"
            name="address"
            value="${form.address}"
            autocomplete="street-address"
            required
          />
          <label for="city">City</label
          ><input
            type="text"
            id="city"
            name="city"
            value="${form.city}"
            autocomplete="address-level2"
            required
          />
          <label for="postalCode">Postal code</label
          ><input
            type="text"
            id="postalCode"
            name="postalCode"
            value="${form.postalCode}"
            autocomplete="postal-code"
            required
          />
          <label for="country">Country</label>
          <select id="country" name="country">
            ${(Object.entries(COUNTRIES) as [string, string][]).map(
              ([code, label]) =>
                html`<option value="${code}" ${code === form.country ? html` selected` : ""}>
                  ${label}
                </option>`,
            )}
          </select>
          <fieldset>
            <legend>Delivery</legend>
            ${radios("shipping", SHIPPING_OPTIONS, form.shipping)}
          </fieldset>
          <fieldset>
            <legend>Payment</legend>
            ${radios("payment", PAYMENT_OPTIONS, form.payment)}
          </fieldset>
          <label class="choice"
            ><input type="checkbox" name="gift" value="1" ${form.gift ? html` checked` : ""} /> This
            is a gift: wrap it and leave prices off the delivery note</label
          >
          <p><button class="btn" type="submit">Place order</button></p>
        </form>
        <div>
          <div class="summary" style="margin-top:0">
            ${lines.map((l) => html`<div><span>${l.quantity} × ${l.product.name}</span><span>${formatPrice(l.totalCents)}</span></div>`)}
            <div>
              <span>Delivery</span><span>${shipping === 0 ? "Free" : formatPrice(shipping)}</span>
            </div>
            <div class="total">
              <span>Total</span><span>${formatPrice(subtotal + shipping)}</span>
            </div>
          </div>
          ${slot("help-prompt", helpBox())}
        </div>
      </div>`,
  );
}
