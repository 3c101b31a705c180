// inventory_levels/update → InventoryLevel, keyed by inventory item + location.
// The inventory item is not the variant: Variant.inventoryItemId maps one to
// the other (restock looks the variant up there), so no variant is written here.
import { gidParam, idAt, intOf, requireId, textOf, versionOf } from "./read-payload.server.ts";
import { keepNewest, notNewerThan, type Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

export async function projectInventoryLevel(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const level = event.payload;
  // The GID `gid://shopify/InventoryLevel/<n>?inventory_item_id=<id>` keeps the
  // exact digits when a numeric inventory_item_id has lost them.
  const inventoryItemId = requireId(
    gidParam(textOf(level, "admin_graphql_api_id"), "inventory_item_id") ?? idAt(level, "inventory_item_id"),
    "inventory_item_id",
  );
  const locationId = requireId(idAt(level, "location_id"), "location_id");
  const version = versionOf(level, event.triggeredAt);
  const key = { shop: event.shop, inventoryItemId, locationId };
  const data = { available: intOf(level, "available"), shopifyUpdatedAt: version };
  await keepNewest({
    update: () => tx.inventoryLevel.updateMany({ where: { ...key, ...notNewerThan(version) }, data }),
    exists: () => tx.inventoryLevel.count({ where: key }).then((n) => n > 0),
    create: () => tx.inventoryLevel.create({ data: { ...key, ...data } }),
  });
  return {};
}
