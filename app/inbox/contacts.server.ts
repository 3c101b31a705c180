// Contacts: one person of one shop, known by every identity they have (ADR
// 0014). A message's identities find the contact; identities that turn out to
// belong to two contacts merge them (the older wins), in the caller's
// transaction. An email or phone of a mirrored Shopify customer adds the
// customer's id (and the customer's id its email and phone), so the customer's
// orders show beside the conversation whatever channel the message came by.
import type { Db } from "../db.server.ts";
import { inTransaction, type Tx } from "../mirror/write.server.ts";
import type { Identity, IdentityKind } from "./types.ts";
import { InboxError } from "./inbox-error.server.ts";

const KINDS: ReadonlySet<IdentityKind> = new Set(["email", "phone", "shopify_customer", "etsy_buyer"]);

/** The stored form of an identity: email lower-cased, phone without spaces, every value trimmed; null when empty or unknown. */
export function normalizeIdentity(identity: Identity): Identity | null {
  if (!KINDS.has(identity.kind)) return null;
  let value = identity.value.trim();
  if (identity.kind === "email") value = value.toLowerCase();
  if (identity.kind === "phone") value = value.replace(/[\s\-().]/g, "");
  if (!value || value.length > 320) return null;
  return { kind: identity.kind, value };
}

/** Each identity once, in its stored form (normalizeIdentity); empty and unknown ones dropped. */
export function normalizedIdentities(identities: readonly Identity[]): Identity[] {
  return uniqueIdentities(identities);
}

function uniqueIdentities(identities: readonly Identity[]): Identity[] {
  const seen = new Map<string, Identity>();
  for (const identity of identities) {
    const normal = normalizeIdentity(identity);
    if (normal) seen.set(`${normal.kind}\u0000${normal.value}`, normal);
  }
  return [...seen.values()];
}

/**
 * The identities plus what the mirror knows of them: an email or phone of a
 * Shopify customer adds its customer id; a customer id adds its email and phone.
 * Redacted customers add nothing.
 */
async function withShopifyCustomers(tx: Tx, shop: string, identities: Identity[]): Promise<Identity[]> {
  const emails = identities.filter((i) => i.kind === "email").map((i) => i.value);
  const phones = identities.filter((i) => i.kind === "phone").map((i) => i.value);
  const ids = identities.filter((i) => i.kind === "shopify_customer").map((i) => i.value);
  if (emails.length + phones.length + ids.length === 0) return identities;
  const customers = await tx.customer.findMany({
    where: {
      shop,
      redactedAt: null,
      OR: [
        ...(emails.length ? [{ email: { in: emails } }] : []),
        ...(phones.length ? [{ phone: { in: phones } }] : []),
        ...(ids.length ? [{ id: { in: ids } }] : []),
      ],
    },
    select: { id: true, email: true, phone: true },
    take: 20,
  });
  const more: Identity[] = [];
  for (const customer of customers) {
    more.push({ kind: "shopify_customer", value: customer.id });
    if (customer.email) more.push({ kind: "email", value: customer.email });
    if (customer.phone) more.push({ kind: "phone", value: customer.phone });
  }
  return uniqueIdentities([...identities, ...more]);
}

/** The contact a merged one now lives in (mergedInto followed to the end). */
export async function currentContactId(tx: Tx | Db, shop: string, contactId: number): Promise<number> {
  let id = contactId;
  for (let hops = 0; hops < 10; hops++) {
    const contact = await tx.contact.findFirst({ where: { shop, id }, select: { mergedInto: true } });
    if (!contact?.mergedInto) return id;
    id = contact.mergedInto;
  }
  return id;
}

/** Moves everything of `loserId` to `winnerId` (inside `tx`): identities, conversations, surveys; loser.mergedInto set. */
async function mergeInto(tx: Tx, shop: string, winnerId: number, loserId: number): Promise<void> {
  const [winner, loser] = await Promise.all([
    tx.contact.findFirst({ where: { shop, id: winnerId } }),
    tx.contact.findFirst({ where: { shop, id: loserId } }),
  ]);
  if (!winner || !loser) throw new InboxError("not_found");
  await tx.contactIdentity.updateMany({ where: { shop, contactId: loserId }, data: { contactId: winnerId } });
  await tx.conversation.updateMany({ where: { shop, contactId: loserId }, data: { contactId: winnerId } });
  await tx.satisfactionSurvey.updateMany({ where: { shop, contactId: loserId }, data: { contactId: winnerId } });
  // Contacts merged into the loser earlier now point at the winner: one hop for old links.
  await tx.contact.updateMany({ where: { shop, mergedInto: loserId }, data: { mergedInto: winnerId } });
  await tx.contact.update({ where: { id: loserId }, data: { mergedInto: winnerId } });
  if ((!winner.name && loser.name) || (!winner.locale && loser.locale))
    await tx.contact.update({
      where: { id: winnerId },
      data: { name: winner.name ?? loser.name, locale: winner.locale ?? loser.locale },
    });
}

export interface ContactInput {
  identities: readonly Identity[];
  name?: string | null;
  locale?: string | null;
}

export interface ResolvedContact {
  id: number;
  name: string | null;
  /** The identities' values this message brought or the contact already had among them (for the search text). */
  values: string[];
}

/**
 * The contact these identities belong to, made when none does; identities it
 * lacks are added, and contacts they join are merged (oldest wins). Inside
 * the caller's transaction: a concurrent insert of the same identity ends in
 * a unique violation, and `inTransaction` runs the whole thing again.
 * Identities always point at a live contact (a merge moves them), so no
 * mergedInto is followed here.
 */
export async function resolveContact(tx: Tx, shop: string, input: ContactInput): Promise<ResolvedContact> {
  const given = uniqueIdentities(input.identities);
  const name = input.name?.trim().slice(0, 200) || null;
  const locale = input.locale?.trim().slice(0, 20) || null;
  const key = (identity: { kind: string; value: string }) => `${identity.kind}\u0000${identity.value}`;
  const matching = (wanted: Identity[]) =>
    wanted.length === 0
      ? Promise.resolve([] as { contactId: number; kind: string; value: string }[])
      : tx.contactIdentity.findMany({
          where: { shop, OR: wanted.map((identity) => ({ kind: identity.kind, value: identity.value })) },
          select: { contactId: true, kind: true, value: true },
        });
  // What the mirror knows of them first (one read), so a Shopify customer's contact is found by any of its addresses.
  const identities = await withShopifyCustomers(tx, shop, given);
  const known = await matching(identities);
  const ids = [...new Set(known.map((row) => row.contactId))];
  let contactId: number;
  let contactName = name;
  if (ids.length === 0) {
    contactId = (await tx.contact.create({ data: { shop, name, locale }, select: { id: true } })).id;
  } else {
    const contacts = await tx.contact.findMany({
      where: { shop, id: { in: ids } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const winner = contacts[0]!;
    contactId = winner.id;
    contactName = winner.name ?? name;
    for (const loser of contacts.slice(1)) await mergeInto(tx, shop, winner.id, loser.id);
    if ((!winner.name && name) || (!winner.locale && locale))
      await tx.contact.update({
        where: { id: winner.id },
        data: { name: winner.name ?? name, locale: winner.locale ?? locale },
      });
  }
  const have = new Set(known.map(key));
  const missing = identities.filter((identity) => !have.has(key(identity)));
  if (missing.length > 0)
    await tx.contactIdentity.createMany({
      data: missing.map((identity) => ({ shop, contactId, kind: identity.kind, value: identity.value })),
    });
  return {
    id: contactId,
    name: contactName,
    values: identities.filter((identity) => identity.kind === "email" || identity.kind === "phone").map((i) => i.value),
  };
}

/** resolveContact's id. */
export async function findOrMakeContact(tx: Tx, shop: string, input: ContactInput): Promise<number> {
  return (await resolveContact(tx, shop, input)).id;
}

/** The contact of these identities if there is one; nothing is made or changed. */
export async function findContact(db: Tx | Db, shop: string, identities: readonly Identity[]): Promise<number | null> {
  const unique = uniqueIdentities(identities);
  if (unique.length === 0) return null;
  const row = await db.contactIdentity.findFirst({
    where: { shop, OR: unique.map((identity) => ({ kind: identity.kind, value: identity.value })) },
    orderBy: { id: "asc" },
    select: { contactId: true },
  });
  return row?.contactId ?? null;
}

/** Staff merge two contacts of the shop by hand: the loser's identities and conversations move to the winner. */
export async function mergeContacts(db: Db, shop: string, winnerId: number, loserId: number): Promise<void> {
  if (!Number.isInteger(winnerId) || !Number.isInteger(loserId) || winnerId === loserId)
    throw new InboxError("invalid", "choose two different contacts");
  await inTransaction(db, async (tx) => {
    const [winner, loser] = await Promise.all([
      tx.contact.findFirst({ where: { shop, id: winnerId }, select: { mergedInto: true } }),
      tx.contact.findFirst({ where: { shop, id: loserId }, select: { mergedInto: true } }),
    ]);
    if (!winner || !loser) throw new InboxError("not_found");
    if (winner.mergedInto || loser.mergedInto) throw new InboxError("invalid", "that contact was already merged");
    await mergeInto(tx, shop, winnerId, loserId);
    await refreshContactSearch(tx, shop, winnerId);
  });
}

/** Adds identities to a contact (e.g. a Shopify customer found later); contacts they join are merged into it. */
export async function addIdentities(tx: Tx, shop: string, contactId: number, identities: readonly Identity[]) {
  const merged = await findOrMakeContact(tx, shop, { identities });
  if (merged !== contactId) {
    const [a, b] = await tx.contact.findMany({
      where: { shop, id: { in: [merged, contactId] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    if (a && b) await mergeInto(tx, shop, a.id, b.id);
  }
}

/** What the inbox search looks in for a contact's conversations: folded name, addresses, subject, order name. */
export async function refreshContactSearch(tx: Tx, shop: string, contactId: number): Promise<void> {
  const conversations = await tx.conversation.findMany({
    where: { shop, contactId },
    select: { id: true },
  });
  for (const conversation of conversations) await refreshConversationSearch(tx, shop, conversation.id);
}

/** The search text of a conversation from what is known of it (the contact's name and addresses, subject, order name). */
export function conversationSearchText(parts: readonly (string | null | undefined)[]): string | null {
  const text = fold(parts.filter((part): part is string => Boolean(part)).join(" ")).slice(0, 2000);
  return text || null;
}

function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

export async function refreshConversationSearch(tx: Tx, shop: string, conversationId: number): Promise<void> {
  const conversation = await tx.conversation.findFirst({
    where: { shop, id: conversationId },
    select: { contactId: true, subject: true, orderId: true },
  });
  if (!conversation) return;
  const [contact, identities, order] = await Promise.all([
    tx.contact.findFirst({ where: { shop, id: conversation.contactId }, select: { name: true } }),
    tx.contactIdentity.findMany({
      where: { shop, contactId: conversation.contactId, kind: { in: ["email", "phone"] } },
      select: { value: true },
      take: 20,
    }),
    conversation.orderId
      ? tx.order.findUnique({ where: { shop_id: { shop, id: conversation.orderId } }, select: { name: true } })
      : null,
  ]);
  const parts = [
    contact?.name,
    ...identities.map((identity) => identity.value),
    conversation.subject,
    order?.name,
    order?.name?.replace(/^#/, ""),
  ].filter((part): part is string => Boolean(part));
  await tx.conversation.update({
    where: { id: conversationId },
    data: { searchText: fold(parts.join(" ")).slice(0, 2000) || null },
  });
}

export { fold as foldForInboxSearch };
