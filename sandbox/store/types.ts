// The sandbox store's records: what a Shopify shop holds, as plain data.
// Ids are decimal strings (many exceed 2^53), money is a decimal string in the
// shop currency, enums use the Admin GraphQL spelling (REST payloads lower-case
// them), times are Dates at whole seconds (Shopify keeps no milliseconds).

export type Id = string;
/** An amount such as "3300" or "10.50": never a float. */
export type Decimal = string;

export interface Address {
  firstName: string;
  lastName: string;
  company: string | null;
  address1: string;
  address2: string | null;
  city: string;
  province: string;
  provinceCode: string;
  zip: string;
  country: string;
  countryCode: string;
  phone: string | null;
}

export interface Shop {
  id: Id;
  /** The myshopify domain, e.g. kizuna-demo.myshopify.com: how everything else names the shop. */
  domain: string;
  name: string;
  email: string;
  contactEmail: string;
  currency: string;
  ianaTimezone: string;
  primaryDomain: string;
  address: Address;
  createdAt: Date;
  updatedAt: Date;
}

export interface Location {
  id: Id;
  name: string;
  address: Pick<
    Address,
    "address1" | "address2" | "city" | "province" | "provinceCode" | "zip" | "country" | "countryCode" | "phone"
  >;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type ProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

export interface Product {
  id: Id;
  title: string;
  handle: string;
  status: ProductStatus;
  vendor: string;
  productType: string;
  descriptionHtml: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

export interface Variant {
  id: Id;
  productId: Id;
  /** "Default Title" for a product without options. */
  title: string;
  sku: string | null;
  price: Decimal;
  compareAtPrice: Decimal | null;
  position: number;
  inventoryItemId: Id;
  createdAt: Date;
  updatedAt: Date;
}

export interface InventoryItem {
  id: Id;
  variantId: Id;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Stock of one inventory item at one location. Only `available` is modelled (on hand = available). */
export interface InventoryLevel {
  inventoryItemId: Id;
  locationId: Id;
  available: number;
  createdAt: Date;
  updatedAt: Date;
}

export type EmailMarketingState = "NOT_SUBSCRIBED" | "PENDING" | "SUBSCRIBED" | "UNSUBSCRIBED" | "INVALID";
export type SmsMarketingState = "NOT_SUBSCRIBED" | "PENDING" | "SUBSCRIBED" | "UNSUBSCRIBED" | "REDACTED";
export type MarketingOptInLevel = "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN";

export interface MarketingConsent<State extends string> {
  state: State;
  optInLevel: MarketingOptInLevel | null;
  updatedAt: Date | null;
}

export interface Customer {
  id: Id;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  /** The language the customer reads, e.g. "ja" or "en". */
  locale: string;
  emailMarketing: MarketingConsent<EmailMarketingState>;
  /** Null when the customer has no phone number. */
  smsMarketing: MarketingConsent<SmsMarketingState> | null;
  address: (Address & { id: Id }) | null;
  note: string | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type TransactionKind = "SALE" | "AUTHORIZATION" | "CAPTURE" | "REFUND" | "VOID";

export interface Transaction {
  id: Id;
  orderId: Id;
  kind: TransactionKind;
  status: "SUCCESS" | "FAILURE" | "PENDING";
  amount: Decimal;
  gateway: string;
  parentId: Id | null;
  createdAt: Date;
}

export interface LineItem {
  id: Id;
  orderId: Id;
  productId: Id | null;
  variantId: Id | null;
  /** The product's title at the time of the order. */
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  /** Unit price. */
  price: Decimal;
  requiresShipping: boolean;
  grams: number;
}

/** What the customer paid before any refund: refunds derive the rest (see derive.ts). */
export type PaymentStatus = "PAID" | "PENDING" | "AUTHORIZED" | "VOIDED";
export type CancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";

export interface Order {
  id: Id;
  /** 1001 for "#1001". */
  number: number;
  name: string;
  customerId: Id | null;
  email: string | null;
  phone: string | null;
  customerLocale: string;
  currency: string;
  lineItems: LineItem[];
  shippingLineId: Id;
  shippingTitle: string;
  shippingPrice: Decimal;
  taxesIncluded: boolean;
  /** Consumption tax included in the prices. */
  totalTax: Decimal;
  paymentStatus: PaymentStatus;
  paymentGateway: string;
  /** The sale and every refund transaction, oldest first. */
  transactions: Transaction[];
  shippingAddress: Address | null;
  billingAddress: Address | null;
  note: string | null;
  tags: string[];
  token: string;
  createdAt: Date;
  processedAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: CancelReason | null;
  closedAt: Date | null;
}

export type FulfillmentOrderStatus =
  "OPEN" | "IN_PROGRESS" | "ON_HOLD" | "CLOSED" | "CANCELLED" | "INCOMPLETE" | "SCHEDULED";

export type FulfillmentHoldReason =
  | "AWAITING_PAYMENT"
  | "AWAITING_RETURN_ITEMS"
  | "HIGH_RISK_OF_FRAUD"
  | "INCORRECT_ADDRESS"
  | "INVENTORY_OUT_OF_STOCK"
  | "ONLINE_STORE_POST_PURCHASE_CROSS_SELL"
  | "OTHER"
  | "UNKNOWN_DELIVERY_DATE";

export interface FulfillmentHold {
  id: Id;
  reason: FulfillmentHoldReason;
  reasonNotes: string | null;
  handle: string | null;
  createdAt: Date;
}

export interface FulfillmentOrderLine {
  id: Id;
  lineItemId: Id;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface FulfillmentOrder {
  id: Id;
  orderId: Id;
  locationId: Id;
  status: FulfillmentOrderStatus;
  lines: FulfillmentOrderLine[];
  holds: FulfillmentHold[];
  fulfillBy: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type FulfillmentStatus = "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE";

export type FulfillmentEventStatus =
  | "ATTEMPTED_DELIVERY"
  | "CARRIER_PICKED_UP"
  | "CONFIRMED"
  | "DELAYED"
  | "DELIVERED"
  | "FAILURE"
  | "IN_TRANSIT"
  | "LABEL_PRINTED"
  | "LABEL_PURCHASED"
  | "OUT_FOR_DELIVERY"
  | "READY_FOR_PICKUP";

/** A carrier scan. */
export interface FulfillmentEvent {
  id: Id;
  fulfillmentId: Id;
  status: FulfillmentEventStatus;
  message: string | null;
  happenedAt: Date;
  estimatedDeliveryAt: Date | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  createdAt: Date;
}

export interface Tracking {
  company: string;
  number: string;
  url: string | null;
}

export interface FulfillmentLine {
  /** The FulfillmentLineItem id (what returns refer to). */
  id: Id;
  lineItemId: Id;
  quantity: number;
}

export interface Fulfillment {
  id: Id;
  orderId: Id;
  fulfillmentOrderId: Id;
  locationId: Id;
  /** "#1001.1" */
  name: string;
  status: FulfillmentStatus;
  lines: FulfillmentLine[];
  tracking: Tracking[];
  createdAt: Date;
  updatedAt: Date;
}

export type ReturnStatus = "REQUESTED" | "OPEN" | "CLOSED" | "DECLINED" | "CANCELED";
export type ReturnReason =
  | "COLOR"
  | "DEFECTIVE"
  | "NOT_AS_DESCRIBED"
  | "OTHER"
  | "SIZE_TOO_LARGE"
  | "SIZE_TOO_SMALL"
  | "STYLE"
  | "UNKNOWN"
  | "UNWANTED"
  | "WRONG_ITEM";
export type ReturnDeclineReason = "FINAL_SALE" | "OTHER" | "RETURN_PERIOD_ENDED";

/** One of the shop's return reasons (Shopify's standard library of return reasons). */
export interface ReturnReasonDefinition {
  id: Id;
  /** Stable, e.g. "size-too-small". */
  handle: string;
  /** English; Shopify falls back to English when no translation exists. */
  name: string;
  deleted: boolean;
}

export interface ReturnLine {
  id: Id;
  fulfillmentLineItemId: Id;
  quantity: number;
  processedQuantity: number;
  returnReason: ReturnReason;
  returnReasonDefinitionId: Id | null;
  returnReasonNote: string;
  customerNote: string | null;
  /** Percentage of the line's value kept by the seller, e.g. 10 for 10%. */
  restockingFeePercentage: number | null;
}

/** A variant the customer gets instead, shipped once the return is processed. */
export interface ExchangeLine {
  id: Id;
  variantId: Id;
  quantity: number;
  processedQuantity: number;
  /** The order's line item created when the exchange is processed (then it ships). */
  lineItemIds: Id[];
}

export type DispositionType = "RESTOCKED" | "NOT_RESTOCKED" | "PROCESSING_REQUIRED" | "MISSING";

export interface Disposition {
  id: Id;
  type: DispositionType;
  quantity: number;
  locationId: Id | null;
  createdAt: Date;
}

export interface ReverseFulfillmentOrderLine {
  id: Id;
  returnLineId: Id;
  fulfillmentLineItemId: Id;
  totalQuantity: number;
  dispositions: Disposition[];
}

export interface ReverseDelivery {
  id: Id;
  lines: { id: Id; reverseFulfillmentOrderLineId: Id; quantity: number }[];
  tracking: { number: string | null; url: string | null; carrierName: string | null } | null;
  label: { fileUrl: string; createdAt: Date; updatedAt: Date } | null;
  /** Whether Shopify would have mailed the customer about it (notifyCustomer, true unless false). */
  customerNotified: boolean;
  createdAt: Date;
}

/** What the customer sends back and how, created when the return opens. */
export interface ReverseFulfillmentOrder {
  id: Id;
  status: "OPEN" | "CLOSED" | "CANCELED";
  lines: ReverseFulfillmentOrderLine[];
  deliveries: ReverseDelivery[];
}

export interface Return {
  id: Id;
  orderId: Id;
  /** "#1001-R1" */
  name: string;
  status: ReturnStatus;
  lines: ReturnLine[];
  exchangeLines: ExchangeLine[];
  /** The fee the customer pays for the return label, taken off the refund once. */
  returnShippingFee: { id: Id; amount: Decimal } | null;
  /** Whether a processing has already taken the return shipping fee off a refund. */
  returnShippingFeeTaken: boolean;
  reverseFulfillmentOrders: ReverseFulfillmentOrder[];
  decline: { reason: ReturnDeclineReason; note: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
  requestApprovedAt: Date | null;
  closedAt: Date | null;
}

/** A customer's store credit: what refunds to store credit add up to. */
export interface StoreCreditAccount {
  id: Id;
  customerId: Id;
  balance: Decimal;
  transactions: { id: Id; amount: Decimal; refundId: Id | null; expiresAt: Date | null; createdAt: Date }[];
}

/** An asynchronous Admin API job (orderCancel's): done once its work ran. */
export interface Job {
  id: Id;
  done: boolean;
  createdAt: Date;
}

export type RestockType = "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK";

export interface RefundLine {
  id: Id;
  lineItemId: Id;
  quantity: number;
  restockType: RestockType;
  locationId: Id | null;
  subtotal: Decimal;
}

export interface Refund {
  id: Id;
  orderId: Id;
  returnId: Id | null;
  note: string | null;
  lines: RefundLine[];
  /** Shipping refunded. */
  shipping: Decimal;
  /** The REFUND transactions: what money moved (their sum is the refund's total; store credit has gateway "shopify_store_credit"). */
  transactions: Transaction[];
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookSubscription {
  id: Id;
  /** GraphQL spelling, e.g. ORDERS_CREATE. */
  topic: string;
  uri: string;
  format: "JSON" | "XML";
  filter: string | null;
  includeFields: string[];
  apiVersion: string;
  createdAt: Date;
  updatedAt: Date;
}

export type AccessTokenKind = "offline" | "online";

export interface AccessToken {
  token: string;
  shop: string;
  kind: AccessTokenKind;
  scope: string;
  /** Null for a non-expiring offline token. */
  expiresAt: Date | null;
  /** The staff member an online token acts for. */
  userId: Id | null;
}

export interface RefreshToken {
  token: string;
  shop: string;
  scope: string;
  expiresAt: Date;
}
