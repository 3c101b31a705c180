// The keys shops go by: a Shopify store's *.myshopify.com domain, or an
// Etsy-only account's `etsy-<Etsy shop id>` (no dot, so the two never collide).

/** An Etsy-only account's shop key. */
export const standaloneShopKey = (etsyShopId: string) => `etsy-${etsyShopId}`;

/** Whether `shop` is an Etsy-only account (no Shopify store: nothing to ask Shopify). */
export const isStandaloneShop = (shop: string) => /^etsy-\d+$/.test(shop);
