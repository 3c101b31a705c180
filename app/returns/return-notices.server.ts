// Telling the customer about each step of a return, a refund or a cancellation
// (issue 12, item 6): one notice per step, in the customer's language, each
// linking to their order page. Called right after Kizuna recorded the step; it
// never throws, so a notice problem cannot undo the seller's step (a failed
// notice shows in the Notices log). The engine's dedupe key makes every step
// one notice however often it is called:
//   return:<return id>:<step>                  a return's step (a later, separate
//                                              processing adds :<money action id>)
//   refund:<order id>:<refund id | action id>  a refund without a return
//   order:<order id>:cancelled                 an order cancellation
import { parseJsonText } from "../database/json-text.ts";
import type { Db } from "../db.server.ts";
import { trackingVariables } from "../notices/order-updates.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { formatNoticeMoney } from "../notices/format-values.ts";
import type { NoticeKind } from "../notices/kinds.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { queueNotice, type VariableValue } from "../notices/queue-notice.server.ts";
import { orderPageUrl } from "../storefront/order-link.server.ts";

export type ReturnStep =
  "requested" | "approved" | "declined" | "label" | "refunded" | "store_credit" | "exchange_shipped" | "cancelled";

export interface ReturnNoticeExtra {
  orderId?: string | null;
  amount?: string | null;
  currency?: string | null;
}

export const STEP_KINDS: Record<ReturnStep, NoticeKind> = {
  requested: "return_requested",
  approved: "return_approved",
  declined: "return_declined",
  label: "return_label",
  refunded: "refund_issued",
  store_credit: "store_credit_issued",
  exchange_shipped: "exchange_shipped",
  cancelled: "order_cancelled",
};

type Variables = Record<string, VariableValue>;
type Words = { en: string; ja: string };

/** `name` in English and `name@ja` in Japanese (the engine picks the customer's). */
function both(name: string, words: Words | null | undefined): Variables {
  return words ? { [name]: words.en, [`${name}@ja`]: words.ja } : {};
}

/** Shopify's decline reasons as a sentence the customer reads. */
export function declineReasonWords(reason: string | null, hasNote: boolean): Words | null {
  switch (reason) {
    case "FINAL_SALE":
      return {
        en: "The item is final sale and cannot be returned.",
        ja: "返品不可（セール品など）の商品のため、返品をお受けできません。",
      };
    case "RETURN_PERIOD_ENDED":
      return {
        en: "The return period for this order has ended.",
        ja: "返品受付期間を過ぎているため、返品をお受けできません。",
      };
    case "OTHER":
      return hasNote
        ? { en: "Please see the note from us below.", ja: "下記のショップからのメッセージをご確認ください。" }
        : {
            en: "If you would like to know more, please reply to this email.",
            ja: "詳しくは、このメールにご返信のうえお問い合わせください。",
          };
    default:
      return null;
  }
}

const REFUND_METHOD: Record<"original" | "store_credit", Words> = {
  original: { en: "to your original payment method", ja: "ご購入時のお支払い方法へ" },
  store_credit: { en: "as store credit", ja: "ストアクレジットとして" },
};

const CHOICE: Record<string, Words> = {
  refund: { en: "a refund to your original payment method", ja: "ご購入時のお支払い方法への返金" },
  store_credit: { en: "store credit", ja: "ストアクレジット" },
  exchange: { en: "an exchange", ja: "商品の交換" },
  keep_item: {
    en: "a refund without sending the items back (you can keep them)",
    ja: "返金（商品のご返送は不要です）",
  },
};

const NEXT_STEP: Record<"approve" | "review", Words> = {
  approve: {
    en: "It meets our return policy, so it is approved right away: the details follow in a separate email.",
    ja: "返品ポリシーの条件を満たしているため、すぐに承認されます。詳細は別のメールでお送りします。",
  },
  review: {
    en: "We will review your request and write to you again soon.",
    ja: "内容を確認のうえ、あらためてご連絡いたします。",
  },
};

const INSTRUCTIONS = {
  keep: {
    en: "You don't need to send anything back: please keep the items.",
    ja: "商品をご返送いただく必要はございません。そのままお手元でお使いください。",
  },
  label: {
    en: "Please pack the items securely, attach the return label and hand the parcel to the carrier.",
    ja: "商品をしっかりと梱包し、返送ラベルを貼って配送業者にお渡しください。",
  },
  tracking: {
    en: "Please pack the items securely and send them back with the tracking number below.",
    ja: "商品をしっかりと梱包し、下記のお問い合わせ番号でご返送ください。",
  },
  later: {
    en: "We'll send you the return label and how to send the items back in a separate email.",
    ja: "返送ラベルとご返送の方法は、追ってご連絡いたします。",
  },
} satisfies Record<string, Words>;

interface Delivery {
  labelUrl?: string | null;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  carrier?: string | null;
}

/** The latest delivery with a label or tracking (the way back). */
function latestDelivery(text: string | null): Delivery | null {
  const list = parseJsonText<unknown>(text, []);
  if (!Array.isArray(list)) return null;
  const usable = (list as Delivery[]).filter((d) => d && (d.labelUrl || d.trackingNumber || d.trackingUrl));
  return usable[usable.length - 1] ?? null;
}

function itemTitle(title: string, variant: string | null, locale: "en" | "ja"): string {
  const named = variant && variant !== "Default Title" ? variant : null;
  if (!named) return title;
  return locale === "ja" ? `${title}（${named}）` : `${title} (${named})`;
}

/** The return's own items (not the whole order's), in both languages; null when unknown. */
async function returnItems(db: Db, shop: string, lineItemsJson: string): Promise<Words | null> {
  const lines = parseJsonText<unknown>(lineItemsJson, []);
  if (!Array.isArray(lines) || lines.length === 0) return null;
  const wanted = (lines as { line_item_id?: string | null; quantity?: number }[]).filter(
    (line) => typeof line?.line_item_id === "string" && typeof line.quantity === "number" && line.quantity > 0,
  );
  if (wanted.length === 0) return null;
  const rows = await db.lineItem.findMany({
    where: { shop, id: { in: wanted.map((line) => line.line_item_id!) } },
    select: { id: true, title: true, variantTitle: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const parts = wanted.flatMap((line) => {
    const row = byId.get(line.line_item_id!);
    return row ? [{ row, quantity: line.quantity! }] : [];
  });
  if (parts.length === 0) return null;
  const text = (locale: "en" | "ja") =>
    parts
      .map(({ row, quantity }) => `${itemTitle(row.title, row.variantTitle, locale)} × ${quantity}`)
      .join(locale === "ja" ? "、" : ", ");
  return { en: text("en"), ja: text("ja") };
}

/**
 * The amount as the engine formats it: a decimal string when it is in the
 * order's currency (the engine formats that), else already formatted in both
 * languages with its own currency.
 */
function amountVariables(
  amount: string | null | undefined,
  currency: string | null | undefined,
  orderCurrency: string,
) {
  if (!amount) return {};
  if (!currency || currency === orderCurrency) return { amount };
  return {
    amount: formatNoticeMoney(amount, currency, "en"),
    "amount@ja": formatNoticeMoney(amount, currency, "ja"),
  };
}

interface Prepared {
  kind: NoticeKind;
  dedupeKey: string;
  orderId: string;
  locale: string | null;
  variables: Variables;
}

type ReturnRow = NonNullable<Awaited<ReturnType<Db["return"]["findUnique"]>>>;

/** A return's processing that moved money, the latest: its id names a later, separate processing. */
async function processingActions(db: Db, shop: string, returnId: string) {
  return db.moneyAction.findMany({
    where: { shop, returnId, kind: "return_process", state: "succeeded" },
    orderBy: { id: "asc" },
    select: { id: true, amount: true, currency: true, method: true },
  });
}

async function prepareReturnStep(
  db: Db,
  shop: string,
  ret: ReturnRow,
  orderId: string,
  step: ReturnStep,
  extra: ReturnNoticeExtra,
  orderCurrency: string,
): Promise<Prepared | null> {
  const kind = STEP_KINDS[step];
  const variables: Variables = { returnName: ret.name ?? null };
  const items = await returnItems(db, shop, ret.lineItems);
  Object.assign(variables, both("items", items));
  let dedupeKey = `return:${ret.id}:${step}`;
  const verdict = parseJsonText<{ decision?: string; noShipment?: boolean } | null>(ret.verdict, null);
  const keep = ret.resolution === "keep_item" || verdict?.noShipment === true;
  const delivery = latestDelivery(ret.reverseDeliveries);

  switch (step) {
    case "requested":
      Object.assign(variables, both("returnChoice", ret.resolution ? CHOICE[ret.resolution] : null));
      Object.assign(variables, both("nextStep", NEXT_STEP[verdict?.decision === "approve" ? "approve" : "review"]));
      break;
    case "approved":
      Object.assign(
        variables,
        both("instructions", keep ? INSTRUCTIONS.keep : delivery?.labelUrl ? INSTRUCTIONS.label : INSTRUCTIONS.later),
      );
      if (!keep && delivery) {
        variables.labelUrl = delivery.labelUrl ?? null;
        variables.trackingNumber = delivery.trackingNumber ?? null;
        variables.trackingUrl = delivery.trackingUrl ?? null;
      }
      break;
    case "declined": {
      const note = ret.declineNote?.trim() || null;
      Object.assign(variables, both("declineReason", declineReasonWords(ret.declineReason, note !== null)));
      variables.declineNote = note;
      break;
    }
    case "label":
      Object.assign(
        variables,
        both("instructions", delivery?.labelUrl ? INSTRUCTIONS.label : delivery ? INSTRUCTIONS.tracking : null),
      );
      variables.labelUrl = delivery?.labelUrl ?? null;
      variables.carrier = delivery?.carrier ?? null;
      variables.trackingNumber = delivery?.trackingNumber ?? null;
      variables.trackingUrl = delivery?.trackingUrl ?? null;
      break;
    case "refunded":
    case "store_credit": {
      const actions = await processingActions(db, shop, ret.id);
      const latest = actions[actions.length - 1];
      // The first processing is the return's refund; a later, separate one (more items received) is its own notice.
      if (latest && actions.length > 1) dedupeKey += `:${latest.id}`;
      Object.assign(
        variables,
        amountVariables(
          extra.amount ?? latest?.amount,
          extra.amount ? extra.currency : latest?.currency,
          orderCurrency,
        ),
      );
      Object.assign(
        variables,
        both("refundMethod", REFUND_METHOD[step === "store_credit" ? "store_credit" : "original"]),
      );
      break;
    }
    case "exchange_shipped": {
      // The newest parcel of the order is the exchange on its way.
      const parcel = await db.fulfillment.findFirst({
        where: { shop, orderId },
        orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }],
        select: { trackingCompany: true, trackingNumbers: true, trackingUrls: true },
      });
      Object.assign(variables, trackingVariables(parcel));
      break;
    }
    case "cancelled":
      // A return's cancellation (e.g. an exchange made in its place, ADR 0013) is not the order's: nothing to tell.
      return null;
  }
  return { kind, dedupeKey, orderId, locale: ret.locale, variables };
}

/** A refund without a return: named by Shopify's refund (or the money action), so a second goodwill refund is its own notice. */
async function prepareOrderRefund(
  db: Db,
  shop: string,
  orderId: string,
  extra: ReturnNoticeExtra,
  orderCurrency: string,
): Promise<Prepared> {
  const action = await db.moneyAction.findFirst({
    where: { shop, orderId, returnId: null, kind: "refund", state: "succeeded" },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { id: true, shopifyId: true, amount: true, currency: true },
  });
  const identity = action ? (action.shopifyId ?? `action:${action.id}`) : `amount:${extra.amount ?? "unknown"}`;
  const amount = extra.amount ?? action?.amount;
  return {
    kind: "refund_issued",
    dedupeKey: `refund:${orderId}:${identity}`.slice(0, 255),
    orderId,
    locale: null,
    variables: {
      ...amountVariables(amount, extra.amount ? extra.currency : action?.currency, orderCurrency),
      ...both("refundMethod", REFUND_METHOD.original),
    },
  };
}

/** An order cancellation: once per order; the refund that went with it, when Kizuna made it. */
async function prepareOrderCancelled(
  db: Db,
  shop: string,
  orderId: string,
  extra: ReturnNoticeExtra,
  orderCurrency: string,
): Promise<Prepared> {
  const action = await db.moneyAction.findFirst({
    where: { shop, orderId, kind: "order_cancel", state: "succeeded" },
    orderBy: { id: "desc" },
    select: { method: true, amount: true, currency: true },
  });
  const refunded = action?.method === "original" ? action : null;
  const amount = extra.amount ?? refunded?.amount ?? null;
  return {
    kind: "order_cancelled",
    dedupeKey: `order:${orderId}:cancelled`,
    orderId,
    locale: null,
    variables: {
      ...amountVariables(amount, extra.amount ? extra.currency : refunded?.currency, orderCurrency),
      ...(amount ? both("refundMethod", REFUND_METHOD.original) : {}),
    },
  };
}

async function queueAndSend(db: Db, shop: string, prepared: Prepared): Promise<void> {
  const result = await queueNotice(db, {
    shop,
    kind: prepared.kind,
    dedupeKey: prepared.dedupeKey,
    orderId: prepared.orderId,
    locale: prepared.locale,
    variables: { ...prepared.variables, orderPageUrl: orderPageUrl(shop, prepared.orderId) },
  });
  if (result.status !== "queued") return;
  // Redis away: the notice is stored as queued, and the notice sweep sends it.
  await enqueueNoticeDelivery(await noticeQueue(), result.noticeId).catch(() => undefined);
}

function warn(shop: string, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.warn(`return notice ${what} for ${shop} not queued: ${message.split("\n")[0]}`);
}

/**
 * Tells the customer about a step Kizuna just recorded. `returnId` null: a
 * refund without a return ("refunded") or an order cancellation ("cancelled"),
 * with `extra.orderId` naming the order. Never throws.
 */
export async function tellCustomerAboutReturn(
  db: Db,
  shop: string,
  returnId: string | null,
  step: ReturnStep,
  extra: ReturnNoticeExtra = {},
): Promise<void> {
  try {
    let prepared: Prepared | null = null;
    if (returnId) {
      const ret = await db.return.findUnique({ where: { shop_id: { shop, id: returnId } } });
      const orderId = ret?.orderId ?? extra.orderId ?? null;
      if (!ret || !orderId) return;
      const order = await db.order.findUnique({
        where: { shop_id: { shop, id: orderId } },
        select: { currency: true },
      });
      if (!order) return;
      prepared = await prepareReturnStep(db, shop, ret, orderId, step, extra, order.currency);
    } else {
      const orderId = extra.orderId ?? null;
      if (!orderId) return;
      const order = await db.order.findUnique({
        where: { shop_id: { shop, id: orderId } },
        select: { currency: true },
      });
      if (!order) return;
      if (step === "refunded") prepared = await prepareOrderRefund(db, shop, orderId, extra, order.currency);
      else if (step === "cancelled") prepared = await prepareOrderCancelled(db, shop, orderId, extra, order.currency);
    }
    if (prepared) await queueAndSend(db, shop, prepared);
  } catch (error) {
    warn(shop, `${step}${returnId ? ` (return ${returnId})` : ""}`, error);
  }
}

/** The orders/cancelled reaction: order_cancelled, once per order. Never throws. */
export async function tellCustomerOrderCancelled(db: Db, shop: string, orderId: string): Promise<void> {
  await tellCustomerAboutReturn(db, shop, null, "cancelled", { orderId });
}

/**
 * A parcel leaving for an order whose exchange Kizuna settled: the exchange is on its way, and
 * the customer hears so once (the step's dedupe key).
 */
export async function tellExchangeShipped(db: Db, shop: string, orderId: string): Promise<void> {
  const exchanges = await db.return.findMany({
    where: { shop, orderId, resolution: "exchange", replacedBy: null, status: { in: ["OPEN", "CLOSED"] } },
    select: { id: true },
  });
  for (const exchange of exchanges) {
    const settled = await db.moneyAction.count({
      where: { shop, returnId: exchange.id, kind: "return_process", state: "succeeded" },
    });
    if (settled > 0) await tellCustomerAboutReturn(db, shop, exchange.id, "exchange_shipped");
  }
}
