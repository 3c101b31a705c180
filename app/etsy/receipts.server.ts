// An Etsy receipt as a Kizuna order (source "etsy", id "etsy:<receipt_id>"):
// the buyer, the total, the status, the buyer's note, the items and the
// shipments, written like the Shopify mirror writes (app/mirror): one
// transaction per receipt, never letting an older version overwrite a newer
// one, so polling the same receipt again changes nothing.
import { refreshOrderSearch } from "../orders/order-search.server.ts";
import { keepNewest, type Tx } from "../mirror/write.server.ts";
import type { EtsyMoney, EtsyReceipt } from "./etsy-api.server.ts";

export class ReceiptError extends Error {
  override name = "ReceiptError";
}

export const etsyOrderId = (receiptId: number | string) => `etsy:${receiptId}`;

/**
 * `{ amount, divisor }` as a decimal string, exactly (integers only): 11250/100
 * → "112.50", 4800/1 → "4800". Etsy's divisors are powers of ten; any other
 * would not have an exact decimal, and is refused rather than rounded.
 */
export function moneyText(money: EtsyMoney): string {
  const { amount, divisor } = money;
  if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(divisor) || divisor < 1)
    throw new ReceiptError("an Etsy amount is not whole numbers");
  const scale = String(divisor).length - 1;
  if (divisor !== 10 ** scale || !/^10*$/.test(String(divisor)))
    throw new ReceiptError(`an Etsy amount's divisor (${divisor}) is not a power of ten`);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/**
 * Etsy's receipt status (Title Case, compared without case: Open, Paid,
 * Completed, Payment Processing, Canceled, Fully Refunded, Partially Refunded)
 * in the mirror's spelling of financial and fulfillment status.
 */
export function statusesOf(receipt: Pick<EtsyReceipt, "status" | "is_paid" | "is_shipped">): {
  financialStatus: string;
  fulfillmentStatus: string;
  cancelled: boolean;
} {
  const status = receipt.status
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
  const cancelled = status === "canceled" || status === "cancelled";
  const financialStatus =
    status === "fully refunded"
      ? "REFUNDED"
      : status === "partially refunded"
        ? "PARTIALLY_REFUNDED"
        : cancelled
          ? receipt.is_paid
            ? "REFUNDED"
            : "VOIDED"
          : status === "payment processing" || receipt.is_paid === false
            ? "PENDING"
            : "PAID";
  const shipped = receipt.is_shipped === true || status === "completed";
  return { financialStatus, fulfillmentStatus: shipped ? "FULFILLED" : "UNFULFILLED", cancelled };
}

const seconds = (value: number | undefined | null) => (typeof value === "number" ? new Date(value * 1000) : null);

/** When the receipt last changed (Etsy names it two ways). */
export function updatedAtOf(receipt: EtsyReceipt): number {
  return (
    receipt.updated_timestamp ?? receipt.update_timestamp ?? receipt.created_timestamp ?? receipt.create_timestamp ?? 0
  );
}

const blankToNull = (text: string | null | undefined) => (text && text.trim() ? text : null);

/** The address in the mirror's fixed shape (app/mirror/read-payload.server.ts addressTextOf). */
function addressOf(receipt: EtsyReceipt): string | null {
  if (!receipt.first_line && !receipt.city && !receipt.name) return null;
  return JSON.stringify({
    first_name: null,
    last_name: null,
    name: receipt.name ?? null,
    company: null,
    address1: receipt.first_line ?? null,
    address2: receipt.second_line ?? null,
    city: receipt.city ?? null,
    province: receipt.state ?? null,
    province_code: null,
    zip: receipt.zip ?? null,
    country: null,
    country_code: receipt.country_iso ?? null,
    phone: null,
  });
}

/**
 * The buyer's language. Etsy receipts do not carry one: a buyer shipping to
 * Japan is written to in Japanese, everyone else in English.
 */
export function buyerLocaleOf(receipt: Pick<EtsyReceipt, "country_iso">): "ja" | "en" {
  return receipt.country_iso?.toUpperCase() === "JP" ? "ja" : "en";
}

export interface MirroredReceipt {
  orderId: string;
  written: boolean;
}

/** Writes one receipt (and its items and shipments). Checks everything before writing anything. */
export async function mirrorReceipt(tx: Tx, shop: string, receipt: EtsyReceipt): Promise<MirroredReceipt> {
  const id = etsyOrderId(receipt.receipt_id);
  const updatedAt = updatedAtOf(receipt);
  const version = new Date(updatedAt * 1000);
  const createdAt = seconds(receipt.created_timestamp ?? receipt.create_timestamp) ?? version;
  const status = statusesOf(receipt);
  const items = (receipt.transactions ?? []).map((transaction) => ({
    id: `etsy:${transaction.transaction_id}`,
    productId: null,
    variantId: null,
    title: transaction.title ?? "",
    variantTitle:
      (transaction.variations ?? [])
        .map((v) => [v.formatted_name, v.formatted_value].filter(Boolean).join(": "))
        .filter(Boolean)
        .join(" / ") || null,
    sku: blankToNull(transaction.sku),
    quantity: transaction.quantity,
    price: moneyText(transaction.price),
  }));
  const parcels = (receipt.shipments ?? []).map((shipment, index) => ({
    // A shipment without its own id (Etsy allows null) is known by its place on the receipt.
    id: shipment.receipt_shipping_id ? `etsy:${shipment.receipt_shipping_id}` : `etsy:${receipt.receipt_id}:${index}`,
    trackingCompany: blankToNull(shipment.carrier_name),
    trackingNumbers: JSON.stringify(blankToNull(shipment.tracking_code) ? [shipment.tracking_code] : []),
    trackingUrls: JSON.stringify(blankToNull(shipment.tracking_url) ? [shipment.tracking_url] : []),
    shopifyCreatedAt: seconds(shipment.shipment_notification_timestamp),
  }));
  const data = {
    name: `Etsy #${receipt.receipt_id}`,
    customerId: null,
    email: blankToNull(receipt.buyer_email)?.trim().toLowerCase() ?? null,
    phone: null,
    locale: buyerLocaleOf(receipt),
    currency: receipt.grandtotal.currency_code.toUpperCase(),
    // What the buyer paid: items less discounts, plus shipping and tax (Etsy's grandtotal).
    totalPrice: moneyText(receipt.grandtotal),
    financialStatus: status.financialStatus,
    fulfillmentStatus: status.fulfillmentStatus,
    cancelledAt: status.cancelled ? version : null,
    cancelReason: null,
    shippingAddress: addressOf(receipt),
    statusUrl: null,
    source: "etsy",
    buyerNote: blankToNull(receipt.message_from_buyer),
    shopifyCreatedAt: createdAt,
    shopifyUpdatedAt: version,
  };
  const key = { shop, id };
  const written = await keepNewest({
    // Strictly older only: the poll reads its last seconds again (the overlap), and a receipt Etsy did
    // not change is not written again.
    update: () => tx.order.updateMany({ where: { ...key, shopifyUpdatedAt: { lt: version } }, data }),
    exists: () => tx.order.count({ where: key }).then((n) => n > 0),
    create: () => tx.order.create({ data: { ...key, ...data } }),
  });
  if (!written) return { orderId: id, written };
  await tx.lineItem.deleteMany({ where: { shop, orderId: id, id: { notIn: items.map((item) => item.id) } } });
  for (const { id: itemId, ...item } of items) {
    const itemKey = { shop, id: itemId };
    await tx.lineItem.upsert({
      where: { shop_id: itemKey },
      create: { ...itemKey, orderId: id, ...item },
      update: { orderId: id, ...item },
    });
  }
  for (const { id: parcelId, ...parcel } of parcels) {
    const parcelKey = { shop, id: parcelId };
    const row = { ...parcel, orderId: id, status: "SUCCESS", shopifyUpdatedAt: version };
    await tx.fulfillment.upsert({ where: { shop_id: parcelKey }, create: { ...parcelKey, ...row }, update: row });
  }
  await refreshOrderSearch(tx, shop, [id]);
  return { orderId: id, written };
}
