// Fake Etsy receipts in Etsy's own shape (the ShopReceipt schema of Etsy's
// Open API description): money as { amount, divisor, currency_code }, status
// in Title Case, seconds since the epoch. Every value here is made up.

export interface EtsyMoney {
  amount: number;
  divisor: number;
  currency_code: string;
}

export interface EtsyStandInReceipt {
  receipt_id: number;
  receipt_type: number;
  seller_user_id: number;
  seller_email: string | null;
  buyer_user_id: number;
  buyer_email: string | null;
  name: string;
  first_line: string;
  second_line: string | null;
  city: string;
  state: string;
  zip: string;
  status: string;
  formatted_address: string;
  country_iso: string;
  payment_method: string;
  payment_email: string | null;
  message_from_payment: string | null;
  message_from_seller: string | null;
  message_from_buyer: string | null;
  is_shipped: boolean;
  is_paid: boolean;
  create_timestamp: number;
  created_timestamp: number;
  update_timestamp: number;
  updated_timestamp: number;
  is_gift: boolean;
  gift_message: string;
  grandtotal: EtsyMoney;
  subtotal: EtsyMoney;
  total_price: EtsyMoney;
  total_shipping_cost: EtsyMoney;
  total_tax_cost: EtsyMoney;
  total_vat_cost: EtsyMoney;
  discount_amt: EtsyMoney;
  gift_wrap_price: EtsyMoney;
  shipments: {
    receipt_shipping_id: number | null;
    shipment_notification_timestamp: number;
    carrier_name: string;
    tracking_code: string;
    tracking_url?: string | null;
  }[];
  transactions: {
    transaction_id: number;
    title: string;
    description: string;
    seller_user_id: number;
    buyer_user_id: number;
    create_timestamp: number;
    created_timestamp: number;
    paid_timestamp: number | null;
    shipped_timestamp: number | null;
    quantity: number;
    listing_image_id: number | null;
    receipt_id: number;
    is_digital: boolean;
    file_data: string;
    listing_id: number;
    sku: string;
    product_id: number | null;
    transaction_type: string;
    price: EtsyMoney;
    shipping_cost: EtsyMoney;
    variations: { property_id: number; value_id: number | null; formatted_name: string; formatted_value: string }[];
  }[];
  refunds: { reason: string; note_from_issuer: string; status: string; amount: EtsyMoney; created_timestamp: number }[];
}

export interface ReceiptInput {
  receiptId: number;
  sellerUserId: number;
  buyerUserId: number;
  buyerEmail?: string | null;
  buyerName: string;
  country: string;
  currency: string;
  /** Minor units per major unit: 100 (USD, EUR), 1 (JPY). */
  divisor: number;
  status?: string;
  isPaid?: boolean;
  isShipped?: boolean;
  messageFromBuyer?: string | null;
  createdAt: number;
  updatedAt?: number;
  items: {
    transactionId: number;
    listingId: number;
    title: string;
    quantity: number;
    price: number;
    sku?: string;
    variations?: [string, string][];
  }[];
  /** In minor units. */
  shipping?: number;
  tax?: number;
  discount?: number;
  shipments?: { id: number | null; at: number; carrier: string; trackingCode: string; trackingUrl?: string | null }[];
}

/** A receipt in Etsy's shape from the few facts a test or the demo chooses; totals add up exactly. */
export function etsyReceipt(input: ReceiptInput): EtsyStandInReceipt {
  const money = (amount: number): EtsyMoney => ({ amount, divisor: input.divisor, currency_code: input.currency });
  const itemsTotal = input.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  const shipping = input.shipping ?? 0;
  const tax = input.tax ?? 0;
  const discount = input.discount ?? 0;
  const updatedAt = input.updatedAt ?? input.createdAt;
  const isShipped = input.isShipped ?? (input.shipments?.length ?? 0) > 0;
  return {
    receipt_id: input.receiptId,
    receipt_type: 0,
    seller_user_id: input.sellerUserId,
    seller_email: null,
    buyer_user_id: input.buyerUserId,
    buyer_email: input.buyerEmail ?? null,
    name: input.buyerName,
    first_line: "1 Sample Street",
    second_line: null,
    city: input.country === "JP" ? "Shibuya-ku" : "Springfield",
    state: input.country === "JP" ? "Tokyo" : "OR",
    zip: input.country === "JP" ? "150-0001" : "97477",
    status: input.status ?? (isShipped ? "Completed" : "Paid"),
    formatted_address: `${input.buyerName}\n1 Sample Street`,
    country_iso: input.country,
    payment_method: "cc",
    payment_email: null,
    message_from_payment: null,
    message_from_seller: "",
    message_from_buyer: input.messageFromBuyer ?? "",
    is_shipped: isShipped,
    is_paid: input.isPaid ?? true,
    create_timestamp: input.createdAt,
    created_timestamp: input.createdAt,
    update_timestamp: updatedAt,
    updated_timestamp: updatedAt,
    is_gift: false,
    gift_message: "",
    grandtotal: money(itemsTotal - discount + shipping + tax),
    subtotal: money(itemsTotal - discount),
    total_price: money(itemsTotal),
    total_shipping_cost: money(shipping),
    total_tax_cost: money(tax),
    total_vat_cost: money(0),
    discount_amt: money(discount),
    gift_wrap_price: money(0),
    shipments: (input.shipments ?? []).map((shipment) => ({
      receipt_shipping_id: shipment.id,
      shipment_notification_timestamp: shipment.at,
      carrier_name: shipment.carrier,
      tracking_code: shipment.trackingCode,
      ...(shipment.trackingUrl !== undefined ? { tracking_url: shipment.trackingUrl } : {}),
    })),
    transactions: input.items.map((item) => ({
      transaction_id: item.transactionId,
      title: item.title,
      description: "",
      seller_user_id: input.sellerUserId,
      buyer_user_id: input.buyerUserId,
      create_timestamp: input.createdAt,
      created_timestamp: input.createdAt,
      paid_timestamp: input.isPaid === false ? null : input.createdAt,
      shipped_timestamp: isShipped ? updatedAt : null,
      quantity: item.quantity,
      listing_image_id: null,
      receipt_id: input.receiptId,
      is_digital: false,
      file_data: "",
      listing_id: item.listingId,
      sku: item.sku ?? "",
      product_id: null,
      transaction_type: "listing",
      price: money(item.price),
      shipping_cost: money(0),
      variations: (item.variations ?? []).map(([name, value], index) => ({
        property_id: 200 + index,
        value_id: null,
        formatted_name: name,
        formatted_value: value,
      })),
    })),
    refunds: [],
  };
}
