// A customer's return request from the order page: what they may return (Shopify
// says what is returnable; the policy says what it allows), the verdict before
// they send, and the request itself — Shopify's record first, then Kizuna's
// side. An approved-at-once refund or credit is approved on Shopify at once; an
// approved-at-once exchange is created open with its exchange lines (ADR 0013).
import type { Db } from "../db.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import {
  decideReturn,
  returnable,
  RESOLUTIONS,
  type Resolution,
  type ReturnPolicyRules,
  type Verdict,
  type VerdictReason,
} from "./policy.ts";
import { tellCustomerAboutReturn } from "./return-notices.server.ts";
import { getReturnPolicy } from "./return-policy.server.ts";
import { addReturnEvent, policyOrderOf, recordReturn, type RequestedLineRecord } from "./returns.server.ts";
import {
  approveOnShopify,
  createExchangeOnShopify,
  fetchReturn,
  requestReturnOnShopify,
  returnableLines,
  returnReasonDefinitions,
  type ReturnReasonDefinition,
  type ReturnableLine,
} from "./shopify-returns.server.ts";

export interface ExchangeOption {
  variantId: string;
  title: string;
  inStock: boolean;
}

export interface ReturnFormLine {
  lineItemId: string;
  fulfillmentLineItemId: string | null;
  title: string;
  unitPrice: string;
  returnable: number;
  finalSale: boolean;
  exchangeOptions: ExchangeOption[];
}

export interface ReturnForm {
  currency: string;
  /** Why nothing can be returned (not shipped, past the window, cancelled), or null. */
  closed: VerdictReason | null;
  windowEndsOn: string | null;
  /** What the window counts from: the delivery when it is known, else the shipment. */
  windowFrom: "delivery" | "shipment";
  lines: ReturnFormLine[];
  reasons: ReturnReasonDefinition[];
  resolutions: Resolution[];
  photoReasons: string[];
  noteReasons: string[];
  policy: Pick<
    ReturnPolicyRules,
    "windowDays" | "restockingFeePercent" | "returnShippingFee" | "storeCreditBonusPercent" | "keepItemUpTo"
  >;
}

/** Other variants of the product, in stock or not (the mirror's stock). */
async function exchangeOptionsOf(db: Db, shop: string, productId: string | null, variantId: string | null) {
  if (!productId) return [];
  const variants = await db.variant.findMany({
    where: { shop, productId, NOT: { id: variantId ?? "" } },
    orderBy: { id: "asc" },
    take: 50,
  });
  return variants.map((variant) => ({
    variantId: variant.id,
    title: variant.title ?? variant.sku ?? variant.id,
    inStock: (variant.inventoryQuantity ?? 0) > 0,
  }));
}

async function formParts(db: Db, api: AdminApi, shop: string, orderId: string, now: Date) {
  const [shopifyLines, reasons, policy] = await Promise.all([
    returnableLines(api, orderId),
    returnReasonDefinitions(api),
    getReturnPolicy(db, shop),
  ]);
  const byLine = new Map<string, number>();
  for (const line of shopifyLines) byLine.set(line.lineItemId, (byLine.get(line.lineItemId) ?? 0) + line.quantity);
  const order = await policyOrderOf(db, shop, orderId, byLine);
  return order ? { order, shopifyLines, reasons, policy, closed: returnable(order, policy, now) } : null;
}

export async function loadReturnForm(
  db: Db,
  api: AdminApi,
  shop: string,
  orderId: string,
  now = new Date(),
): Promise<ReturnForm | null> {
  const parts = await formParts(db, api, shop, orderId, now);
  if (!parts) return null;
  const { order, shopifyLines, reasons, policy, closed } = parts;
  const items = await db.lineItem.findMany({
    where: { shop, orderId },
    select: { id: true, productId: true, variantId: true },
  });
  const finalSaleTags = new Set(policy.finalSaleTags.map((tag) => tag.trim().toLowerCase()));
  const lines = await Promise.all(
    order.lines.map(async (line) => {
      const item = items.find((candidate) => candidate.id === line.lineItemId);
      return {
        lineItemId: line.lineItemId,
        fulfillmentLineItemId:
          shopifyLines.find((s) => s.lineItemId === line.lineItemId)?.fulfillmentLineItemId ?? null,
        title: line.title,
        unitPrice: line.unitPrice,
        returnable: line.returnable,
        finalSale:
          (line.productId !== null && policy.finalSaleProductIds.includes(line.productId)) ||
          line.productTags.some((tag) => finalSaleTags.has(tag.trim().toLowerCase())),
        exchangeOptions: policy.offerExchanges
          ? await exchangeOptionsOf(db, shop, item?.productId ?? null, item?.variantId ?? null)
          : [],
      };
    }),
  );
  const ends = order.deliveredAt ?? order.fulfilledAt;
  return {
    currency: order.currency,
    closed,
    windowEndsOn: ends ? new Date(ends.getTime() + policy.windowDays * 86_400_000).toISOString().slice(0, 10) : null,
    windowFrom: order.deliveredAt ? "delivery" : "shipment",
    lines,
    reasons: reasons.filter((reason) => !("deleted" in reason && reason.deleted)),
    resolutions: RESOLUTIONS.filter((resolution) =>
      resolution === "refund"
        ? policy.offerRefund
        : resolution === "store_credit"
          ? policy.offerStoreCredit
          : policy.offerExchanges,
    ),
    photoReasons: policy.photoReasons,
    noteReasons: policy.noteReasons,
    policy: {
      windowDays: policy.windowDays,
      restockingFeePercent: policy.restockingFeePercent,
      returnShippingFee: policy.returnShippingFee,
      storeCreditBonusPercent: policy.storeCreditBonusPercent,
      keepItemUpTo: policy.keepItemUpTo,
    },
  };
}

export interface CustomerWishLine {
  lineItemId: string;
  quantity: number;
  reasonHandle: string;
  note: string | null;
  exchangeVariantId: string | null;
}

export interface CustomerWish {
  resolution: Resolution;
  lines: CustomerWishLine[];
  /** A photo already stored (ReturnPhoto id), for reasons that need one. */
  photoId: number | null;
  note: string | null;
}

async function verdictFor(
  db: Db,
  shop: string,
  parts: NonNullable<Awaited<ReturnType<typeof formParts>>>,
  wish: CustomerWish,
  now: Date,
) {
  const variantIds = wish.lines.map((line) => line.exchangeVariantId).filter((id): id is string => Boolean(id));
  const variants = await db.variant.findMany({ where: { shop, id: { in: variantIds } } });
  return decideReturn(
    parts.order,
    {
      resolution: wish.resolution,
      lines: wish.lines.map((line) => {
        const variant = variants.find((candidate) => candidate.id === line.exchangeVariantId);
        return {
          lineItemId: line.lineItemId,
          quantity: line.quantity,
          reasonHandle: line.reasonHandle,
          note: line.note ?? wish.note,
          hasPhoto: wish.photoId !== null,
          exchangeVariantId: line.exchangeVariantId,
          exchangeInStock: variant ? (variant.inventoryQuantity ?? 0) >= line.quantity : false,
        };
      }),
    },
    parts.policy,
    now,
  );
}

/** The policy's answer before the customer sends (the order page shows it as they choose). */
export async function previewReturnRequest(
  db: Db,
  api: AdminApi,
  shop: string,
  orderId: string,
  wish: CustomerWish,
  now = new Date(),
): Promise<Verdict | null> {
  const parts = await formParts(db, api, shop, orderId, now);
  return parts ? verdictFor(db, shop, parts, wish, now) : null;
}

export type SubmitResult =
  { ok: true; returnId: string; verdict: Verdict } | { ok: false; verdict: Verdict } | { ok: false; verdict: null };

function shopifyLinesFor(
  wish: CustomerWish,
  verdict: Verdict,
  shopifyLines: ReturnableLine[],
  reasons: ReturnReasonDefinition[],
) {
  return verdict.lines.map((line) => {
    const wanted = wish.lines.find((candidate) => candidate.lineItemId === line.lineItemId)!;
    const fulfillmentLine = shopifyLines.find((candidate) => candidate.lineItemId === line.lineItemId)!;
    return {
      fulfillmentLineItemId: fulfillmentLine.fulfillmentLineItemId,
      lineItemId: line.lineItemId,
      quantity: line.quantity,
      reasonDefinitionId: reasons.find((reason) => reason.handle === wanted.reasonHandle)?.id ?? null,
      customerNote: (wanted.note ?? wish.note)?.slice(0, 300) ?? null,
      reasonHandle: wanted.reasonHandle,
      exchangeVariantId: wish.resolution === "exchange" ? wanted.exchangeVariantId : null,
    };
  });
}

export async function submitReturnRequest(
  db: Db,
  api: AdminApi,
  shop: string,
  orderId: string,
  wish: CustomerWish,
  context: { locale: string | null },
  now = new Date(),
): Promise<SubmitResult> {
  const parts = await formParts(db, api, shop, orderId, now);
  if (!parts) return { ok: false, verdict: null };
  const verdict = await verdictFor(db, shop, parts, wish, now);
  if (verdict.decision === "decline" || verdict.decision === "incomplete") return { ok: false, verdict };

  const lines = shopifyLinesFor(wish, verdict, parts.shopifyLines, parts.reasons);
  const atOnce = verdict.decision === "approve";
  const exchangeAtOnce = atOnce && wish.resolution === "exchange";
  const returnId = exchangeAtOnce
    ? await createExchangeOnShopify(api, orderId, lines)
    : (await requestReturnOnShopify(api, orderId, lines)).id;

  const requestedLines: RequestedLineRecord[] = lines.map((line) => ({
    lineItemId: line.lineItemId,
    fulfillmentLineItemId: line.fulfillmentLineItemId,
    quantity: line.quantity,
    reasonHandle: line.reasonHandle,
    note: line.customerNote,
    exchangeVariantId: line.exchangeVariantId,
  }));
  const side = {
    source: "order_page" as const,
    verdict,
    resolution: verdict.noShipment ? ("keep_item" as const) : wish.resolution,
    requestedLines,
    customerNote: wish.note?.slice(0, 1000) ?? null,
    photoId: wish.photoId,
    locale: context.locale,
  };
  const requested = await fetchReturn(api, returnId);
  if (!requested) throw new Error(`return ${returnId} not found right after it was made`);
  await recordReturn(db, shop, requested, side);
  await addReturnEvent(db, {
    shop,
    returnId,
    orderId,
    action: "requested",
    actor: "customer",
    detail: side.customerNote,
  });
  await tellCustomerAboutReturn(db, shop, returnId, "requested");

  if (atOnce && !exchangeAtOnce) {
    await approveOnShopify(api, returnId);
    const approved = await fetchReturn(api, returnId);
    if (approved) await recordReturn(db, shop, approved);
  }
  if (atOnce) {
    await addReturnEvent(db, { shop, returnId, orderId, action: "auto_approved", actor: "policy" });
    await tellCustomerAboutReturn(db, shop, returnId, "approved");
  }
  return { ok: true, returnId, verdict };
}
