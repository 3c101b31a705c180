// queueNotice: the one way to ask for a notice. Claims the dedupe key by
// inserting the Notice row (unique per shop), renders the content in the
// customer's language, and records `queued`. Delivery is a separate job
// (enqueueNoticeDelivery), so a retried caller never sends twice.
import { greetingName } from "../customers/names.ts";
import { chunks } from "../database/chunks.ts";
import { isUniqueViolation } from "../database/errors.ts";
import { jsonRows, jsonSet, jsonTime, jsonTimeText, timeValue } from "../database/sql-json.server.ts";
import { dialectOf, type Db } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
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
import { orderPageUrlIfConfigured } from "../storefront/order-link.server.ts";

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
  let overrides = false;
  for (const key in input) {
    const value = input[key];
    if (value === null || value === undefined) continue;
    if (key.includes("@")) overrides = true;
    else out[key] = String(value);
  }
  if (overrides)
    for (const key in input) {
      const value = input[key];
      const [name, lang] = key.split("@");
      if (name && lang === locale && value !== null && value !== undefined) out[name] = String(value);
    }
  return out;
}

type Customer = NonNullable<Awaited<ReturnType<Db["customer"]["findUnique"]>>>;

interface Addressing {
  channel: NoticeChannel;
  recipient: string | null;
  name: string | null;
}

/** The channel, address and name of a notice: what the caller gave, else the customer's, else the order's. */
function addressing(
  input: QueueNoticeInput,
  owner: Customer | null,
  locale: NoticeLocale,
  order?: { email: string | null; phone: string | null } | null,
): Addressing {
  const email = input.email?.trim() || owner?.email || order?.email || null;
  const phone = input.phone?.trim() || owner?.phone || order?.phone || null;
  const wanted = input.channel ?? "auto";
  const channel: NoticeChannel = wanted === "auto" ? (email ? "email" : phone ? "sms" : "email") : wanted;
  // Names end up in headers: no line breaks, ever.
  const name =
    (input.name?.trim() || greetingName(owner?.firstName, owner?.lastName, locale))?.replace(
      /[\r\n\u2028\u2029\0]+/g,
      " ",
    ) || null;
  return { channel, recipient: channel === "email" ? email : phone, name };
}

/** A new notice's row (but shop, dedupe key and order): queued, or suppressed when it has no address. */
function noticeFields(
  input: QueueNoticeInput,
  owner: Customer | null,
  to: Addressing,
  locale: NoticeLocale,
  content: { subject: string | null; text: string; html: string | null },
  variables: string,
) {
  const statusReason = to.recipient ? null : to.channel === "email" ? "no_email_address" : "no_phone_number";
  return {
    kind: input.kind,
    customerId: owner?.id ?? input.customerId ?? null,
    channel: to.channel,
    locale,
    recipient: to.recipient,
    recipientName: to.name,
    status: (statusReason ? "suppressed" : "queued") as "suppressed" | "queued",
    statusReason,
    subject: content.subject,
    bodyText: content.text,
    bodyHtml: content.html,
    variables,
    sendAfter: input.sendAfter ?? null,
  };
}

/** An Etsy order's buyer is never e-mailed or texted by Kizuna (Etsy's rules): nothing is stored. */
const ETSY_BUYER: QueueNoticeResult = {
  status: "disabled",
  reason: "Etsy buyers are written to on Etsy, not by Kizuna",
};

/** What queueing answers for a shop that is not installed (uninstalled, or never): nothing is stored. */
const NOT_INSTALLED: QueueNoticeResult = { status: "disabled", reason: "the shop is not installed" };

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
  // An uninstalled shop sends nothing: no notice row is made (DESIGN.md, "Uninstalled shops").
  if (!shopRow || shopRow.uninstalledAt) return NOT_INSTALLED;
  if (order?.source === "etsy") return ETSY_BUYER;
  const owner =
    customer ??
    (order?.customerId ? await db.customer.findUnique({ where: { shop_id: { shop, id: order.customerId } } }) : null);
  const locale = pickLocale(input.locale, owner?.locale, order?.locale, shopRow?.locale);

  const { channel, recipient, name } = addressing(input, owner, locale, order);

  const values = stringVariables(input.variables ?? {}, locale);
  if (order) {
    values.orderName ??= order.name;
    if (order.statusUrl) values.orderStatusUrl ??= order.statusUrl;
    // Kizuna's own order page for the kinds that link it (a signed link: no login).
    const pageUrl = "orderPageUrl" in variablesOf(kind) ? orderPageUrlIfConfigured(shop, order.id) : null;
    if (pageUrl) values.orderPageUrl ??= pageUrl;
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
  const fields = noticeFields(input, owner, { channel, recipient, name }, locale, content, JSON.stringify(formatted));
  const suppressedReason = fields.statusReason;

  try {
    const notice = await db.$transaction(async (tx) => {
      const created = await tx.notice.create({
        data: { shop, dedupeKey, orderId: input.orderId ?? null, ...fields },
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

// ---- many notices at once ----

function validated(input: QueueNoticeInput): string {
  if (!isNoticeKind(input.kind)) throw new NoticeInputError(`Unknown notice kind "${String(input.kind)}".`);
  const dedupeKey = input.dedupeKey?.trim();
  if (!dedupeKey || dedupeKey.length > 255)
    throw new NoticeInputError("A notice needs a dedupe key of 1–255 characters.");
  return dedupeKey;
}

interface NewNotice {
  index: number;
  dedupeKey: string;
  /** The same object for notices with the same content: it is stored once per insert. */
  content: object;
  row: {
    kind: NoticeKind;
    customerId: string | null;
    channel: NoticeChannel;
    locale: NoticeLocale;
    recipient: string | null;
    recipientName: string | null;
    status: "queued" | "suppressed";
    statusReason: string | null;
    subject: string | null;
    bodyText: string;
    bodyHtml: string | null;
    variables: string;
    sendAfter: Date | null;
  };
}

/**
 * queueNotice for many notices (a back-in-stock wave): the same result for
 * each input as queueNotice would give, with a few queries for all of them —
 * the keys already taken, the shop and its settings once, the customers in one
 * query, each template once, and one INSERT … ON CONFLICT DO NOTHING for the
 * notices and one for their events. Identical inputs render once (a wave's
 * anonymous signups share every variable). An input about an order goes
 * through queueNotice (its line items and the order's customer).
 */
export async function queueNotices(db: Db, inputs: readonly QueueNoticeInput[]): Promise<QueueNoticeResult[]> {
  const keys = inputs.map(validated);
  const results: QueueNoticeResult[] = new Array(inputs.length);
  const byShop = new Map<string, number[]>();
  for (const [index, input] of inputs.entries()) {
    if (input.orderId) results[index] = await queueNotice(db, input);
    else byShop.set(input.shop, [...(byShop.get(input.shop) ?? []), index]);
  }
  for (const [shop, indexes] of byShop) await queueShopNotices(db, shop, inputs, keys, indexes, results);
  return results;
}

async function queueShopNotices(
  db: Db,
  shop: string,
  inputs: readonly QueueNoticeInput[],
  keys: readonly string[],
  indexes: readonly number[],
  results: QueueNoticeResult[],
): Promise<void> {
  const settings = await getShopSettings(db, shop);
  // A key already taken is a duplicate even when its kind is off now (as queueNotice
  // answers). Keys of kinds that are on are claimed by the insert itself (ON CONFLICT).
  const taken = new Map<string, number>();
  const dialect = dialectOf(db);
  const turnedOff = indexes.filter((index) => !settings.noticeKinds[inputs[index]!.kind]);
  for (const part of chunks([...new Set(turnedOff.map((index) => keys[index]!))]))
    for (const row of await db.$queryRaw<{ id: number | bigint; dedupeKey: string }[]>`
      SELECT "id", "dedupeKey" FROM "Notice" WHERE "shop" = ${shop} AND "dedupeKey" IN ${jsonSet(dialect, part, "text")}`)
      taken.set(row.dedupeKey, Number(row.id));
  const shopRow = await db.shop.findUnique({ where: { domain: shop } });
  if (!shopRow || shopRow.uninstalledAt) {
    for (const index of indexes) results[index] ??= NOT_INSTALLED;
    return;
  }
  const customerIds = [...new Set(indexes.flatMap((index) => inputs[index]!.customerId ?? []))];
  const customers = new Map<string, NonNullable<Awaited<ReturnType<Db["customer"]["findUnique"]>>>>();
  for (const part of chunks(customerIds))
    for (const row of await db.customer.findMany({ where: { shop, id: { in: part } } })) customers.set(row.id, row);

  const timeZone = safeTimeZone(shopRow?.timezone);
  const templates = new Map<string, ReturnType<typeof resolveTemplate>>();
  // Inputs with the same variables share their formatting and, per template, their
  // content: a wave's anonymous signups are rendered once per language.
  const shared = new Map<
    string,
    { formatted: Record<string, string>; variables: string; contents: Map<string, ReturnType<typeof renderContent>> }
  >();
  const fresh = new Map<string, NewNotice>();
  const repeats: number[] = [];
  for (const index of indexes) {
    const input = inputs[index]!;
    const dedupeKey = keys[index]!;
    const kind = input.kind;
    const existing = taken.get(dedupeKey);
    if (existing !== undefined) {
      results[index] = { status: "duplicate", noticeId: existing };
      continue;
    }
    if (!settings.noticeKinds[kind]) {
      results[index] = { status: "disabled", reason: `${KINDS[kind].label} notices are turned off` };
      continue;
    }
    if (fresh.has(dedupeKey)) {
      repeats.push(index);
      continue;
    }
    const owner = input.customerId ? (customers.get(input.customerId) ?? null) : null;
    const locale = pickLocale(input.locale, owner?.locale, null, shopRow?.locale);
    const { channel, recipient, name } = addressing(input, owner, locale);
    const values = stringVariables(input.variables ?? {}, locale);
    values.customerName ??= name ?? (locale === "ja" ? "お客" : "there");
    values.shopName ??= settings.senderName ?? shopRow?.name ?? shop.replace(/\.myshopify\.com$/, "");
    const valuesKey = JSON.stringify([kind, locale, values]);
    let same = shared.get(valuesKey);
    if (!same) {
      const formatted = formatVariables(values, variablesOf(kind), {
        locale,
        currency: shopRow?.currency ?? "JPY",
        timeZone,
      });
      same = { formatted, variables: JSON.stringify(formatted), contents: new Map() };
      shared.set(valuesKey, same);
    }
    const templateKey = `${kind}|${locale}|${channel}`;
    let template = templates.get(templateKey);
    if (!template) templates.set(templateKey, (template = resolveTemplate(db, shop, kind, locale, channel)));
    let content = same.contents.get(templateKey);
    if (!content)
      same.contents.set(templateKey, (content = renderContent(await template, kind, channel, same.formatted)));
    fresh.set(dedupeKey, {
      index,
      dedupeKey,
      content,
      row: noticeFields(input, owner, { channel, recipient, name }, locale, content, same.variables),
    });
  }

  const created = await insertNotices(db, shop, [...fresh.values()]);
  for (const notice of fresh.values()) {
    const id = created.get(notice.dedupeKey);
    if (id === undefined) continue; // taken meanwhile by another caller: a duplicate, below
    results[notice.index] =
      notice.row.status === "suppressed"
        ? { status: "suppressed", noticeId: id, reason: notice.row.statusReason! }
        : { status: "queued", noticeId: id };
  }
  const missing = indexes.filter((index) => results[index] === undefined);
  if (missing.length === 0) return;
  const winners = new Map<string, number>();
  for (const part of chunks([...new Set(missing.map((index) => keys[index]!))]))
    for (const row of await db.notice.findMany({
      where: { shop, dedupeKey: { in: part } },
      select: { id: true, dedupeKey: true },
    }))
      winners.set(row.dedupeKey, row.id);
  for (const index of [...missing, ...repeats.filter((index) => results[index] === undefined)])
    results[index] = { status: "duplicate", noticeId: winners.get(keys[index]!) ?? created.get(keys[index]!) ?? null };
}

/**
 * The notices and their first events in one transaction; the ids of the ones
 * inserted, by dedupe key. A wave's notices mostly share their content and
 * kind, channel, language, status and time ("shapes"): each shape travels
 * once, and a row carries only its own key, customer, address and shape, so
 * the JSON (which costs Prisma per byte) stays small. Content that several
 * notices share is stored once, in NoticeContent (a 100,000-subscriber wave
 * would otherwise write its bodies 100,000 times).
 */
async function insertNotices(db: Db, shop: string, notices: readonly NewNotice[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (notices.length === 0) return ids;
  const dialect = dialectOf(db);
  const at = timeValue(dialect, new Date());
  const sqlite = dialect === "sqlite";
  await db.$transaction(async (tx) => {
    for (const part of chunks(notices)) {
      const sharers = new Map<object, number>();
      for (const { content } of part) sharers.set(content, (sharers.get(content) ?? 0) + 1);
      const sharedIds = new Map<object, number>();
      for (const { content, row } of part) {
        if (sharers.get(content)! < 2 || sharedIds.has(content)) continue;
        const { subject, bodyText, bodyHtml, variables } = row;
        const stored = await tx.noticeContent.create({
          data: { shop, subject, bodyText, bodyHtml, variables },
          select: { id: true },
        });
        sharedIds.set(content, stored.id);
      }
      const shapes: (string | number | null)[][] = [];
      const shapeIndex = new Map<object, Map<string, number>>();
      const rows = part.map(({ dedupeKey, row, content }) => {
        const sendAfter = jsonTimeText(dialect, row.sendAfter);
        const key = JSON.stringify([row.kind, row.channel, row.locale, row.status, row.statusReason, sendAfter]);
        let ofContent = shapeIndex.get(content);
        if (!ofContent) shapeIndex.set(content, (ofContent = new Map()));
        let index = ofContent.get(key);
        if (index === undefined) {
          index = shapes.length;
          const contentId = sharedIds.get(content) ?? null;
          const inline = contentId === null;
          shapes.push([
            inline ? (row.subject ?? "") : "",
            inline ? row.bodyText : null,
            inline ? (row.bodyHtml ?? "") : "",
            inline ? row.variables : "{}",
            row.kind,
            row.channel,
            row.locale,
            row.status,
            row.statusReason,
            sendAfter,
            inline && row.subject !== null ? 0 : 1,
            inline && row.bodyHtml !== null ? 0 : 1,
            contentId,
          ]);
          ofContent.set(key, index);
        }
        return [dedupeKey, row.customerId, row.recipient, row.recipientName, index];
      });
      // "s": the shapes, numbered from 0 (SQLite's json_each key; PostgreSQL's ordinality from 1).
      const shapeRows = sqlite
        ? Prisma.sql`json_each(${JSON.stringify(shapes)}) AS "s"`
        : Prisma.sql`jsonb_array_elements(CAST(${JSON.stringify(shapes)} AS jsonb)) WITH ORDINALITY AS "s"("value", "n")`;
      const shapeKey = sqlite ? Prisma.sql`"s"."key"` : Prisma.sql`"s"."n" - 1`;
      const inserted = await tx.$queryRaw<{ id: number | bigint; dedupeKey: string }[]>`
        INSERT INTO "Notice" ("shop", "kind", "dedupeKey", "customerId", "channel", "locale", "recipient", "recipientName",
          "status", "statusReason", "subject", "bodyText", "bodyHtml", "variables", "contentId", "sendAfter", "createdAt", "updatedAt")
        SELECT ${shop}, "s"."value" ->> 4, "j"."value" ->> 0, "j"."value" ->> 1, "s"."value" ->> 5, "s"."value" ->> 6,
          "j"."value" ->> 2, "j"."value" ->> 3, "s"."value" ->> 7, "s"."value" ->> 8,
          CASE WHEN CAST("s"."value" ->> 10 AS INTEGER) = 1 THEN NULL ELSE "s"."value" ->> 0 END,
          "s"."value" ->> 1,
          CASE WHEN CAST("s"."value" ->> 11 AS INTEGER) = 1 THEN NULL ELSE "s"."value" ->> 2 END,
          "s"."value" ->> 3, CAST("s"."value" ->> 12 AS INTEGER), ${jsonTime(dialect, 9, "s")}, ${at}, ${at}
        FROM ${jsonRows(dialect, rows)} JOIN ${shapeRows} ON ${shapeKey} = CAST("j"."value" ->> 4 AS INTEGER)
        WHERE true
        ON CONFLICT ("shop", "dedupeKey") DO NOTHING
        RETURNING "id", "dedupeKey"`;
      for (const row of inserted) ids.set(row.dedupeKey, Number(row.id));
      if (sharedIds.size > 0 && inserted.length < part.length) {
        // Keys taken meanwhile (a retried wave): content no new notice points at goes again.
        const used = new Set(part.filter((notice) => ids.has(notice.dedupeKey)).map((notice) => notice.content));
        const unused = [...sharedIds].filter(([content]) => !used.has(content)).map(([, id]) => id);
        if (unused.length > 0) await tx.noticeContent.deleteMany({ where: { shop, id: { in: unused } } });
      }
      if (inserted.length === 0) continue;
      const rowOf = new Map(part.map((notice) => [notice.dedupeKey, notice.row]));
      await tx.$executeRaw`
        INSERT INTO "NoticeEvent" ("shop", "noticeId", "status", "reason", "at")
        SELECT ${shop}, CAST("j"."value" ->> 0 AS INTEGER), "j"."value" ->> 1, "j"."value" ->> 2, ${at}
        FROM ${jsonRows(
          dialect,
          inserted.map((row) => {
            const notice = rowOf.get(row.dedupeKey)!;
            return [Number(row.id), notice.status, notice.statusReason];
          }),
        )}`;
    }
  });
  return ids;
}
