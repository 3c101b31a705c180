// The customer's whole story, composed when it is read (nothing copied): their
// messages on every channel, the notices Kizuna sent them, and the return steps
// and money actions of their orders — newest first — so the seller sees what
// the customer was already told before answering.
import type { Db } from "../db.server.ts";
import { currentContactId } from "./contacts.server.ts";

export type TimelineItem =
  | {
      kind: "message";
      at: Date;
      id: number;
      conversationId: number;
      channel: string;
      direction: string;
      messageKind: string;
      author: string | null;
      status: string | null;
      /** Customer text when incoming: escape it when shown. */
      text: string;
    }
  | {
      kind: "notice";
      at: Date;
      id: number;
      noticeKind: string;
      channel: string;
      orderId: string | null;
      status: string;
      subject: string | null;
    }
  | { kind: "return_event"; at: Date; id: number; returnId: string; orderId: string; action: string; actor: string }
  | {
      kind: "money_action";
      at: Date;
      id: number;
      orderId: string;
      returnId: string | null;
      action: string;
      state: string;
      method: string | null;
      /** A decimal string. */
      amount: string | null;
      currency: string | null;
    };

export interface CustomerTimeline {
  contactId: number;
  /** The orders the story covers (Shopify and Etsy), newest first. */
  orderIds: string[];
  items: TimelineItem[];
}

/** The contact's orders: by their Shopify customer id, emails and phones, and the orders their conversations are about. */
export async function ordersOfContact(db: Db, shop: string, contactId: number) {
  const [identities, conversations] = await Promise.all([
    db.contactIdentity.findMany({ where: { shop, contactId }, select: { kind: true, value: true } }),
    db.conversation.findMany({
      where: { shop, contactId, orderId: { not: null } },
      select: { orderId: true },
      distinct: ["orderId"],
    }),
  ]);
  const valuesOf = (kind: string) => identities.filter((row) => row.kind === kind).map((row) => row.value);
  const customerIds = valuesOf("shopify_customer");
  const emails = valuesOf("email");
  const phones = valuesOf("phone");
  const linked = conversations.map((row) => row.orderId!);
  const or = [
    ...(customerIds.length ? [{ customerId: { in: customerIds } }] : []),
    ...(emails.length ? [{ email: { in: emails } }] : []),
    ...(phones.length ? [{ phone: { in: phones } }] : []),
    ...(linked.length ? [{ id: { in: linked } }] : []),
  ];
  // One query per kind of match, merged and sorted newest first here: SQLite (no statistics)
  // reads "shop = ? AND (a OR b …)" through one (shop, …) index over every order of the shop,
  // and with ORDER BY in SQL walks (shop, shopifyCreatedAt) through all of them.
  const select = {
    id: true,
    name: true,
    source: true,
    financialStatus: true,
    fulfillmentStatus: true,
    cancelledAt: true,
    totalPrice: true,
    currency: true,
    shopifyCreatedAt: true,
  } as const;
  const matches = await Promise.all(
    or.map((term) => db.order.findMany({ where: { shop, ...term }, take: 1000, select })),
  );
  const found = [...new Map(matches.flat().map((order) => [order.id, order])).values()];
  const orders = found
    .sort((a, b) => b.shopifyCreatedAt.getTime() - a.shopifyCreatedAt.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, 100);
  return { customerIds, emails, phones, orders };
}

/** The contact's timeline (a merged contact reads as the one it was merged into), or null for another shop's. */
export async function customerTimeline(
  db: Db,
  shop: string,
  contactId: number,
  options: {
    limit?: number;
    /** ordersOfContact(contactId) when the caller read it already (the conversation page): not read twice. */
    contactOrders?: Awaited<ReturnType<typeof ordersOfContact>>;
  } = {},
): Promise<CustomerTimeline | null> {
  if (!Number.isInteger(contactId) || contactId < 1) return null;
  const exists = await db.contact.findFirst({ where: { shop, id: contactId }, select: { id: true } });
  if (!exists) return null;
  const id = await currentContactId(db, shop, contactId);
  const limit = Math.min(Math.max(options.limit ?? 200, 1), 1000);
  const { customerIds, emails, phones, orders } =
    options.contactOrders && id === contactId ? options.contactOrders : await ordersOfContact(db, shop, id);
  const orderIds = orders.map((order) => order.id);
  const conversations = await db.conversation.findMany({ where: { shop, contactId: id }, select: { id: true } });
  const addresses = [...emails, ...phones];
  const noticeOr = [
    ...(customerIds.length ? [{ customerId: { in: customerIds } }] : []),
    ...(addresses.length ? [{ recipient: { in: addresses } }] : []),
    ...(orderIds.length ? [{ orderId: { in: orderIds } }] : []),
  ];
  const [messages, notices, returnEvents, moneyActions] = await Promise.all([
    conversations.length
      ? db.message.findMany({
          where: { shop, conversationId: { in: conversations.map((row) => row.id) } },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: limit,
          select: {
            id: true,
            conversationId: true,
            channel: true,
            direction: true,
            kind: true,
            author: true,
            status: true,
            text: true,
            createdAt: true,
          },
        })
      : [],
    noticeOr.length
      ? db.notice.findMany({
          where: { shop, status: "sent", OR: noticeOr },
          orderBy: [{ sentAt: "desc" }, { id: "desc" }],
          take: limit,
          select: {
            id: true,
            kind: true,
            channel: true,
            orderId: true,
            status: true,
            subject: true,
            sentAt: true,
            createdAt: true,
          },
        })
      : [],
    orderIds.length
      ? db.returnEvent.findMany({
          where: { shop, orderId: { in: orderIds } },
          orderBy: [{ at: "desc" }, { id: "desc" }],
          take: limit,
        })
      : [],
    orderIds.length
      ? db.moneyAction.findMany({
          where: { shop, orderId: { in: orderIds } },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: limit,
          select: {
            id: true,
            orderId: true,
            returnId: true,
            kind: true,
            state: true,
            method: true,
            amount: true,
            currency: true,
            createdAt: true,
            finishedAt: true,
          },
        })
      : [],
  ]);
  const items: TimelineItem[] = [
    ...messages.map((message): TimelineItem => ({
      kind: "message",
      at: message.createdAt,
      id: message.id,
      conversationId: message.conversationId,
      channel: message.channel,
      direction: message.direction,
      messageKind: message.kind,
      author: message.author,
      status: message.status,
      text: message.text.slice(0, 500),
    })),
    ...notices.map((notice): TimelineItem => ({
      kind: "notice",
      at: notice.sentAt ?? notice.createdAt,
      id: notice.id,
      noticeKind: notice.kind,
      channel: notice.channel,
      orderId: notice.orderId,
      status: notice.status,
      subject: notice.subject,
    })),
    ...returnEvents.map((event): TimelineItem => ({
      kind: "return_event",
      at: event.at,
      id: event.id,
      returnId: event.returnId,
      orderId: event.orderId,
      action: event.action,
      actor: event.actor,
    })),
    ...moneyActions.map((action): TimelineItem => ({
      kind: "money_action",
      at: action.finishedAt ?? action.createdAt,
      id: action.id,
      orderId: action.orderId,
      returnId: action.returnId,
      action: action.kind,
      state: action.state,
      method: action.method,
      amount: action.amount,
      currency: action.currency,
    })),
  ];
  items.sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
  return { contactId: id, orderIds, items: items.slice(0, limit) };
}
