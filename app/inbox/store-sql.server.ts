// The statements every inbound message runs, as raw SQL the same on SQLite and
// PostgreSQL: a model query costs Prisma several times a raw one, and each
// bound value costs more than the row, so rows travel as one JSON value
// (sql-json.server.ts). Rarer paths (a new contact, a merge, references) stay
// on model queries in contacts.server.ts and receive-message.server.ts.
import { jsonRows, jsonSet, jsonTime, jsonTimeText, timeValue, type Dialect } from "../database/sql-json.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
import type { Tx } from "../mirror/write.server.ts";
import type { Identity } from "./types.ts";

export interface KnownSender {
  contactId: number;
  name: string | null;
  locale: string | null;
  /** Email and phone values of the contact among the given identities. */
  values: string[];
}

/**
 * The contact of a sender seen before, in one statement: every given identity
 * (and the Shopify customer's, when the mirror has one for them) already on
 * one contact. Null when anything is new or they span contacts: the caller
 * then takes the full path (contacts.server.ts resolveContact).
 */
export async function knownSender(
  tx: Tx,
  dialect: Dialect,
  shop: string,
  identities: readonly Identity[],
): Promise<KnownSender | null> {
  if (identities.length === 0) return null;
  const kinds = [...new Set(identities.map((identity) => identity.kind))];
  const values = [...new Set(identities.map((identity) => identity.value))];
  const emails = identities.filter((i) => i.kind === "email").map((i) => i.value);
  const phones = identities.filter((i) => i.kind === "phone").map((i) => i.value);
  const customers = identities.filter((i) => i.kind === "shopify_customer").map((i) => i.value);
  const customerMatch = Prisma.sql`"shop" = ${shop} AND "redactedAt" IS NULL AND (
      "email" IN ${jsonSet(dialect, emails, "text")} OR "phone" IN ${jsonSet(dialect, phones, "text")}
      OR "id" IN ${jsonSet(dialect, customers, "text")})`;
  const rows = await tx.$queryRaw<
    {
      source: string;
      id: string | number;
      kind: string | null;
      value: string | null;
      name: string | null;
      locale: string | null;
    }[]
  >`
    SELECT 'identity' AS "source", CAST("i"."contactId" AS TEXT) AS "id", "i"."kind", "i"."value", "c"."name", "c"."locale"
    FROM "ContactIdentity" "i" JOIN "Contact" "c" ON "c"."id" = "i"."contactId"
    WHERE "i"."shop" = ${shop} AND (
      ("i"."kind" IN ${jsonSet(dialect, kinds, "text")} AND "i"."value" IN ${jsonSet(dialect, values, "text")})
      OR ("i"."kind" = 'shopify_customer' AND "i"."value" IN (SELECT "id" FROM "Customer" WHERE ${customerMatch})))
    UNION ALL
    SELECT 'customer', "id", "email", "phone", NULL, NULL FROM "Customer" WHERE ${customerMatch}`;
  const key = (kind: string | null, value: string | null) => `${kind}\u0000${value}`;
  const wanted = new Set(identities.map((identity) => key(identity.kind, identity.value)));
  const onContacts = rows.filter((row) => row.source === "identity");
  const found = onContacts.filter((row) => wanted.has(key(row.kind, row.value)));
  if (new Set(onContacts.map((row) => String(row.id))).size !== 1 || found.length !== wanted.size) return null;
  // The Shopify customer the mirror has for them must be on the contact already (it was linked before).
  const have = new Set(onContacts.map((row) => key(row.kind, row.value)));
  for (const customer of rows.filter((row) => row.source === "customer"))
    if (!have.has(key("shopify_customer", String(customer.id)))) return null;
  const first = found[0]!;
  return {
    contactId: Number(first.id),
    name: first.name,
    locale: first.locale,
    values: found.filter((row) => row.kind === "email" || row.kind === "phone").map((row) => row.value!),
  };
}

export interface SenderConversation {
  id: number;
  contactId: number;
  orderId: string | null;
  subject: string | null;
  etsyUrl: string | null;
}

/** The contact's latest open (open, waiting, snoozed) conversation on the channel, about `orderId` when given, since `since`. */
export async function openConversationOf(
  tx: Tx,
  dialect: Dialect,
  shop: string,
  where: { contactId: number; channel: string; orderId?: string | null; since?: Date | null },
): Promise<SenderConversation | null> {
  const rows = await tx.$queryRaw<
    {
      id: number | bigint;
      contactId: number | bigint;
      orderId: string | null;
      subject: string | null;
      etsyUrl: string | null;
    }[]
  >`
    SELECT "id", "contactId", "orderId", "subject", "etsyUrl" FROM "Conversation"
    WHERE "shop" = ${shop} AND "contactId" = ${where.contactId} AND "channel" = ${where.channel}
      AND "status" IN ('open', 'waiting', 'snoozed')
      ${where.orderId ? Prisma.sql`AND "orderId" = ${where.orderId}` : Prisma.empty}
      ${where.since ? Prisma.sql`AND "lastMessageAt" >= ${timeValue(dialect, where.since)}` : Prisma.empty}
    ORDER BY "lastMessageAt" DESC, "id" DESC
    LIMIT 1`;
  const row = rows[0];
  return row
    ? {
        id: Number(row.id),
        contactId: Number(row.contactId),
        orderId: row.orderId,
        subject: row.subject,
        etsyUrl: row.etsyUrl,
      }
    : null;
}

/**
 * One more message on a conversation: unread, last message, first message;
 * order, subject and Etsy link when it had none; a customer's message opens
 * it again and starts the wait (kept when it was already waiting).
 */
export async function touchConversation(
  tx: Tx,
  dialect: Dialect,
  conversationId: number,
  change: { at: Date; human: boolean; orderId: string | null; subject: string | null; etsyUrl: string | null },
): Promise<void> {
  const at = timeValue(dialect, change.at);
  const now = timeValue(dialect, new Date());
  const human = change.human
    ? Prisma.sql`, "status" = 'open', "snoozedUntil" = NULL, "resolvedAt" = NULL, "waitingSince" = COALESCE("waitingSince", ${at})`
    : Prisma.empty;
  await tx.$executeRaw`
    UPDATE "Conversation" SET "unread" = "unread" + 1,
      "lastMessageAt" = CASE WHEN "lastMessageAt" < ${at} THEN ${at} ELSE "lastMessageAt" END,
      "firstMessageAt" = COALESCE("firstMessageAt", ${at}),
      "orderId" = COALESCE("orderId", ${change.orderId}),
      "subject" = COALESCE("subject", ${change.subject}),
      "etsyUrl" = COALESCE("etsyUrl", ${change.etsyUrl}),
      "updatedAt" = ${now}${human}
    WHERE "id" = ${conversationId}`;
}

export interface MessageRow {
  shop: string;
  conversationId: number;
  direction: string;
  kind: string;
  channel: string;
  providerMessageId: string | null;
  inReplyTo: string | null;
  references: string;
  fromAddress: string | null;
  fromName: string | null;
  toAddress: string | null;
  subject: string | null;
  text: string;
  fullText: string | null;
  html: string | null;
  author: string | null;
  createdAt: Date;
}

/** Inserts one message (its columns as one bound JSON value); resolves its id. A second delivery meets the unique index. */
export async function insertMessage(tx: Tx, dialect: Dialect, row: MessageRow): Promise<number> {
  const values = [
    row.shop,
    row.conversationId,
    row.direction,
    row.kind,
    row.channel,
    row.providerMessageId,
    row.inReplyTo,
    row.references,
    row.fromAddress,
    row.fromName,
    row.toAddress,
    row.subject,
    row.text,
    row.fullText,
    row.html,
    row.author,
    jsonTimeText(dialect, row.createdAt),
  ];
  const rows = await tx.$queryRaw<{ id: number | bigint }[]>`
    INSERT INTO "Message" ("shop", "conversationId", "direction", "kind", "channel", "providerMessageId", "inReplyTo",
      "references", "fromAddress", "fromName", "toAddress", "subject", "text", "fullText", "html", "author", "createdAt")
    SELECT "j"."value" ->> 0, CAST("j"."value" ->> 1 AS INTEGER), "j"."value" ->> 2, "j"."value" ->> 3, "j"."value" ->> 4,
      "j"."value" ->> 5, "j"."value" ->> 6, "j"."value" ->> 7, "j"."value" ->> 8, "j"."value" ->> 9, "j"."value" ->> 10,
      "j"."value" ->> 11, "j"."value" ->> 12, "j"."value" ->> 13, "j"."value" ->> 14, "j"."value" ->> 15, ${jsonTime(dialect, 16)}
    FROM ${jsonRows(dialect, [values])}
    RETURNING "id"`;
  return Number(rows[0]!.id);
}

/** The message exactly as it arrived (a model create costs several times this for its bytes). */
export async function insertOriginal(
  tx: Tx,
  dialect: Dialect,
  row: { messageId: number; shop: string; data: Buffer },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "MessageOriginal" ("messageId", "shop", "data", "createdAt")
    VALUES (${row.messageId}, ${row.shop}, ${new Uint8Array(row.data)}, ${timeValue(dialect, new Date())})`;
}
