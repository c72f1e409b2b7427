import { helpBox, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { formatPrice } from "../format.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import type { ShopOrder } from "../orders.ts";
import { COUNTRIES, SHIPPING_OPTIONS } from "./checkout.ts";
import { productPath } from "../urls.ts";
import { dataLayerPush, purchaseEntry } from "../data-layer.ts";

export function orderPage({ index }: ShopContext, order: ShopOrder): SafeHtml {
  return layout(
    index,
    {
      title: `Order ${order.id}`,
      pageType: "order",
      cartCount: 0,
      head: dataLayerPush(purchaseEntry(order)),
    },
    html`<h1>Thank you, ${order.customer.name}!</h1>
      <p>
        Your order <strong id="order-id">${order.id}</strong> is confirmed. We sent a confirmation
        to ${order.customer.email}.
      </p>
      ${order.isGift && html`<p>🎁 Gift wrapped, with no prices on the delivery note.</p>`}
      <table class="cart">
        <thead>
          <tr>
            <th>Product</th>
            <th class="num">Qty</th>
            <th class="num">Price</th>
            <th class="num">Total</th>
          </tr>
        </thead>
        <tbody>
          ${order.lines.map(
            (l) =>
              html`<tr data-product-id="${l.productId}">
                <td><a href="${productPath(l.slug)}">${l.name}</a></td>
                <td class="num">${l.quantity}</td>
                <td class="num">${formatPrice(l.unitPriceCents)}</td>
                <td class="num">${formatPrice(l.unitPriceCents * l.quantity)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div class="summary">
        <div><span>Subtotal</span><span>${formatPrice(order.subtotalCents)}</span></div>
        <div>
          <span>Delivery</span
          ><span>${order.shippingCents === 0 ? "Free" : formatPrice(order.shippingCents)}</span>
        </div>
        <div class="total">
          <span>Total</span><span id="order-total">${formatPrice(order.totalCents)}</span>
        </div>
      </div>
      <p class="muted">
        Delivering to ${order.customer.address}, ${order.customer.postalCode}
        ${order.customer.city},
        ${COUNTRIES[order.customer.country as keyof typeof COUNTRIES] ?? order.customer.country} ·
        ${SHIPPING_OPTIONS[order.shipping as keyof typeof SHIPPING_OPTIONS] ?? order.shipping}
      </p>
      ${slot("recommendations")} ${slot("help-prompt", helpBox())}`,
  );
}
