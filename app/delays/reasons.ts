// A case's reason in plain words, for the seller (admin) and as the `reason`
// variable of the customer's notice. No server imports: the Settings page uses
// the labels too.
import type { CarrierException, HoldReason, RuleName } from "./names.ts";

export const RULE_LABELS: Record<string, string> = {
  handling_time: "Not shipped in time",
  on_hold: "On hold",
  carrier_exception: "Carrier problem",
  eta_passed: "Estimate passed",
  stalled: "No carrier scan",
  likely_late: "Likely late",
};

/** One line per rule on the Settings page: when it opens a delay case. */
export const RULE_HELP: Record<RuleName, string> = {
  handling_time: "An order is not shipped within your handling time (set under Shipping days).",
  on_hold: "You put an order on hold in Shopify for one of the reasons ticked below.",
  carrier_exception: "The carrier's latest update on a parcel is one of the problems ticked below.",
  eta_passed: "The carrier's estimated delivery date has passed and the parcel has still not arrived.",
  stalled: "A parcel on its way has had no carrier scan for a few days.",
  likely_late:
    "A parcel has been on its way longer than most earlier parcels with the same carrier to the same region (learned from your delivered orders).",
};

export const HOLD_REASON_LABELS: Record<HoldReason, string> = {
  INVENTORY_OUT_OF_STOCK: "Out of stock",
  UNKNOWN_DELIVERY_DATE: "Unknown delivery date",
  INCORRECT_ADDRESS: "Incorrect address (asks the customer to confirm)",
};

export const CARRIER_EXCEPTION_LABELS: Record<CarrierException, string> = {
  DELAYED: "Delayed",
  FAILURE: "Delivery failed",
  ATTEMPTED_DELIVERY: "Delivery attempted",
};

type Details = Record<string, unknown>;
const text = (value: unknown) => (typeof value === "string" ? value : null);
const day = (value: unknown) => (typeof value === "string" ? value.slice(0, 10) : "?");
const hours = (minutes: unknown) => (typeof minutes === "number" ? Math.round(minutes / 60) : 0);

/** What the seller reads on the Delays page. */
export function sellerReason(rule: string, reason: string, details: Details): string {
  switch (rule) {
    case "handling_time":
      return reason === "PARTLY_NOT_SHIPPED"
        ? `Part of the order is still not shipped; it was due by ${day(details.shipBy)} (${String(details.handlingDays)} business days).`
        : `Not shipped yet; it was due by ${day(details.shipBy)} (${String(details.handlingDays)} business days).`;
    case "on_hold": {
      const notes = text(details.notes) ? ` Note: ${text(details.notes)}` : "";
      if (reason === "INCORRECT_ADDRESS")
        return `On hold: the address needs checking — ask the customer to confirm it.${notes}`;
      if (reason === "INVENTORY_OUT_OF_STOCK") return `On hold: an item is out of stock.${notes}`;
      if (reason === "UNKNOWN_DELIVERY_DATE") return `On hold: the delivery date is not known yet.${notes}`;
      return `On hold (${reason}).${notes}`;
    }
    case "carrier_exception": {
      const said = text(details.carrierMessage) ? ` The carrier says: “${text(details.carrierMessage)}”` : "";
      if (reason === "DELAYED") return `The carrier reported a delay.${said}`;
      if (reason === "FAILURE") return `The carrier could not deliver the parcel.${said}`;
      if (reason === "ATTEMPTED_DELIVERY") return `The carrier tried to deliver, but nobody was there.${said}`;
      return `Carrier event ${reason}.${said}`;
    }
    case "eta_passed":
      return `The carrier's estimated delivery (${day(details.estimatedDeliveryAt)}) has passed and the parcel is not delivered.`;
    case "stalled":
      return `No carrier scan for ${String(details.silentDays)} days (last: ${day(details.lastScanAt)}).`;
    case "likely_late":
      return `In transit for ${hours(details.elapsedMinutes)} h; ${String(details.percentile)}% of ${String(details.samples)} parcels with ${text(details.carrier) ?? "this carrier"} to ${text(details.region) ?? "this region"} arrived within ${hours(details.thresholdMinutes)} h.`;
    default:
      return reason;
  }
}

/** What the customer reads (the notice's `reason` variable): no internal jargon. */
export function customerReason(rule: string, reason: string): string {
  switch (rule) {
    case "handling_time":
      return "your order is taking longer than usual to leave our shop";
    case "on_hold":
      if (reason === "INCORRECT_ADDRESS") return "we need you to confirm your delivery address before we can ship";
      if (reason === "INVENTORY_OUT_OF_STOCK") return "an item in your order is out of stock for the moment";
      return "we do not have a delivery date for your order yet";
    case "carrier_exception":
      if (reason === "FAILURE") return "the carrier could not deliver your parcel";
      if (reason === "ATTEMPTED_DELIVERY") return "the carrier tried to deliver your parcel while you were out";
      return "the carrier reported a delay";
    case "eta_passed":
      return "your parcel has not arrived by its estimated delivery date";
    case "stalled":
      return "your parcel has not been scanned by the carrier for a few days";
    default:
      return "your parcel is taking longer than usual";
  }
}

/** The same in Japanese (the notice engine picks `reason@ja` for Japanese readers). */
export function customerReasonJa(rule: string, reason: string): string {
  switch (rule) {
    case "handling_time":
      return "ご注文の発送準備に通常より時間がかかっております";
    case "on_hold":
      if (reason === "INCORRECT_ADDRESS") return "発送の前に、お届け先住所のご確認をお願いしたく存じます";
      if (reason === "INVENTORY_OUT_OF_STOCK") return "ご注文の商品が一時的に在庫切れとなっております";
      return "ご注文のお届け日がまだ確定しておりません";
    case "carrier_exception":
      if (reason === "FAILURE") return "配送業者がお荷物をお届けできませんでした";
      if (reason === "ATTEMPTED_DELIVERY") return "配送業者がお届けに伺いましたが、ご不在でした";
      return "配送業者から遅延の連絡がありました";
    case "eta_passed":
      return "お届け予定日を過ぎてもお荷物が届いておりません";
    case "stalled":
      return "ここ数日、配送業者での追跡情報が更新されておりません";
    default:
      return "お荷物のお届けに通常より時間がかかっております";
  }
}

/**
 * What the customer must do for the case to move on, in both languages (the
 * notice engine picks `customerAction@ja`), or null when nothing: then the
 * notice says they need not do anything. Replying reaches the seller (Reply-To).
 */
export function customerActionOf(rule: string, reason: string): { en: string; ja: string } | null {
  if (rule === "on_hold" && reason === "INCORRECT_ADDRESS")
    return {
      en: "Please reply to this email with your full delivery address (postcode, street, building and room number). We will send your order as soon as we have it.",
      ja: "お手数ですが、正しいお届け先住所（郵便番号・番地・建物名・部屋番号）をこのメールにご返信ください。確認でき次第、発送いたします。",
    };
  return null;
}
