// The seller's saved replies, per language, and the values their variables
// take in one conversation: {{name}} (the customer's name as the reply greets
// them), {{order}} (the order's number), {{tracking_link}} (the parcel's
// tracking page) and {{order_page}} (the customer's signed order page).
// Also the inbox's own settings the seller edits beside them: the tone check's
// phrase lists and the follow-up delay. Every query is scoped to the shop.
import type { Db } from "../db.server.ts";
import { trackingVariables } from "../notices/order-updates.server.ts";
import { orderPageUrlIfConfigured } from "../storefront/order-link.server.ts";
import { inboxSettings } from "./inbox-address.server.ts";
import { tonePhrasesOf, type TonePhrases } from "./tone-check.ts";

export const REPLY_LOCALES = ["ja", "en"] as const;
export type ReplyLocale = (typeof REPLY_LOCALES)[number];
export const REPLY_VARIABLES = ["name", "order", "tracking_link", "order_page"] as const;
export type ReplyVariable = (typeof REPLY_VARIABLES)[number];
export const SAVED_REPLY_TITLE_MAX = 100;
export const SAVED_REPLY_BODY_MAX = 5_000;
/** Enough for every situation a small shop writes down; the list is one query. */
export const SAVED_REPLIES_MAX = 200;

export interface SavedReplyView {
  id: number;
  locale: ReplyLocale;
  title: string;
  body: string;
}

const asLocale = (value: string): ReplyLocale => (value === "ja" ? "ja" : "en");

export async function listSavedReplies(db: Db, shop: string): Promise<SavedReplyView[]> {
  const rows = await db.savedReply.findMany({
    where: { shop },
    orderBy: [{ locale: "asc" }, { title: "asc" }, { id: "asc" }],
    take: SAVED_REPLIES_MAX,
  });
  return rows.map((row) => ({ id: row.id, locale: asLocale(row.locale), title: row.title, body: row.body }));
}

export type SavedReplyResult = { ok: true; id: number } | { ok: false; status: 404 | 409 };

export async function saveReply(
  db: Db,
  shop: string,
  input: { id?: number | null; locale: ReplyLocale; title: string; body: string },
): Promise<SavedReplyResult> {
  const data = { locale: input.locale, title: input.title, body: input.body };
  if (input.id) {
    const changed = await db.savedReply.updateMany({ where: { shop, id: input.id }, data });
    return changed.count === 1 ? { ok: true, id: input.id } : { ok: false, status: 404 };
  }
  if ((await db.savedReply.count({ where: { shop } })) >= SAVED_REPLIES_MAX) return { ok: false, status: 409 };
  const row = await db.savedReply.create({ data: { shop, ...data } });
  return { ok: true, id: row.id };
}

export async function deleteSavedReply(db: Db, shop: string, id: number): Promise<boolean> {
  return (await db.savedReply.deleteMany({ where: { shop, id } })).count === 1;
}

/** A saved reply's body with its variables filled; a variable with no value is left empty. */
export function fillReply(body: string, values: Partial<Record<ReplyVariable, string | null>>): string {
  return body.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) =>
    (REPLY_VARIABLES as readonly string[]).includes(name) ? (values[name as ReplyVariable] ?? "") : whole,
  );
}

/** The variables' values for a conversation with `contactName`, about `orderId` (or none). */
export async function replyValues(
  db: Db,
  shop: string,
  contactName: string | null,
  orderId: string | null,
): Promise<Record<ReplyVariable, string | null>> {
  const values: Record<ReplyVariable, string | null> = {
    name: contactName,
    order: null,
    tracking_link: null,
    order_page: null,
  };
  if (!orderId) return values;
  const [order, parcel] = await Promise.all([
    db.order.findUnique({ where: { shop_id: { shop, id: orderId } }, select: { name: true, source: true } }),
    db.fulfillment.findFirst({
      where: { shop, orderId },
      orderBy: { shopifyCreatedAt: "desc" },
      select: { trackingCompany: true, trackingNumbers: true, trackingUrls: true },
    }),
  ]);
  if (!order) return values;
  values.order = order.name;
  const tracking = trackingVariables(parcel)?.trackingUrl ?? null;
  values.tracking_link = tracking && /^https?:\/\//i.test(tracking) ? tracking : null;
  // The signed order page is the Shopify storefront's: an Etsy receipt has none.
  values.order_page = order.source === "etsy" ? null : orderPageUrlIfConfigured(shop, orderId);
  return values;
}

// ---- the inbox's settings ----

export interface InboxSettingsView {
  inboundKey: string;
  tonePhrases: TonePhrases;
  /** Whether the lists are the seller's own (else the built-in ones). */
  ownPhrases: boolean;
  followUpDays: number;
}

/** The shop's inbox settings as the pages show them (the row is made on first use). */
export async function inboxSettingsView(db: Db, shop: string): Promise<InboxSettingsView> {
  const row = await inboxSettings(db, shop);
  return {
    inboundKey: row.inboundKey,
    tonePhrases: tonePhrasesOf(row.tonePhrases),
    ownPhrases: row.tonePhrases !== null,
    followUpDays: row.followUpDays,
  };
}

export async function saveInboxSettings(
  db: Db,
  shop: string,
  input: { tonePhrases?: TonePhrases | null; followUpDays?: number },
): Promise<void> {
  await inboxSettings(db, shop);
  await db.inboxSettings.update({
    where: { shop },
    data: {
      ...(input.tonePhrases !== undefined
        ? { tonePhrases: input.tonePhrases === null ? null : JSON.stringify(input.tonePhrases) }
        : {}),
      ...(input.followUpDays !== undefined ? { followUpDays: input.followUpDays } : {}),
    },
  });
}
