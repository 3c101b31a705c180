// `npm run ops -- conversations <shop> [--json]`: the shop's conversations, latest first, with
// the contact, channel and status, and each message's direction and displayed text.
// `npm run ops -- inbox-address <shop>`: the shop's inbound address (made on first use).
import type { Db } from "../../app/db.server.ts";
import { inboxAddress } from "../../app/inbox/inbox-address.server.ts";
import { UnknownShopError } from "./returns.ts";

export interface ConversationMessageRow {
  at: string;
  direction: string;
  kind: string;
  status: string | null;
  text: string;
}

export interface ConversationRow {
  id: number;
  contact: string;
  channel: string;
  status: string;
  subject: string | null;
  orderId: string | null;
  exchanges: number;
  flagged: boolean;
  messages: ConversationMessageRow[];
}

async function requireShop(db: Db, shop: string): Promise<void> {
  const known =
    (await db.shop.findUnique({ where: { domain: shop }, select: { domain: true } })) ??
    (await db.conversation.findFirst({ where: { shop }, select: { id: true } }));
  if (!known) throw new UnknownShopError(`no shop "${shop}" (see 'shops')`);
}

export async function listShopConversations(db: Db, shop: string, limit = 200): Promise<ConversationRow[]> {
  await requireShop(db, shop);
  const conversations = await db.conversation.findMany({
    where: { shop },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  const contactIds = [...new Set(conversations.map((row) => row.contactId))];
  const [contacts, identities, messages] = await Promise.all([
    db.contact.findMany({ where: { shop, id: { in: contactIds } }, select: { id: true, name: true } }),
    db.contactIdentity.findMany({
      where: { shop, contactId: { in: contactIds } },
      orderBy: { id: "asc" },
      select: { contactId: true, kind: true, value: true },
    }),
    db.message.findMany({
      where: { shop, conversationId: { in: conversations.map((row) => row.id) } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { conversationId: true, direction: true, kind: true, status: true, text: true, createdAt: true },
    }),
  ]);
  const label = (contactId: number) => {
    const name = contacts.find((contact) => contact.id === contactId)?.name;
    const first = identities.find((identity) => identity.contactId === contactId);
    return [name, first ? `${first.kind}:${first.value}` : null].filter(Boolean).join(" ") || `#${contactId}`;
  };
  return conversations.map((row) => ({
    id: row.id,
    contact: label(row.contactId),
    channel: row.channel,
    status: row.status,
    subject: row.subject,
    orderId: row.orderId,
    exchanges: row.exchanges,
    flagged: row.flaggedAt !== null,
    messages: messages
      .filter((message) => message.conversationId === row.id)
      .map((message) => ({
        at: message.createdAt.toISOString(),
        direction: message.direction,
        kind: message.kind,
        status: message.status,
        text: message.text,
      })),
  }));
}

const ARROWS: Record<string, string> = { incoming: "<-", outgoing: "->", note: "##", system: "**" };

/** The conversations as text: one line per conversation, its messages indented below (one line each). */
export function conversationsText(rows: ConversationRow[]): string {
  return rows
    .map((row) => {
      const head = [
        `#${row.id}`,
        row.channel,
        row.status,
        row.contact,
        row.orderId ? `order ${row.orderId}` : null,
        row.subject ? `"${row.subject}"` : null,
        row.flagged ? "FLAGGED" : null,
      ]
        .filter(Boolean)
        .join("  ");
      const lines = row.messages.map((message) => {
        const kind = message.kind === "message" ? "" : ` [${message.kind}]`;
        const status = message.status ? ` (${message.status})` : "";
        const text = message.text.replace(/\s+/g, " ").trim();
        return `    ${ARROWS[message.direction] ?? "  "} ${message.direction}${kind}${status}: ${text.length > 200 ? `${text.slice(0, 199)}…` : text}`;
      });
      return [head, ...lines].join("\n");
    })
    .join("\n\n");
}

export async function shopInboxAddress(db: Db, shop: string, domain: string): Promise<string> {
  await requireShop(db, shop);
  return inboxAddress(db, shop, domain);
}
