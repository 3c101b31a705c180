// The return policy's answer to a request: one pure function, so the customer
// (before they submit) and the seller (on the return) read the same verdict and
// the same reasons. The Admin schema has no policy types: the policy is Kizuna's.
// No server imports: the order page and the admin both use it.
import {
  atLeastZero,
  compareDecimal,
  multiplyDecimal,
  percentOfDecimal,
  subtractDecimal,
  sumDecimals,
} from "../money/decimal.ts";

export const RESOLUTIONS = ["refund", "store_credit", "exchange"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface ReturnPolicyRules {
  windowDays: number;
  /** Product tags that make a product final sale (compared without case). */
  finalSaleTags: string[];
  finalSaleProductIds: string[];
  /** Return reason handles that need a photo / a note. */
  photoReasons: string[];
  noteReasons: string[];
  autoApprove: boolean;
  /** Decimal string in the shop currency; null: any amount. */
  autoApproveUpTo: string | null;
  autoApproveExchanges: boolean;
  restockingFeePercent: number;
  returnShippingFee: string;
  offerRefund: boolean;
  offerExchanges: boolean;
  offerStoreCredit: boolean;
  storeCreditBonusPercent: number;
  /** Lines priced at or under this are settled without sending them back; null: off. */
  keepItemUpTo: string | null;
  allowCancel: boolean;
}

export const DEFAULT_POLICY: ReturnPolicyRules = {
  windowDays: 30,
  finalSaleTags: ["final-sale"],
  finalSaleProductIds: [],
  photoReasons: ["damaged"],
  noteReasons: ["other"],
  autoApprove: false,
  autoApproveUpTo: null,
  autoApproveExchanges: false,
  restockingFeePercent: 0,
  returnShippingFee: "0",
  offerRefund: true,
  offerExchanges: true,
  offerStoreCredit: true,
  storeCreditBonusPercent: 0,
  keepItemUpTo: null,
  allowCancel: true,
};

/** An order line as the policy sees it. */
export interface PolicyLine {
  lineItemId: string;
  productId: string | null;
  title: string;
  /** Price of one unit, decimal string in the order's currency. */
  unitPrice: string;
  /** How many can still be returned (shipped, not yet in a return). */
  returnable: number;
  productTags: string[];
}

export interface PolicyOrder {
  currency: string;
  cancelled: boolean;
  /** When the parcel was delivered; null when no delivery is known. */
  deliveredAt: Date | null;
  /** When it was first shipped; null when nothing has shipped. */
  fulfilledAt: Date | null;
  lines: PolicyLine[];
}

export interface RequestedLine {
  lineItemId: string;
  quantity: number;
  reasonHandle: string;
  note?: string | null;
  hasPhoto?: boolean;
  /** For an exchange: the variant wanted instead, and whether it is in stock for this quantity. */
  exchangeVariantId?: string | null;
  exchangeInStock?: boolean;
}

export interface ReturnWish {
  resolution: Resolution;
  lines: RequestedLine[];
}

/**
 * Why, in codes the order page and the admin both translate (returns.reasons.<code> in the
 * message files), with what the sentence needs.
 */
export type VerdictReason =
  | { code: "within_policy" }
  | { code: "seller_reviews" }
  | { code: "over_auto_amount"; limit: string }
  | { code: "exchange_reviewed" }
  | { code: "outside_window"; days: number; endedOn: string }
  | { code: "not_shipped" }
  | { code: "cancelled" }
  | { code: "final_sale"; title: string }
  | { code: "nothing_chosen" }
  | { code: "too_many"; title: string; returnable: number }
  | { code: "unknown_line" }
  | { code: "needs_photo"; title: string }
  | { code: "needs_note"; title: string }
  | { code: "resolution_not_offered"; resolution: Resolution }
  | { code: "exchange_needs_variant"; title: string }
  | { code: "exchange_out_of_stock"; title: string }
  | { code: "keep_item"; title: string };

/**
 * approve: approved at once; review: the seller decides; decline: the policy does not allow
 * it; incomplete: the customer must change something before it can be sent.
 */
export type Decision = "approve" | "review" | "decline" | "incomplete";

export interface LineVerdict {
  lineItemId: string;
  quantity: number;
  /** Settled without a return shipment (low-value line). */
  keepItem: boolean;
  /** Item value of this line (unit price × quantity). */
  value: string;
}

export interface Verdict {
  decision: Decision;
  reasons: VerdictReason[];
  lines: LineVerdict[];
  currency: string;
  /** Items' value, fees, and what the customer gets back for the chosen resolution. */
  itemsValue: string;
  restockingFee: string;
  shippingFee: string;
  /** Refund or credit; for an exchange, "0". */
  expectedAmount: string;
  /** Extra store credit for choosing credit. */
  creditBonus: string;
  /** When the window closes (ISO date), when known. */
  windowEndsOn: string | null;
  /** Every line is kept by the customer: no return shipment. */
  noShipment: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

function isFinalSale(line: PolicyLine, policy: ReturnPolicyRules): boolean {
  const tags = new Set(policy.finalSaleTags.map((tag) => tag.trim().toLowerCase()).filter(Boolean));
  return (
    (line.productId !== null && policy.finalSaleProductIds.includes(line.productId)) ||
    line.productTags.some((tag) => tags.has(tag.trim().toLowerCase()))
  );
}

function offered(resolution: Resolution, policy: ReturnPolicyRules): boolean {
  if (resolution === "refund") return policy.offerRefund;
  if (resolution === "store_credit") return policy.offerStoreCredit;
  return policy.offerExchanges;
}

/** When the return window closes: from delivery, else from the first shipment; null before shipping. */
export function windowEnd(order: PolicyOrder, policy: ReturnPolicyRules): Date | null {
  const from = order.deliveredAt ?? order.fulfilledAt;
  return from ? new Date(from.getTime() + policy.windowDays * DAY) : null;
}

/** Whether the order could take any return at all, before lines are chosen (the order page's first question). */
export function returnable(order: PolicyOrder, policy: ReturnPolicyRules, now: Date): VerdictReason | null {
  if (order.cancelled) return { code: "cancelled" };
  const ends = windowEnd(order, policy);
  if (!ends) return { code: "not_shipped" };
  if (now.getTime() > ends.getTime())
    return { code: "outside_window", days: policy.windowDays, endedOn: ends.toISOString().slice(0, 10) };
  return null;
}

function emptyVerdict(order: PolicyOrder, decision: Decision, reasons: VerdictReason[], ends: Date | null): Verdict {
  return {
    decision,
    reasons,
    lines: [],
    currency: order.currency,
    itemsValue: "0",
    restockingFee: "0",
    shippingFee: "0",
    expectedAmount: "0",
    creditBonus: "0",
    windowEndsOn: ends ? ends.toISOString().slice(0, 10) : null,
    noShipment: false,
  };
}

/** Problems with the wish itself: the customer fixes these before sending. */
function wishProblems(order: PolicyOrder, wish: ReturnWish, policy: ReturnPolicyRules): VerdictReason[] {
  const problems: VerdictReason[] = [];
  if (!offered(wish.resolution, policy)) problems.push({ code: "resolution_not_offered", resolution: wish.resolution });
  const chosen = wish.lines.filter((line) => line.quantity > 0);
  if (chosen.length === 0) problems.push({ code: "nothing_chosen" });
  for (const wanted of chosen) {
    const line = order.lines.find((candidate) => candidate.lineItemId === wanted.lineItemId);
    if (!line) {
      problems.push({ code: "unknown_line" });
      continue;
    }
    if (!Number.isSafeInteger(wanted.quantity) || wanted.quantity > line.returnable)
      problems.push({ code: "too_many", title: line.title, returnable: line.returnable });
    if (policy.photoReasons.includes(wanted.reasonHandle) && !wanted.hasPhoto)
      problems.push({ code: "needs_photo", title: line.title });
    if (policy.noteReasons.includes(wanted.reasonHandle) && !wanted.note?.trim())
      problems.push({ code: "needs_note", title: line.title });
    if (wish.resolution === "exchange") {
      if (!wanted.exchangeVariantId) problems.push({ code: "exchange_needs_variant", title: line.title });
      else if (!wanted.exchangeInStock) problems.push({ code: "exchange_out_of_stock", title: line.title });
    }
  }
  return problems;
}

/** The policy's verdict on a wish, with its reasons and the amounts it implies. */
export function decideReturn(order: PolicyOrder, wish: ReturnWish, policy: ReturnPolicyRules, now: Date): Verdict {
  const ends = windowEnd(order, policy);
  const closed = returnable(order, policy, now);
  if (closed) return emptyVerdict(order, "decline", [closed], ends);

  const finalSale: VerdictReason[] = wish.lines
    .filter((wanted) => wanted.quantity > 0)
    .flatMap((wanted) => {
      const line = order.lines.find((candidate) => candidate.lineItemId === wanted.lineItemId);
      return line && isFinalSale(line, policy) ? [{ code: "final_sale" as const, title: line.title }] : [];
    });
  if (finalSale.length) return emptyVerdict(order, "decline", finalSale, ends);

  const problems = wishProblems(order, wish, policy);
  if (problems.length) return emptyVerdict(order, "incomplete", problems, ends);

  const lines: LineVerdict[] = wish.lines
    .filter((wanted) => wanted.quantity > 0)
    .map((wanted) => {
      const line = order.lines.find((candidate) => candidate.lineItemId === wanted.lineItemId)!;
      // An exchange always ships back: the customer keeps nothing for free.
      const keepItem =
        wish.resolution !== "exchange" &&
        policy.keepItemUpTo !== null &&
        compareDecimal(line.unitPrice, policy.keepItemUpTo) <= 0;
      return {
        lineItemId: line.lineItemId,
        quantity: wanted.quantity,
        keepItem,
        value: multiplyDecimal(line.unitPrice, wanted.quantity),
      };
    });
  const itemsValue = sumDecimals(lines.map((line) => line.value));
  const noShipment = lines.every((line) => line.keepItem);
  const shipped = sumDecimals(lines.filter((line) => !line.keepItem).map((line) => line.value));
  // Fees apply to what is sent back; a kept low-value item has no shipping and no restocking.
  const restockingFee =
    wish.resolution === "exchange" ? "0" : percentOfDecimal(shipped, policy.restockingFeePercent, order.currency);
  const shippingFee = noShipment || wish.resolution === "exchange" ? "0" : policy.returnShippingFee;
  const expectedAmount =
    wish.resolution === "exchange"
      ? "0"
      : atLeastZero(subtractDecimal(subtractDecimal(itemsValue, restockingFee), shippingFee));
  const creditBonus =
    wish.resolution === "store_credit"
      ? percentOfDecimal(expectedAmount, policy.storeCreditBonusPercent, order.currency)
      : "0";

  const reasons: VerdictReason[] = lines
    .filter((line) => line.keepItem)
    .map((line) => ({
      code: "keep_item" as const,
      title: order.lines.find((candidate) => candidate.lineItemId === line.lineItemId)!.title,
    }));
  let decision: Decision = "approve";
  if (!policy.autoApprove) {
    decision = "review";
    reasons.unshift({ code: "seller_reviews" });
  } else if (wish.resolution === "exchange" && !policy.autoApproveExchanges) {
    decision = "review";
    reasons.unshift({ code: "exchange_reviewed" });
  } else if (policy.autoApproveUpTo !== null && compareDecimal(itemsValue, policy.autoApproveUpTo) > 0) {
    decision = "review";
    reasons.unshift({ code: "over_auto_amount", limit: policy.autoApproveUpTo });
  } else {
    reasons.unshift({ code: "within_policy" });
  }
  return {
    decision,
    reasons,
    lines,
    currency: order.currency,
    itemsValue,
    restockingFee,
    shippingFee,
    expectedAmount,
    creditBonus,
    windowEndsOn: ends ? ends.toISOString().slice(0, 10) : null,
    noShipment,
  };
}
