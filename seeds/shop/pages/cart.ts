import { cartLines, FREE_SHIPPING_CENTS, shippingFor, type Cart } from "../cart.ts";
import { helpBox, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { formatPrice } from "../format.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { productPath } from "../urls.ts";

export function cartPage({ index }: ShopContext, cart: Cart): SafeHtml {
  const lines = cartLines(cart, index);
  const subtotal = lines.reduce((sum, l) => sum + l.totalCents, 0);
  const shipping = shippingFor(subtotal);
  const missing = FREE_SHIPPING_CENTS - subtotal;
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  return layout(
    index,
    { title: "Your cart", pageType: "cart", cartCount: count },
    lines.length === 0
      ? html`<h1>Your cart</h1>
          <div class="empty">
            <p>Your cart is empty.</p>
            <p><a class="btn" href="/bestsellers">Browse bestsellers</a></p>
          </div>
          ${slot("cart-offers")} ${slot("recommendations")} ${slot("help-prompt", helpBox())}`
      : html`<h1>Your cart</h1>
          <table class="cart">
            <thead>
              <tr>
                <th>Product</th>
                <th class="num">Price</th>
                <th class="num">Qty</th>
                <th class="num">Total</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${lines.map(
                (l) =>
                  html`<tr data-product-id="${l.product.id}">
                    <td>
                      <a href="${productPath(l.product.slug)}">${l.product.name}</a><br /><small
                        class="muted"
                        >${l.product.brand} · ${l.product.sku}</small
                      >
                    </td>
                    <td class="num">${formatPrice(l.product.priceCents)}</td>
                    <td class="num">${l.quantity}</td>
                    <td class="num">${formatPrice(l.totalCents)}</td>
                    <td class="num">
                      <form action="/cart/remove" method="post">
                        <input type="hidden" name="productId" value="${l.product.id}" /><button
                          class="btn secondary"
                          type="submit"
                        >
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${slot(
            "cart-offers",
            missing > 0
              ? html`<p>Add ${formatPrice(missing)} more for free delivery.</p>`
              : html`<p>Your order ships free.</p>`,
          )}
          <div class="summary">
            <div><span>Subtotal</span><span>${formatPrice(subtotal)}</span></div>
            <div>
              <span>Delivery</span><span>${shipping === 0 ? "Free" : formatPrice(shipping)}</span>
            </div>
            <div class="total">
              <span>Total</span><span id="cart-total">${formatPrice(subtotal + shipping)}</span>
            </div>
            <p><a class="btn" href="/checkout">Go to checkout</a></p>
          </div>
          ${slot("recommendations")} ${slot("help-prompt", helpBox())}`,
  );
}
