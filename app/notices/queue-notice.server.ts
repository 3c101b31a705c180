// queueNotice: the one way to ask for a notice. Claims the dedupe key by
// inserting the Notice row (unique per shop), renders the content in the
// customer's language, and records `queued`. Delivery is a separate job
// (enqueueNoticeDelivery), so a retried caller never sends twice.
import type { Db } from "../db.server.ts";
import { getShopSettings } from "../settings/shop-settings.server.ts";
import { formatVariables } from "./format-values.ts";
import {
  KINDS,
  isNoticeKind,
  pickLocale,
  variablesOf,
  type NoticeChannel,
  type NoticeKind,
  type NoticeLocale,
} from "./kinds.ts";
import { renderContent, resolveTemplate } from "./render-notice.server.ts";
import { safeTimeZone } from "./shop-time.ts";

export type VariableValue = string | number | boolean | null | undefined;

export interface QueueNoticeInput {
  shop: string;
  kind: NoticeKind;
  /** Unique per shop, e.g. `delay:<order>:<reason>`. The same key twice never makes a second notice. */
  dedupeKey: string;
  customerId?: string | null;
  orderId?: string | null;
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  /** The customer's own choice (e.g. a signup's language); else customer, order, shop. */
  locale?: string | null;
  /**
   * Template variables (see kinds.ts). Dates as YYYY-MM-DD or ISO, money as decimal strings:
   * the engine formats them. `name@ja` / `name@en` overrides `name` for that language.
   * orderName and items are filled from the order when orderId is given.
   */
  variables: Record<string, VariableValue>;
  channel?: "email" | "sms" | "auto";
  /** Not before this time (e.g. a follow-up some days after delivery). */
  sendAfter?: Date | null;
}

export type QueueNoticeResult =
  | { status: "queued"; noticeId: number }
  | { status: "duplicate"; noticeId: number | null }
  | { status: "suppressed"; noticeId: number; reason: string }
  | { status: "disabled"; reason: string };

export class NoticeInputError extends Error {}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "P2002") return true;
  const text = error instanceof Error ? error.message : String(error);
  return /Unique constraint|UNIQUE constraint failed|duplicate key value/i.test(text);
}

function displayName(first: string | null | undefined, last: string | null | undefined, locale: NoticeLocale) {
  const parts = locale === "ja" ? [last, first] : [first];
  const name = parts
    .filter((part) => part && part.trim())
    .join(" ")
    .trim();
  return name || null;
}

function itemsText(items: { title: string; variantTitle: string | null; quantity: number }[], locale: NoticeLocale) {
  return items
    .map((item) => {
      const variant = item.variantTitle && item.variantTitle !== "Default Title" ? item.variantTitle : null;
      const title = variant
        ? locale === "ja"
          ? `${item.title}（${variant}）`
          : `${item.title} (${variant})`
        : item.title;
      return `${title} × ${item.quantity}`;
    })
    .join(locale === "ja" ? "、" : ", ");
}

function stringVariables(input: Record<string, VariableValue>, locale: NoticeLocale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined || key.includes("@")) continue;
    out[key] = String(value);
  }
  for (const [key, value] of Object.entries(input)) {
    const [name, lang] = key.split("@");
    if (name && lang === locale && value !== null && value !== undefined) out[name] = String(value);
  }
  return out;
}

export async function queueNotice(db: Db, input: QueueNoticeInput): Promise<QueueNoticeResult> {
  if (!isNoticeKind(input.kind)) throw new NoticeInputError(`Unknown notice kind "${String(input.kind)}".`);
  const dedupeKey = input.dedupeKey?.trim();
  if (!dedupeKey || dedupeKey.length > 255)
    throw new NoticeInputError("A notice needs a dedupe key of 1–255 characters.");
  const { shop, kind } = input;

  const existing = await db.notice.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey } }, select: { id: true } });
  if (existing) return { status: "duplicate", noticeId: existing.id };

  const settings = await getShopSettings(db, shop);
  if (!settings.noticeKinds[kind]) return { status: "disabled", reason: `${KINDS[kind].label} notices are turned off` };

  const [shopRow, customer, order] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop } }),
    input.customerId ? db.customer.findUnique({ where: { shop_id: { shop, id: input.customerId } } }) : null,
    input.orderId ? db.order.findUnique({ where: { shop_id: { shop, id: input.orderId } } }) : null,
  ]);
  const owner =
    customer ??
    (order?.customerId ? await db.customer.findUnique({ where: { shop_id: { shop, id: order.customerId } } }) : null);
  const locale = pickLocale(input.locale, owner?.locale, order?.locale, shopRow?.locale);

  const email = input.email?.trim() || owner?.email || order?.email || null;
  const phone = input.phone?.trim() || owner?.phone || order?.phone || null;
  const wanted = input.channel ?? "auto";
  const channel: NoticeChannel = wanted === "auto" ? (email ? "email" : phone ? "sms" : "email") : wanted;
  const recipient = channel === "email" ? email : phone;
  // Names end up in headers: no line breaks, ever.
  const name =
    (input.name?.trim() || displayName(owner?.firstName, owner?.lastName, locale))?.replace(
      /[\r\n\u2028\u2029\0]+/g,
      " ",
    ) || null;

  const values = stringVariables(input.variables ?? {}, locale);
  if (order) {
    values.orderName ??= order.name;
    if (values.items === undefined) {
      const items = await db.lineItem.findMany({ where: { shop, orderId: order.id }, orderBy: { id: "asc" } });
      if (items.length) values.items = itemsText(items, locale);
    }
  }
  values.customerName ??= name ?? (locale === "ja" ? "お客" : "there");
  values.shopName ??= settings.senderName ?? shopRow?.name ?? shop.replace(/\.myshopify\.com$/, "");

  const formatted = formatVariables(values, variablesOf(kind), {
    locale,
    currency: order?.currency ?? shopRow?.currency ?? "JPY",
    timeZone: safeTimeZone(shopRow?.timezone),
  });
  const content = renderContent(await resolveTemplate(db, shop, kind, locale, channel), kind, channel, formatted);
  const suppressedReason = recipient ? null : channel === "email" ? "no_email_address" : "no_phone_number";

  try {
    const notice = await db.$transaction(async (tx) => {
      const created = await tx.notice.create({
        data: {
          shop,
          kind,
          dedupeKey,
          customerId: owner?.id ?? input.customerId ?? null,
          orderId: input.orderId ?? null,
          channel,
          locale,
          recipient,
          recipientName: name,
          status: suppressedReason ? "suppressed" : "queued",
          statusReason: suppressedReason,
          subject: content.subject,
          bodyText: content.text,
          bodyHtml: content.html,
          variables: JSON.stringify(formatted),
          sendAfter: input.sendAfter ?? null,
        },
      });
      await tx.noticeEvent.create({
        data: { shop, noticeId: created.id, status: created.status, reason: suppressedReason },
      });
      return created;
    });
    return suppressedReason
      ? { status: "suppressed", noticeId: notice.id, reason: suppressedReason }
      : { status: "queued", noticeId: notice.id };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.notice.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey } }, select: { id: true } });
    return { status: "duplicate", noticeId: winner?.id ?? null };
  }
}
