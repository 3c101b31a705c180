// customers/data_request: the seller must hand the customer everything Kizuna
// holds on them. We write it down as a DataExport the seller downloads from
// the admin (Shopify does not collect it from apps; the seller sends it on).
import type { Db } from "../db.server.ts";
import type { DataExport } from "../generated/prisma-sqlite/client.ts";
import { idAt, objectOf } from "../mirror/read-payload.server.ts";
import type { Tx } from "../mirror/write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "../mirror/project-event.server.ts";
import { findCustomerFootprint, readCustomerRequest } from "./customer-scope.server.ts";

/** Everything about the customer's orders, grouped per order. */
async function ordersWithDetails(tx: Tx, shop: string, orderIds: string[]) {
  const scope = { shop, orderId: { in: orderIds } };
  // One query after another: an interactive transaction has one connection.
  const orders = await tx.order.findMany({
    where: { shop, id: { in: orderIds } },
    orderBy: { shopifyCreatedAt: "asc" },
  });
  const lineItems = await tx.lineItem.findMany({ where: scope, orderBy: { id: "asc" } });
  const fulfillments = await tx.fulfillment.findMany({ where: scope, orderBy: { id: "asc" } });
  const fulfillmentEvents = await tx.fulfillmentEvent.findMany({ where: scope, orderBy: { id: "asc" } });
  const fulfillmentOrders = await tx.fulfillmentOrder.findMany({ where: scope, orderBy: { id: "asc" } });
  const returns = await tx.return.findMany({ where: scope, orderBy: { id: "asc" } });
  const refunds = await tx.refund.findMany({ where: scope, orderBy: { id: "asc" } });
  const of = <T extends { orderId: string | null }>(rows: T[], orderId: string) =>
    rows.filter((row) => row.orderId === orderId);
  return orders.map((order) => ({
    ...order,
    lineItems: of(lineItems, order.id),
    fulfillments: of(fulfillments, order.id).map((fulfillment) => ({
      ...fulfillment,
      events: fulfillmentEvents.filter((event) => event.fulfillmentId === fulfillment.id),
    })),
    fulfillmentOrders: of(fulfillmentOrders, order.id),
    returns: of(returns, order.id),
    refunds: of(refunds, order.id),
  }));
}

export async function exportCustomerData(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const { shop } = event;
  const request = readCustomerRequest(event.payload, "orders_requested");
  const dataRequestId = idAt(objectOf(event.payload, "data_request") ?? {}, "id");
  const footprint = await findCustomerFootprint(tx, shop, request);
  const customers = await tx.customer.findMany({
    where: { shop, id: { in: footprint.customerIds } },
    orderBy: { id: "asc" },
  });
  const content = JSON.stringify({
    request: {
      customer: { id: request.customerId, email: request.email, phone: request.phone },
      ordersRequested: request.orderIds,
      dataRequestId,
    },
    customers,
    orders: await ordersWithDetails(tx, shop, footprint.orderIds),
  });
  const row = { shop, customerId: request.customerId, email: request.email, dataRequestId, content };
  // The same request processed again replaces its export instead of adding one.
  const existing = dataRequestId
    ? await tx.dataExport.findFirst({ where: { shop, dataRequestId }, select: { id: true } })
    : null;
  if (existing) await tx.dataExport.update({ where: { id: existing.id }, data: row });
  else await tx.dataExport.create({ data: row });
  return { customerId: request.customerId };
}

/** The exports the seller can download, newest first. */
export function listDataExports(db: Db, shop: string): Promise<DataExport[]> {
  return db.dataExport.findMany({ where: { shop }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}
