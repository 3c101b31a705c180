// The notice kinds: what each one is for, the variables its templates may use,
// and the rules the engine applies to it. Client-safe (the settings page uses it).

export const NOTICE_KINDS = [
  "delay",
  "delay_resolved",
  "restock",
  "restock_confirmation",
  "order_shipped",
  "order_out_for_delivery",
  "order_delivered",
  "order_followup",
  "return_requested",
  "return_approved",
  "return_declined",
  "return_label",
  "refund_issued",
  "store_credit_issued",
  "exchange_shipped",
  "order_cancelled",
  "survey",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_CHANNELS = ["email", "sms"] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export const NOTICE_LOCALES = ["ja", "en"] as const;
export type NoticeLocale = (typeof NOTICE_LOCALES)[number];

/** How a variable's value is shown: dates and money are formatted for the locale, URLs become links in HTML. */
export type VariableType = "text" | "date" | "money" | "url";

export interface KindDefinition {
  label: string;
  description: string;
  /** Transactional notices are about the customer's own order; others carry List-Unsubscribe. */
  transactional: boolean;
  /** On when the seller has not chosen. */
  defaultOn: boolean;
  /** Counts against the per-customer daily cap. */
  proactive: boolean;
  /** Waits for the end of quiet hours. A confirmation of something the customer just did does not. */
  respectsQuietHours: boolean;
  /** Why it is off by default, shown on the settings page. */
  note?: string;
  variables: Record<string, VariableType>;
}

/** Every kind may use these; the engine fills them in. */
export const COMMON_VARIABLES: Record<string, VariableType> = { customerName: "text", shopName: "text" };

/** Variables every return, refund and cancellation notice has: the order, its items and the order page. */
const RETURN_VARIABLES: Record<string, VariableType> = {
  orderName: "text",
  items: "text",
  returnName: "text",
  /** The customer's signed order page (app/storefront/order-link.server.ts): status, returns, everything. */
  orderPageUrl: "url",
};

/** Answers to something the customer asked for, or to money moving on their order: sent at once, always. */
const ANSWER = {
  transactional: true,
  defaultOn: true,
  proactive: false,
  respectsQuietHours: false,
} as const;

const SHOPIFY_COVERS =
  "Shopify's own shipping notifications already cover this moment, so it is off by default. Turn it on only if you have turned Shopify's off.";

export const KINDS: Record<NoticeKind, KindDefinition> = {
  delay: {
    label: "Delay",
    description: "An order is late: what happened, the new estimate, and where to check.",
    transactional: true,
    defaultOn: true,
    proactive: true,
    respectsQuietHours: true,
    variables: {
      orderName: "text",
      items: "text",
      reason: "text",
      newEstimate: "date",
      /** The seller's own words ("Notify now"): they replace the "nothing to do" sentence. */
      sellerMessage: "text",
      /** What the customer must do (confirm an address on hold): replaces "you don't need to do anything". */
      customerAction: "text",
      carrier: "text",
      trackingNumber: "text",
      trackingUrl: "url",
      orderStatusUrl: "url",
      /** Kizuna's signed order page: the delay explained, a refund or a return asked for. */
      orderPageUrl: "url",
    },
  },
  delay_resolved: {
    label: "Delay resolved",
    description: "A delayed order is moving again or was delivered.",
    transactional: true,
    defaultOn: true,
    proactive: true,
    respectsQuietHours: true,
    variables: { orderName: "text", items: "text", resolution: "text", orderStatusUrl: "url", orderPageUrl: "url" },
  },
  restock: {
    label: "Back in stock",
    description: "A product the customer asked about is available again.",
    transactional: false,
    defaultOn: true,
    proactive: true,
    respectsQuietHours: true,
    // productUrl: the product page on the shop's storefront, this variant chosen; productImageUrl: its image (may be unknown).
    variables: {
      productTitle: "text",
      variantTitle: "text",
      price: "money",
      productUrl: "url",
      productImageUrl: "url",
    },
  },
  restock_confirmation: {
    label: "Back-in-stock signup confirmation",
    description: "Confirms a 'Notify me' signup right away.",
    transactional: false,
    defaultOn: true,
    proactive: false,
    respectsQuietHours: false,
    variables: { productTitle: "text", variantTitle: "text", productUrl: "url", productImageUrl: "url" },
  },
  order_shipped: {
    label: "Order shipped",
    description: "The order is on its way, with the tracking link.",
    transactional: true,
    defaultOn: false,
    proactive: false,
    respectsQuietHours: true,
    note: SHOPIFY_COVERS,
    variables: { orderName: "text", items: "text", carrier: "text", trackingNumber: "text", trackingUrl: "url" },
  },
  order_out_for_delivery: {
    label: "Out for delivery",
    description: "The parcel arrives today.",
    transactional: true,
    defaultOn: false,
    proactive: false,
    respectsQuietHours: true,
    note: SHOPIFY_COVERS,
    variables: { orderName: "text", carrier: "text", trackingUrl: "url" },
  },
  order_delivered: {
    label: "Delivered",
    description: "The parcel was delivered.",
    transactional: true,
    defaultOn: false,
    proactive: false,
    respectsQuietHours: true,
    note: SHOPIFY_COVERS,
    variables: { orderName: "text", items: "text", trackingUrl: "url" },
  },
  order_followup: {
    label: "Follow-up after delivery",
    description: "A few days after delivery: how did it go? Replies reach you.",
    transactional: false,
    defaultOn: false,
    proactive: true,
    respectsQuietHours: true,
    variables: { orderName: "text", items: "text" },
  },
  return_requested: {
    label: "Return requested",
    description: "Confirms a return request from the order page and says what happens next.",
    ...ANSWER,
    // returnChoice: what the customer chose (a refund, store credit, an exchange), in their words;
    // nextStep: the policy's answer ("approved at once", "the seller reviews it"), in their words.
    variables: { ...RETURN_VARIABLES, returnChoice: "text", nextStep: "text" },
  },
  return_approved: {
    label: "Return approved",
    description: "The return was approved, with how to send the items back (or that they can keep them).",
    ...ANSWER,
    // instructions: what to do now, in the customer's language (send back, label follows, keep the item).
    variables: {
      ...RETURN_VARIABLES,
      instructions: "text",
      labelUrl: "url",
      trackingNumber: "text",
      trackingUrl: "url",
    },
  },
  return_declined: {
    label: "Return declined",
    description: "The return was declined, with the reason and your note.",
    ...ANSWER,
    // declineReason: a sentence for Shopify's reason; declineNote: the seller's own words (escaped).
    variables: { ...RETURN_VARIABLES, declineReason: "text", declineNote: "text" },
  },
  return_label: {
    label: "Return label",
    description: "The return label and tracking for sending the items back.",
    ...ANSWER,
    variables: {
      ...RETURN_VARIABLES,
      instructions: "text",
      labelUrl: "url",
      carrier: "text",
      trackingNumber: "text",
      trackingUrl: "url",
    },
  },
  refund_issued: {
    label: "Refund issued",
    description: "A refund was issued: the amount and where it goes.",
    ...ANSWER,
    // refundMethod: "to your original payment method" and the like, in the customer's language.
    variables: { ...RETURN_VARIABLES, amount: "money", refundMethod: "text" },
  },
  store_credit_issued: {
    label: "Store credit issued",
    description: "Store credit was issued for a return: the amount and how to use it.",
    ...ANSWER,
    variables: { ...RETURN_VARIABLES, amount: "money", refundMethod: "text" },
  },
  exchange_shipped: {
    label: "Exchange shipped",
    description: "The replacement item of an exchange is on its way.",
    ...ANSWER,
    variables: { ...RETURN_VARIABLES, carrier: "text", trackingNumber: "text", trackingUrl: "url" },
  },
  order_cancelled: {
    label: "Order cancelled",
    description: "The order was cancelled, and any refund that goes with it.",
    ...ANSWER,
    variables: { ...RETURN_VARIABLES, amount: "money", refundMethod: "text" },
  },
  survey: {
    label: "Follow-up and survey after a conversation",
    description: "Some days after you resolve a conversation: was it settled? One click rates it from 1 to 5.",
    transactional: false,
    defaultOn: true,
    proactive: false,
    respectsQuietHours: true,
    // rating1Url … rating5Url: one click stores that rating (app/inbox/survey.server.ts); surveyUrl: the page.
    variables: {
      orderName: "text",
      subject: "text",
      surveyUrl: "url",
      rating1Url: "url",
      rating2Url: "url",
      rating3Url: "url",
      rating4Url: "url",
      rating5Url: "url",
    },
  },
};

export function isNoticeKind(value: string): value is NoticeKind {
  return (NOTICE_KINDS as readonly string[]).includes(value);
}

/** The variables a kind's templates may use (its own and the common ones). */
export function variablesOf(kind: NoticeKind): Record<string, VariableType> {
  return { ...COMMON_VARIABLES, ...KINDS[kind].variables };
}

/** ja or en; anything else is en. Accepts "ja-JP", "en-US" and the like. */
export function normalizeLocale(value: string | null | undefined): NoticeLocale | null {
  if (!value) return null;
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  if (base === "ja") return "ja";
  if (base === "en") return "en";
  return null;
}

/** Customer, else order, else shop; unknown languages fall back to English. */
export function pickLocale(...candidates: (string | null | undefined)[]): NoticeLocale {
  for (const candidate of candidates) {
    if (!candidate) continue;
    return normalizeLocale(candidate) ?? "en";
  }
  return "en";
}

/** Sample values for the template preview and "Send me a test". */
export const SAMPLE_VARIABLES: Record<NoticeLocale, Record<string, string>> = {
  en: {
    customerName: "Emma",
    shopName: "Your shop",
    orderName: "#1042",
    items: "Linen apron (Indigo) × 1, Ceramic mug × 2",
    reason: "The carrier reported a delay at the sorting centre.",
    newEstimate: "Thursday, 3 December",
    orderStatusUrl: "https://example.com/orders/1042",
    resolution: "is moving again",
    productTitle: "Linen apron",
    variantTitle: "Indigo",
    price: "¥4,400",
    productUrl: "https://example.com/products/linen-apron",
    carrier: "Yamato Transport",
    trackingNumber: "1234-5678-9012",
    trackingUrl: "https://example.com/track/123456789012",
    returnName: "#1042-R1",
    orderPageUrl: "https://example.com/apps/kizuna/orders/1042",
    instructions: "Please pack the items with everything they came with and send them back within 14 days.",
    labelUrl: "https://example.com/labels/1042-R1.pdf",
    declineReason: "The item is final sale and cannot be returned.",
    declineNote: "The apron was made to your measurements.",
    amount: "¥3,300",
    refundMethod: "to your original payment method",
    returnChoice: "a refund to your original payment method",
    nextStep: "We will review your request and write to you again soon.",
  },
  ja: {
    customerName: "山田 花子",
    shopName: "あなたのショップ",
    orderName: "#1042",
    items: "リネンエプロン（藍）× 1、陶器のマグ × 2",
    reason: "配送業者の仕分けセンターで遅れが出ています。",
    newEstimate: "12月3日（木）",
    orderStatusUrl: "https://example.com/orders/1042",
    resolution: "再び配送中です",
    productTitle: "リネンエプロン",
    variantTitle: "藍",
    price: "￥4,400",
    productUrl: "https://example.com/products/linen-apron",
    carrier: "ヤマト運輸",
    trackingNumber: "1234-5678-9012",
    trackingUrl: "https://example.com/track/123456789012",
    returnName: "#1042-R1",
    orderPageUrl: "https://example.com/apps/kizuna/orders/1042",
    instructions: "お届け時の付属品とあわせて梱包し、14日以内にご返送ください。",
    labelUrl: "https://example.com/labels/1042-R1.pdf",
    declineReason: "返品不可（セール品など）の商品のため、返品をお受けできません。",
    declineNote: "お客様のサイズに合わせてお仕立てしたエプロンのため。",
    amount: "￥3,300",
    refundMethod: "ご購入時のお支払い方法へ",
    returnChoice: "ご購入時のお支払い方法への返金",
    nextStep: "内容を確認のうえ、あらためてご連絡いたします。",
  },
};
