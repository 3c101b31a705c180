// Shopify's global ids, e.g. gid://shopify/Order/820982911946154508: the Admin
// GraphQL API names every record this way and webhooks carry them beside the
// numeric id as admin_graphql_api_id.
import type { Id } from "./types.ts";

export function gid(type: string, id: Id): string {
  return `gid://shopify/${type}/${id}`;
}

/** `gid://shopify/Order/1` → { type: "Order", id: "1" }; query parameters are ignored. Null if not a GID. */
export function parseGid(value: string): { type: string; id: Id } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  return match ? { type: match[1] as string, id: match[2] as string } : null;
}

/** An inventory level's GID names its location and, as a parameter, its inventory item. */
export function inventoryLevelGid(inventoryItemId: Id, locationId: Id): string {
  return `${gid("InventoryLevel", locationId)}?inventory_item_id=${inventoryItemId}`;
}
