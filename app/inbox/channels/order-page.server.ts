// The order page channel: the customer writes from their order page; a reply
// is stored and shown there (nothing leaves Kizuna).
import type { Db } from "../../db.server.ts";
import { receiveMessage, type ReceiveResult } from "../receive-message.server.ts";
import type { ChannelAdapter } from "./channel.server.ts";

export const orderPageChannel: ChannelAdapter = {
  channel: "order_page",
  async prepare() {
    return {
      toAddress: null,
      subject: null,
      providerMessageId: null,
      inReplyTo: null,
      references: [],
      status: "queued",
    };
  },
  async send() {
    return { providerMessageId: null };
  },
};

export interface OrderPageMessage {
  orderId: string;
  text: string;
  /** A key the page sends with the form, so a double submit is stored once. */
  submissionId?: string | null;
  receivedAt?: Date;
}

/** A customer's message from their (verified) order page: the order's customer, email and phone are its identities. */
export async function receiveOrderPageMessage(db: Db, shop: string, input: OrderPageMessage): Promise<ReceiveResult> {
  const order = await db.order.findUnique({
    where: { shop_id: { shop, id: input.orderId } },
    select: { id: true, name: true, customerId: true, email: true, phone: true, locale: true },
  });
  if (!order) throw new Error(`no order ${input.orderId} of ${shop}`);
  const customer = order.customerId
    ? await db.customer.findUnique({
        where: { shop_id: { shop, id: order.customerId } },
        select: { firstName: true, lastName: true, redactedAt: true },
      })
    : null;
  const name =
    customer && !customer.redactedAt ? [customer.firstName, customer.lastName].filter(Boolean).join(" ") : "";
  return receiveMessage(db, shop, {
    channel: "order_page",
    providerMessageId: input.submissionId ? `order-page:${input.submissionId}` : null,
    identities: [
      ...(order.customerId ? [{ kind: "shopify_customer" as const, value: order.customerId }] : []),
      ...(order.email ? [{ kind: "email" as const, value: order.email }] : []),
      ...(order.phone ? [{ kind: "phone" as const, value: order.phone }] : []),
    ],
    contactName: name || null,
    locale: order.locale,
    orderId: order.id,
    subject: order.name,
    text: input.text,
    fullText: input.text,
    kind: "message",
    receivedAt: input.receivedAt ?? new Date(),
  });
}
