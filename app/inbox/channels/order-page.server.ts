// The order page channel: the customer writes from their order page; a reply
// is shown there, and mailed to the order's address like an email reply (its
// Reply-To the conversation's reply address, so the customer's answer by mail
// lands in the same conversation). Without an address it is only shown.
import type { Db } from "../../db.server.ts";
import { receiveMessage, type ReceiveResult } from "../receive-message.server.ts";
import { InboxError } from "../inbox-error.server.ts";
import type { ChannelAdapter } from "./channel.server.ts";
import { emailChannel } from "./email.server.ts";

/** Longest message the order page takes (characters). */
export const MAX_ORDER_PAGE_MESSAGE = 4_000;

export const orderPageChannel: ChannelAdapter = {
  channel: "order_page",
  async prepare(db, deps, draft) {
    const mail = await emailChannel.prepare(db, deps, draft);
    if (mail.toAddress) return mail;
    return {
      toAddress: null,
      subject: null,
      providerMessageId: null,
      inReplyTo: null,
      references: [],
      status: "queued",
    };
  },
  async send(db, deps, reply) {
    if (!reply.toAddress) return { providerMessageId: null };
    return emailChannel.send(db, deps, reply);
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
  if (!order) throw new InboxError("not_found", "no such order");
  const text = input.text.replace(/\r\n/g, "\n").trim();
  if (!text) throw new InboxError("invalid", "the message is empty");
  if (text.length > MAX_ORDER_PAGE_MESSAGE) throw new InboxError("invalid", "the message is too long");
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
    text,
    fullText: text,
    kind: "message",
    receivedAt: input.receivedAt ?? new Date(),
  });
}

export interface OrderPageThreadMessage {
  id: number;
  /** "customer" for theirs, "shop" for the seller's replies. */
  from: "customer" | "shop";
  /** Their own words or the seller's: escape when shown. */
  text: string;
  at: Date;
}

/**
 * What the customer sees on their (verified) order page: their messages about
 * the order and the shop's replies on that channel, oldest first. Notes,
 * system events and replies not sent yet are never shown.
 */
export async function orderPageThread(db: Db, shop: string, orderId: string): Promise<OrderPageThreadMessage[]> {
  const conversations = await db.conversation.findMany({
    where: { shop, orderId, channel: "order_page" },
    select: { id: true },
  });
  if (conversations.length === 0) return [];
  const messages = await db.message.findMany({
    where: {
      shop,
      conversationId: { in: conversations.map((row) => row.id) },
      OR: [
        { direction: "incoming", kind: "message" },
        { direction: "outgoing", status: "sent" },
      ],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 200,
    select: { id: true, direction: true, text: true, createdAt: true },
  });
  return messages.map((message) => ({
    id: message.id,
    from: message.direction === "incoming" ? "customer" : "shop",
    text: message.text,
    at: message.createdAt,
  }));
}
