// Current stock of a variant, read from the mirror: the sum of `available`
// over the inventory item's locations (inventory_levels/update keeps these),
// else the variant's inventory_quantity (products/update) when no level is known.
import type { Db } from "../db.server.ts";
import type { Tx } from "../mirror/write.server.ts";

export interface VariantStock {
  variantId: string;
  productId: string;
  inventoryItemId: string | null;
  available: number;
}

/** Normalises "2001" or "gid://shopify/ProductVariant/2001" to "2001"; null if neither. */
export function variantIdOf(value: string): string | null {
  const match = /^(?:gid:\/\/shopify\/ProductVariant\/)?(\d{1,24})$/.exec(value.trim());
  return match ? match[1]! : null;
}

export async function variantStock(db: Db | Tx, shop: string, variantId: string): Promise<VariantStock | null> {
  const variant = await db.variant.findUnique({
    where: { shop_id: { shop, id: variantId } },
    select: { id: true, productId: true, inventoryItemId: true, inventoryQuantity: true },
  });
  if (!variant) return null;
  let available = Math.max(0, variant.inventoryQuantity ?? 0);
  if (variant.inventoryItemId) {
    const levels = await db.inventoryLevel.findMany({
      where: { shop, inventoryItemId: variant.inventoryItemId },
      select: { available: true },
    });
    if (levels.length > 0) available = levels.reduce((sum, level) => sum + Math.max(0, level.available ?? 0), 0);
  }
  return { variantId: variant.id, productId: variant.productId, inventoryItemId: variant.inventoryItemId, available };
}

/** Variants an inventory item or variant id refers to (an inventory item normally maps to one variant). */
export async function variantsFor(db: Db, shop: string, inventoryItemOrVariantId: string): Promise<string[]> {
  const rows = await db.variant.findMany({
    where: { shop, OR: [{ inventoryItemId: inventoryItemOrVariantId }, { id: inventoryItemOrVariantId }] },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}
