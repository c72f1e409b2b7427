/** €1,299.99: prices as the shop shows them. */
export function formatPrice(cents: number): string {
  const euros = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `€${euros}.${String(cents % 100).padStart(2, "0")}`;
}

/** "149.99": the decimal string schema.org offers expect. */
export function decimalPrice(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** ★★★★☆ for a 0-5 rating, rounded to the nearest star. */
export function stars(rating: number): string {
  const full = Math.max(0, Math.min(5, Math.round(rating)));
  return "★".repeat(full) + "☆".repeat(5 - full);
}

export function stockLabel(stock: number): string {
  if (stock <= 0) return "Out of stock";
  if (stock <= 5) return `Only ${stock} left`;
  return "In stock";
}
