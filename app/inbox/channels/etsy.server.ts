// The Etsy channel. Etsy has no messaging API: a buyer's message arrives as
// Etsy's notification mail, which the seller forwards to the shop's inbound
// address (email.server.ts reads it and hands it here). Replies are prepared in
// Kizuna and sent by the seller on Etsy (the conversation's link), then marked
// sent: Kizuna never mails an Etsy buyer itself.
import type { Db } from "../../db.server.ts";
import { inTransaction } from "../../mirror/write.server.ts";
import { findOrMakeContact, foldForInboxSearch, refreshConversationSearch } from "../contacts.server.ts";
import { newReplyToken } from "../inbox-address.server.ts";
import { receiveMessage } from "../receive-message.server.ts";
import type { EtsyNotification, Identity } from "../types.ts";
import type { ChannelAdapter } from "./channel.server.ts";

export const etsyChannel: ChannelAdapter = {
  channel: "etsy",
  async prepare() {
    return {
      toAddress: null,
      subject: null,
      providerMessageId: null,
      inReplyTo: null,
      references: [],
      status: "to_send",
    };
  },
  async send() {
    // A prepared Etsy reply is sent by the seller on Etsy; markEtsyMessageSent records it.
    throw new Error("Etsy messages are sent on Etsy by the seller.");
  },
};

/** Shown when Etsy's mail carried only a link (the inbox adds "open on Etsy"). */
export const LINK_ONLY_TEXT = {
  en: "Etsy's notification carried no message text, only a link to the conversation.",
  ja: "Etsyの通知にはメッセージ本文がなく、会話へのリンクだけが含まれていました。",
} as const;

const CONVERSATION_ID = /etsy\.com\/(?:[a-z-]+\/)?conversations\/(\d+)/i;

/** The etsy_buyer identity a notification gives: its conversation, else (no link) the buyer's name. */
export function etsyBuyerIdentity(
  notification: Pick<EtsyNotification, "conversationUrl" | "buyerName">,
): Identity | null {
  const conversation = notification.conversationUrl ? CONVERSATION_ID.exec(notification.conversationUrl)?.[1] : null;
  if (conversation) return { kind: "etsy_buyer", value: `conversation:${conversation}` };
  const name = notification.buyerName ? foldForInboxSearch(notification.buyerName) : "";
  return name ? { kind: "etsy_buyer", value: `name:${name}` } : null;
}

function textOf(notification: EtsyNotification): string {
  const parts: string[] = [];
  if (notification.text?.trim()) parts.push(notification.text.trim());
  const ja = notification.language === "ja";
  if (notification.helpWith) parts.push(`${ja ? "お困りの内容" : "Needs help with"}: ${notification.helpWith}`);
  if (notification.idealResolution)
    parts.push(`${ja ? "希望する解決方法" : "Ideal resolution"}: ${notification.idealResolution}`);
  return parts.length > 0 ? parts.join("\n\n") : LINK_ONLY_TEXT[notification.language];
}

/** The mirrored receipt a notification names, as its order (id etsy:<receipt id>), when the poll has it. */
async function receiptOrder(db: Db, shop: string, receiptId: string | null) {
  if (!receiptId || !/^\d{1,20}$/.test(receiptId)) return null;
  return db.order.findUnique({
    where: { shop_id: { shop, id: `etsy:${receiptId}` } },
    select: { id: true, name: true, email: true, locale: true },
  });
}

/** One Etsy notification (read by readEtsyNotification) into the shop's inbox. */
export async function receiveEtsyNotification(
  db: Db,
  shop: string,
  notification: EtsyNotification,
  delivery: { providerMessageId: string | null; original?: Buffer | null; receivedAt: Date },
): Promise<{ conversationId: number; messageId: number; duplicate: boolean; opened: boolean }> {
  const order = await receiptOrder(db, shop, notification.receiptId);
  const buyer = etsyBuyerIdentity(notification);
  const identities: Identity[] = [
    ...(buyer ? [buyer] : []),
    // The receipt's buyer_email joins the buyer to their other channels (a Shopify customer, an SMS).
    ...(order?.email ? [{ kind: "email" as const, value: order.email }] : []),
  ];
  const result = await receiveMessage(db, shop, {
    channel: "etsy",
    providerMessageId: delivery.providerMessageId,
    identities,
    contactName: notification.buyerName,
    locale: order?.locale ?? notification.language,
    orderId: order?.id ?? null,
    subject: order?.name ?? (notification.buyerName ? `Etsy: ${notification.buyerName}` : "Etsy"),
    text: textOf(notification),
    fullText: notification.text,
    kind: "message",
    fromName: notification.buyerName,
    etsyUrl: notification.conversationUrl,
    receivedAt: delivery.receivedAt,
    original: delivery.original ?? null,
  });
  // An Etsy message is always a buyer's: never dropped.
  if (result.dropped) throw new Error("an Etsy message was not stored");
  return {
    conversationId: result.conversationId,
    messageId: result.messageId,
    duplicate: result.duplicate,
    opened: result.opened,
  };
}

export interface PreparedEtsyMessage {
  orderId: string;
  identities: Identity[];
  contactName?: string | null;
  locale?: string | null;
  text: string;
  /** Stable per cause (e.g. the delay case), so preparing it twice stores one message. */
  key?: string | null;
}

/**
 * A message Kizuna prepared for an Etsy buyer (a delay found on an Etsy receipt):
 * stored as an outgoing etsy message with status "to_send" in the order's
 * conversation (opened when there is none), for the seller to send on Etsy.
 */
export async function prepareEtsyMessage(
  db: Db,
  shop: string,
  input: PreparedEtsyMessage,
): Promise<{ conversationId: number; messageId: number; duplicate: boolean }> {
  const text = input.text.trim();
  if (!text) throw new Error("prepareEtsyMessage: empty text");
  const providerMessageId = input.key ? `prepared:${input.key}`.slice(0, 900) : null;
  return inTransaction(db, async (tx) => {
    if (providerMessageId) {
      const stored = await tx.message.findUnique({
        where: { shop_channel_providerMessageId: { shop, channel: "etsy", providerMessageId } },
        select: { id: true, conversationId: true },
      });
      if (stored) return { conversationId: stored.conversationId, messageId: stored.id, duplicate: true };
    }
    const contactId = await findOrMakeContact(tx, shop, {
      identities: input.identities,
      name: input.contactName ?? null,
      locale: input.locale ?? null,
    });
    const order = await tx.order.findUnique({
      where: { shop_id: { shop, id: input.orderId } },
      select: { name: true },
    });
    let conversation = await tx.conversation.findFirst({
      where: { shop, channel: "etsy", orderId: input.orderId, status: { in: ["open", "waiting", "snoozed"] } },
      orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    const now = new Date();
    if (!conversation) {
      conversation = await tx.conversation.create({
        data: {
          shop,
          contactId,
          channel: "etsy",
          status: "open",
          subject: order?.name ?? null,
          orderId: input.orderId,
          replyToken: newReplyToken(),
          lastMessageAt: now,
        },
        select: { id: true },
      });
      await refreshConversationSearch(tx, shop, conversation.id);
    } else {
      await tx.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: now } });
    }
    const message = await tx.message.create({
      data: {
        shop,
        conversationId: conversation.id,
        direction: "outgoing",
        kind: "message",
        channel: "etsy",
        providerMessageId,
        text,
        fullText: text,
        author: "kizuna",
        status: "to_send",
        createdAt: now,
      },
      select: { id: true },
    });
    return { conversationId: conversation.id, messageId: message.id, duplicate: false };
  });
}
