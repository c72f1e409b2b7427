import { PAGE_TYPES } from "../../model/context.ts";
import { LIST_SOURCES } from "../../model/catalog.ts";
import { EXPERIMENT_STATUSES, SLOT_ACTIONS } from "../../decide/config-schema.ts";
import { FIELD_NAMES, fieldSpec, OPS_BY_TYPE, type FieldName } from "../../decide/fields.ts";
import type { ProductCard, TemplateView } from "../../decide/render.ts";
import { VIEW_ROOTS } from "../../decide/template.ts";

/**
 * What the visual editor offers in its dropdowns, read from the engine's own lists: the
 * typed fields a rule may name (fields.ts) with the operators each type takes, the template's
 * view (render.ts), the list sources and the slot actions (config-schema.ts). Sent to the
 * island as JSON, so a field the engine does not know can never be picked.
 */

/** A rule field as the rule builder shows it. */
export type FieldChoice = {
  name: FieldName;
  group: string;
  type: string;
  values?: readonly string[];
  ops: readonly string[];
  doc: string;
};

/** The builder's groups, in the order a marketer thinks of them. */
function groupOf(name: FieldName): string {
  if (name === "profile.topMode" || name.startsWith("profile.buyerModes.")) return "Buyer mode";
  if (name.startsWith("session.")) return "Journey and cart";
  if (name.startsWith("profile.")) return "Customer";
  if (name.startsWith("time.") || name === "context.localHour") return "Date and time";
  if (name.startsWith("consent.")) return "Consent";
  return "Visit";
}

const GROUP_ORDER = [
  "Buyer mode",
  "Journey and cart",
  "Customer",
  "Visit",
  "Date and time",
  "Consent",
];

export const FIELD_CHOICES: readonly FieldChoice[] = FIELD_NAMES.map((name) => {
  const spec = fieldSpec(name);
  return {
    name,
    group: groupOf(name),
    type: spec.type,
    ...(spec.values ? { values: spec.values } : {}),
    ops: OPS_BY_TYPE[spec.type],
    doc: spec.doc,
  };
}).sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));

/** Fields of a product card, as `{{product.x}}` or inside `{{#items}}`. */
const CARD_FIELDS = {
  id: "Product id",
  name: "Name",
  url: "Link to the product (checked before render)",
  imageUrl: "Image URL (checked before render)",
  price: "Formatted price, e.g. €1,299.99",
  priceCents: "Price in cents",
  currency: "Currency code",
  brand: "Brand",
  categoryId: "Category id",
  rating: "Average rating, 0-5",
  ratingText: "Rating as text, e.g. 4.6",
  stars: "Rating as stars, e.g. ★★★★☆",
  reviewCount: "Number of reviews",
  stock: "Units in stock",
  inStock: "In stock (for {{#product.inStock}})",
  lowStock: "Five or fewer left",
  rank: "1-based position in the list (0 for the page's product)",
  reason: 'Why it was recommended ("Because you viewed X")',
} satisfies Record<keyof ProductCard, string>;

type Nested<T> = { [K in keyof T]: string };

const CART_FIELDS = {
  value: "Cart value, formatted",
  valueCents: "Cart value in cents",
  count: "Items in the cart",
  lines: "Cart lines",
  empty: "The cart is empty (for {{^cart.empty}})",
  freeDeliveryThreshold: "Free delivery threshold, formatted",
  missingForFreeDelivery: "What is missing for free delivery, formatted",
  missingForFreeDeliveryCents: "What is missing for free delivery, in cents",
  qualifiesForFreeDelivery: "The cart qualifies for free delivery",
  freeDeliveryProgress: "0-100, for a <progress> bar",
} satisfies Nested<TemplateView["cart"]>;

const VISITOR_FIELDS = {
  mode: "Dominant buyer mode",
  stage: "Journey stage",
  segments: "Segments (a list)",
  visitCount: "Visits so far",
  orderCount: "Orders so far",
  returning: "Has visited before",
} satisfies Nested<TemplateView["visitor"]>;

const NOW_FIELDS = {
  iso: "Now, ISO date-time",
  date: "Visitor's local date",
  hour: "Visitor's local hour",
  dayOfWeek: "1 = Monday ... 7 = Sunday",
  leftToday: "Time to the visitor's midnight, e.g. 5 h 20 min",
} satisfies Nested<TemplateView["now"]>;

const PAGE_FIELDS = {
  type: "Page type",
  path: "Path of the page",
  categoryId: "Category of the page",
  productId: "Product of the page",
} satisfies Nested<TemplateView["page"]>;

const prefixed = (root: string, fields: Record<string, string>) =>
  Object.entries(fields).map(([k, doc]) => ({ name: `${root}.${k}`, doc }));

/** Every name a template may print, with what it is; the roots are the checker's own list. */
export const TEMPLATE_FIELDS: readonly { name: string; doc: string }[] = [
  { name: "data.*", doc: "The variant's own values (coupon codes, percentages, *Url links)" },
  ...prefixed("product", CARD_FIELDS),
  { name: "#items", doc: "The product list (section): inside, the product fields without prefix" },
  { name: "hasItems", doc: "The list is not empty" },
  ...prefixed("cart", CART_FIELDS),
  ...prefixed("visitor", VISITOR_FIELDS),
  ...prefixed("now", NOW_FIELDS),
  { name: "endsIn", doc: "Time left until data.endsAt, e.g. 5 h 20 min" },
  ...prefixed("page", PAGE_FIELDS),
  { name: "query.*", doc: "The page's query parameters" },
];

// Every view root is documented above (a new root in template.ts fails this at load in tests).
export const UNDOCUMENTED_ROOTS = VIEW_ROOTS.filter(
  (root) => !TEMPLATE_FIELDS.some((f) => f.name.replace(/^#/, "").split(".")[0] === root),
);

/** Everything the island needs besides the active config. */
export const EDITOR_CHOICES = {
  fields: FIELD_CHOICES,
  templateFields: TEMPLATE_FIELDS,
  actions: SLOT_ACTIONS,
  listSources: LIST_SOURCES,
  pageTypes: PAGE_TYPES,
  experimentStatuses: EXPERIMENT_STATUSES,
};
