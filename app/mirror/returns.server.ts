// returns/request|approve|decline|close → Return. These payloads carry no
// updated_at, so the version is when Shopify triggered the event; each topic
// carries a different part of the return (decline has no line items, close
// has only the status), and absent parts keep their stored values.
import {
  dateOf,
  fieldOf,
  idAt,
  jsonTextOf,
  objectOf,
  ownIdOf,
  requireId,
  requireValue,
  enumOf,
  textOf,
  versionOf,
} from "./read-payload.server.ts";
import type { JsonObject } from "../webhooks/payload.server.ts";
import { keepNewest, notNewerThan, type Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

export async function projectReturn(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const payload = event.payload;
  const id = requireId(ownIdOf(payload), "return id");
  // `order: { id, admin_graphql_api_id }` on most topics, `order_id` on returns/close.
  const orderId = idAt(payload, "order") ?? idAt(payload, "order_id");
  const decline = objectOf(payload, "decline");
  const version = versionOf(payload, event.triggeredAt);
  const data = {
    orderId: orderId ?? undefined,
    name: textOf(payload, "name"),
    status: requireValue(enumOf(payload, "status"), "return status"),
    lineItems: jsonTextOf(fieldOf(payload, "return_line_items")) ?? undefined,
    declineReason: decline ? enumOf(decline, "reason") : undefined,
    shopifyUpdatedAt: version,
  };
  const key = { shop: event.shop, id };
  await keepNewest({
    update: () => tx.return.updateMany({ where: { ...key, ...notNewerThan(version) }, data }),
    exists: () => tx.return.count({ where: key }).then((n) => n > 0),
    // A return first heard of here was made in Shopify's admin or by another app.
    create: () =>
      tx.return.create({
        data: { ...key, ...data, requestedAt: dateOf(payload, "created_at") ?? version ?? new Date() },
      }),
  });
  return { orderId };
}

/**
 * returns/process, returns/update, reverse_deliveries/attach_deliverable and
 * reverse_fulfillment_orders/dispose carry a change, not the return's state
 * (Shopify's examples: returns/process is `{}`, returns/update lists removals).
 * Nothing is written from them: the reaction reads the return again from the
 * Admin API (app/returns/refresh-return.server.ts). This finds which return.
 */
export function returnIdOfChange(payload: JsonObject): string | null {
  const own = textOf(payload, "admin_graphql_api_id");
  if (own?.startsWith("gid://shopify/Return/")) return ownIdOf(payload);
  const ret = objectOf(payload, "return");
  return ret ? ownIdOf(ret) : null;
}

export async function projectReturnChange(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const id = returnIdOfChange(event.payload);
  if (!id) return {};
  const row = await tx.return.findUnique({ where: { shop_id: { shop: event.shop, id } }, select: { orderId: true } });
  return { orderId: row?.orderId ?? null };
}
