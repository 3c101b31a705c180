// returns/request|approve|decline|close → Return. These payloads carry no
// updated_at, so the version is when Shopify triggered the event; each topic
// carries a different part of the return (decline has no line items, close
// has only the status), and absent parts keep their stored values.
import {
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
    create: () => tx.return.create({ data: { ...key, ...data } }),
  });
  return { orderId };
}
