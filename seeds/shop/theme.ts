/** One colour per category: product images, category tiles and badges share it. */
export const CATEGORY_COLORS: Record<string, { base: string; soft: string }> = {
  "sports-watches": { base: "#2456a6", soft: "#e3ecfa" },
  "running-shoes": { base: "#d9542b", soft: "#fbe7df" },
  "running-apparel": { base: "#138a72", soft: "#dff3ee" },
  phones: { base: "#5b4fc4", soft: "#e9e6fa" },
  "phone-accessories": { base: "#8a4f7d", soft: "#f3e4ef" },
  home: { base: "#b5842a", soft: "#f7eedb" },
};
const FALLBACK = { base: "#4b5563", soft: "#eef0f3" };

export function categoryColor(categoryId: string): { base: string; soft: string } {
  return CATEGORY_COLORS[categoryId] ?? FALLBACK;
}

export const SHOP_NAME = "Nordmarkt";
