// Kizuna never e-mails an Etsy buyer (Etsy's rules: buyers are written to on
// Etsy). A delay case on an Etsy receipt therefore becomes a prepared Etsy
// message in the order's conversation ("to send on Etsy"), with the delay
// notice's own text in the buyer's language, for the seller to send on Etsy.
// Called by the delay notifier (app/delays/notify.server.ts) instead of the
// notice engine; the notice engine itself refuses Etsy orders.
import type { Db } from "../db.server.ts";
import type { DelayNotifyResult } from "../delays/notify.server.ts";
import type { DelayCaseRow } from "../delays/sync-cases.server.ts";
import { prepareEtsyMessage } from "../inbox/channels/etsy.server.ts";
import type { Identity } from "../inbox/types.ts";
import { formatVariables } from "../notices/format-values.ts";
import { pickLocale, variablesOf, type NoticeLocale } from "../notices/kinds.ts";
import { renderContent, resolveTemplate } from "../notices/render-notice.server.ts";
import { safeTimeZone } from "../notices/shop-time.ts";
import { getShopSettings } from "../settings/shop-settings.server.ts";

type Value = string | number | boolean | null | undefined;

/** `name@ja` / `name@en` override `name` in that language (as the notice engine reads them). */
function valuesIn(variables: Record<string, Value>, locale: NoticeLocale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (value === null || value === undefined || key.includes("@")) continue;
    out[key] = String(value);
  }
  for (const [key, value] of Object.entries(variables)) {
    const [name, lang] = key.split("@");
    if (name && lang === locale && value !== null && value !== undefined) out[name] = String(value);
  }
  return out;
}

// The default templates end by inviting a reply by e-mail; on Etsy the buyer replies to the message.
const EMAIL_REPLY_LINES: [string, string][] = [
  ["If you have a question, just reply to this email.", "If you have a question, just reply to this message."],
  [
    "ご不明な点がございましたら、このメールにそのままご返信ください。",
    "ご不明な点がございましたら、このメッセージにご返信ください。",
  ],
];

function forEtsy(text: string): string {
  return EMAIL_REPLY_LINES.reduce((result, [mail, etsy]) => result.replaceAll(mail, etsy), text);
}

function recipientName(shippingAddress: string | null): string | null {
  if (!shippingAddress) return null;
  try {
    const address = JSON.parse(shippingAddress) as { name?: unknown };
    return typeof address.name === "string" && address.name.trim() ? address.name.trim() : null;
  } catch {
    return null;
  }
}

/**
 * Prepares the delay (or delay-resolved) text for an Etsy order's buyer.
 * `told: false` when the seller turned that notice off (nothing is prepared).
 */
export async function prepareEtsyDelayMessage(
  db: Db,
  caseRow: DelayCaseRow,
  kind: "delay" | "delay_resolved",
  variables: Record<string, Value>,
  key: string,
): Promise<DelayNotifyResult> {
  const { shop } = caseRow;
  const [settings, shopRow, order, items] = await Promise.all([
    getShopSettings(db, shop),
    db.shop.findUnique({
      where: { domain: shop },
      select: { name: true, locale: true, currency: true, timezone: true },
    }),
    db.order.findUnique({ where: { shop_id: { shop, id: caseRow.orderId } } }),
    db.lineItem.findMany({ where: { shop, orderId: caseRow.orderId }, orderBy: { id: "asc" } }),
  ]);
  if (!order || !settings.noticeKinds[kind]) return { told: false };
  const locale = pickLocale(order.locale, shopRow?.locale);
  const name = recipientName(order.shippingAddress);
  const values = valuesIn(variables, locale);
  values.orderName ??= order.name;
  if (items.length)
    values.items ??= items.map((item) => `${item.title} × ${item.quantity}`).join(locale === "ja" ? "、" : ", ");
  values.customerName ??= name ?? (locale === "ja" ? "お客" : "there");
  values.shopName ??= settings.senderName ?? shopRow?.name ?? shop.replace(/\.myshopify\.com$/, "");
  const formatted = formatVariables(values, variablesOf(kind), {
    locale,
    currency: order.currency,
    timeZone: safeTimeZone(shopRow?.timezone),
  });
  // The e-mail template's text body: the words the seller chose for this notice.
  const content = renderContent(await resolveTemplate(db, shop, kind, locale, "email"), kind, "email", formatted);
  const identities: Identity[] = order.email ? [{ kind: "email", value: order.email.toLowerCase() }] : [];
  await prepareEtsyMessage(db, shop, {
    orderId: order.id,
    identities,
    contactName: name,
    locale,
    text: forEtsy(content.text),
    key,
  });
  return { told: true, noticeId: null, preparedOnEtsy: true };
}
