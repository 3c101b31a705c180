// The shapes the inbox's parts hand each other (ADR 0014). Client-safe: no
// server imports.

export type Channel = "email" | "sms" | "order_page" | "etsy";
export type ConversationStatus = "open" | "waiting" | "snoozed" | "resolved";
export type MessageDirection = "incoming" | "outgoing" | "note" | "system";
/** Mail nobody wrote by hand is `auto_reply | bounce | list`: shown, never a customer reply. */
export type MessageKind = "message" | "auto_reply" | "bounce" | "list" | "notice" | "event";
export type IdentityKind = "email" | "phone" | "shopify_customer" | "etsy_buyer";

export interface Identity {
  kind: IdentityKind;
  /** email lower-cased, phone E.164, ids as strings. */
  value: string;
}

export interface Attachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
}

/** One message arriving on any channel, as a channel adapter hands it to the inbox. */
export interface IncomingMessage {
  channel: Channel;
  /** The channel's own id (RFC 5322 Message-ID, SMS sid, …): a second delivery is stored once. */
  providerMessageId: string | null;
  /** Who wrote it; the contact is found or made from these. */
  identities: Identity[];
  contactName?: string | null;
  locale?: string | null;
  /** The order it is about, when the channel knows (order page, Etsy receipt). */
  orderId?: string | null;
  subject?: string | null;
  /** Shown in the inbox (quotes and signature trimmed). */
  text: string;
  fullText?: string | null;
  /** Already sanitized. */
  html?: string | null;
  kind: MessageKind;
  // Email threading.
  inReplyTo?: string | null;
  references?: string[];
  /** The reply+<token> the mail was addressed to, when it was. */
  replyToken?: string | null;
  fromAddress?: string | null;
  fromName?: string | null;
  toAddress?: string | null;
  /** Etsy: the conversation to answer on. */
  etsyUrl?: string | null;
  receivedAt: Date;
  attachments?: Attachment[];
  /** The delivery exactly as it came (RFC 822), kept in MessageOriginal. */
  original?: Buffer | null;
}

export interface ReceivedMessage {
  conversationId: number;
  messageId: number;
  contactId: number;
  /** True when this delivery was already stored (nothing changed). */
  duplicate: boolean;
  /** True when it opened a new conversation. */
  opened: boolean;
}

/** A mail read from its RFC 822 bytes (app/inbox/mail/read-mail.server.ts). */
export interface ReadMail {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: { address: string; name: string | null } | null;
  replyTo: string | null;
  /** Every recipient address (To, Cc, Delivered-To, X-Original-To), lower-cased. */
  recipients: string[];
  subject: string | null;
  date: Date | null;
  /** The whole text (from the HTML part when the mail has no text part). */
  text: string;
  /** The reply alone: quoted history and signature trimmed. */
  displayText: string;
  /** Sanitized HTML, or null. */
  html: string | null;
  kind: "message" | "auto_reply" | "bounce" | "list";
  /** For a bounce: the address that could not be delivered to, when the report names it. */
  bouncedRecipient: string | null;
  attachments: Attachment[];
  /** A forwarded mail inside this one (the seller forwarding an Etsy notification). */
  forwarded: {
    from: string | null;
    subject: string | null;
    date: Date | null;
    text: string;
    html: string | null;
  } | null;
}

/** An Etsy message notification, read from a (possibly forwarded) mail. */
export interface EtsyNotification {
  kind: "conversation" | "help_request" | "sale";
  buyerName: string | null;
  /** https://www.etsy.com/conversations/<id>, when the mail links one. */
  conversationUrl: string | null;
  /** Etsy's receipt / order number, when the mail names one. */
  receiptId: string | null;
  /** The buyer's words; null when the notification carries only a link. */
  text: string | null;
  helpWith: string | null;
  idealResolution: string | null;
  language: "en" | "ja";
}
