// customers/redact: erase the customer's name, email, phone and address from
// every table of this shop. Rows Kizuna needs for the seller's bookkeeping
// (orders, refunds, the webhook audit trail) stay, emptied of personal data.
// The Customer row stays as a tombstone (redactedAt) so a late or retried
// webhook cannot bring the data back (see mirror/customers.server.ts).
import { isObject, parsePayload } from "../webhooks/payload.server.ts";
import type { Tx } from "../mirror/write.server.ts";
import { refreshOrderSearch } from "../orders/order-search.server.ts";
import type { ProjectableEvent, ProjectionResult } from "../mirror/project-event.server.ts";
import { customerGidInJson, scrubPayloadsMentioning } from "./scrub-payloads.server.ts";
import { findCustomerFootprint, readCustomerRequest, type CustomerFootprint } from "./customer-scope.server.ts";
import { redactInboxContacts } from "../inbox/redact-contact.server.ts";

async function redactCustomers(tx: Tx, shop: string, customerIds: string[], redactedAt: Date): Promise<void> {
  // Customers we never mirrored get a tombstone too.
  for (const id of customerIds) {
    await tx.customer.upsert({ where: { shop_id: { shop, id } }, create: { shop, id, redactedAt }, update: {} });
  }
  const scope = { shop, id: { in: customerIds } };
  // The first redaction's time stays: processing the event again changes nothing.
  await tx.customer.updateMany({ where: { ...scope, redactedAt: null }, data: { redactedAt } });
  await tx.customer.updateMany({
    where: scope,
    data: { email: null, phone: null, firstName: null, lastName: null, address: null },
  });
}

async function redactOrders(tx: Tx, shop: string, orderIds: string[]): Promise<void> {
  const scope = { shop, orderId: { in: orderIds } };
  await tx.order.updateMany({
    where: { shop, id: { in: orderIds } },
    // The status page link is a key to their order (address included).
    data: { email: null, phone: null, shippingAddress: null, statusUrl: null, searchText: null },
  });
  // Where the parcel was scanned can be where the customer lives.
  await tx.fulfillmentEvent.updateMany({ where: scope, data: { city: null, province: null, zip: null } });
  for (const row of await tx.return.findMany({ where: scope, select: { id: true, lineItems: true } })) {
    const lineItems = withoutCustomerNotes(row.lineItems);
    if (lineItems !== row.lineItems)
      await tx.return.update({ where: { shop_id: { shop, id: row.id } }, data: { lineItems } });
  }
  // Kizuna's side of their returns: their note, their words per line, their photos.
  for (const row of await tx.return.findMany({ where: scope, select: { id: true, requestedLines: true } })) {
    await tx.return.update({
      where: { shop_id: { shop, id: row.id } },
      data: { customerNote: null, photoId: null, requestedLines: withoutLineNotes(row.requestedLines) },
    });
  }
  await tx.returnPhoto.deleteMany({ where: scope });
  await tx.returnEvent.updateMany({ where: { ...scope, actor: "customer" }, data: { detail: null } });
}

/** The lines a customer asked to return, without what they wrote about each. */
function withoutLineNotes(requestedLines: string | null): string | null {
  if (!requestedLines) return requestedLines;
  try {
    const lines = parsePayload(requestedLines);
    return Array.isArray(lines)
      ? JSON.stringify(lines.map((line) => (isObject(line) ? { ...line, note: null } : line)))
      : null;
  } catch {
    return null;
  }
}

/** A return line item's `customer_note` is the customer's own words. */
function withoutCustomerNotes(lineItems: string): string {
  try {
    const items = parsePayload(lineItems);
    if (!Array.isArray(items) || !items.some((item) => isObject(item) && "customer_note" in item)) return lineItems;
    return JSON.stringify(items.map((item) => (isObject(item) ? { ...item, customer_note: null } : item)));
  } catch {
    return "[]";
  }
}

/**
 * Raw webhook payloads that concern the customer are replaced by "{}"; the
 * rows stay for the audit trail. A payload concerns them when the projection
 * linked it to them or their orders, or when it mentions one of their email
 * addresses, phone numbers or their customer GID anywhere.
 */
async function scrubPayloads(tx: Tx, shop: string, footprint: CustomerFootprint): Promise<void> {
  await tx.webhookEvent.updateMany({
    where: {
      shop,
      payload: { not: "{}" },
      OR: [{ customerId: { in: footprint.customerIds } }, { orderId: { in: footprint.orderIds } }],
    },
    data: { payload: "{}" },
  });
  const mentions = [...footprint.emails, ...footprint.phones, ...footprint.customerIds.map(customerGidInJson)];
  for (const text of mentions) await scrubPayloadsMentioning(tx, shop, text);
}

export async function redactCustomer(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const { shop } = event;
  const request = readCustomerRequest(event.payload, "orders_to_redact");
  const footprint = await findCustomerFootprint(tx, shop, request);
  await redactCustomers(tx, shop, footprint.customerIds, event.triggeredAt ?? new Date());
  await redactOrders(tx, shop, footprint.orderIds);
  // Found by their number only from now on.
  await refreshOrderSearch(tx, shop, footprint.orderIds);
  await tx.dataExport.deleteMany({
    where: {
      shop,
      OR: [
        { customerId: { in: footprint.customerIds } },
        ...(footprint.emails.length ? [{ email: { in: footprint.emails } }] : []),
      ],
    },
  });
  await scrubPayloads(tx, shop, footprint);
  await forgetMessages(tx, shop, footprint);
  // Their conversations in the inbox: names, identities and message bodies go; counts and times stay.
  await redactInboxContacts(tx, shop, footprint, event.triggeredAt ?? new Date());
  return { customerId: request.customerId };
}

/**
 * What Kizuna itself wrote to or about them: notices (recipient, name and
 * content go; the row stays so the dedupe key still prevents a resend),
 * back-in-stock signups and opt-outs keyed by their address.
 */
async function forgetMessages(tx: Tx, shop: string, footprint: CustomerFootprint): Promise<void> {
  const addresses = [...footprint.emails, ...footprint.phones];
  const theirs = {
    shop,
    OR: [
      { customerId: { in: footprint.customerIds } },
      { orderId: { in: footprint.orderIds } },
      { recipient: { in: addresses } },
    ],
  };
  const shared = await tx.notice.findMany({
    where: { ...theirs, contentId: { not: null } },
    select: { contentId: true },
    distinct: ["contentId"],
  });
  await tx.notice.updateMany({
    where: theirs,
    data: {
      recipient: null,
      recipientName: null,
      subject: null,
      bodyText: null,
      bodyHtml: null,
      variables: "{}",
      contentId: null,
    },
  });
  // Content they shared with others stays with the others; content only theirs goes.
  for (const { contentId } of shared) {
    if ((await tx.notice.count({ where: { shop, contentId } })) === 0)
      await tx.noticeContent.deleteMany({ where: { shop, id: contentId! } });
  }
  await tx.restockSubscription.deleteMany({
    where: {
      shop,
      OR: [
        { customerId: { in: footprint.customerIds } },
        { email: { in: footprint.emails } },
        { phone: { in: footprint.phones } },
      ],
    },
  });
  await tx.suppression.deleteMany({ where: { shop, address: { in: addresses } } });
}
