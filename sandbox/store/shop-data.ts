// Everything one shop holds, in insertion order, with lookups by id and by
// parent. Changes go through the functions in catalogue.ts, customers.ts,
// orders.ts, fulfillment.ts, returns.ts and refunds.ts, which keep the
// records' updatedAt and their order's updatedAt current.
import { wholeSeconds, type Clock } from "./clock.ts";
import { notFound } from "./errors.ts";
import type { IdKind, IdSequence } from "./ids.ts";
import type {
  Customer,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentOrder,
  Id,
  InventoryItem,
  InventoryLevel,
  LineItem,
  Location,
  Order,
  Product,
  Job,
  Refund,
  Return,
  ReturnReasonDefinition,
  ReverseDelivery,
  ReverseFulfillmentOrder,
  Shop,
  StoreCreditAccount,
  Variant,
  WebhookSubscription,
} from "./types.ts";

export class ShopData {
  readonly locations = new Map<Id, Location>();
  readonly products = new Map<Id, Product>();
  readonly variants = new Map<Id, Variant>();
  readonly inventoryItems = new Map<Id, InventoryItem>();
  /** Keyed by levelKey(inventoryItemId, locationId). */
  readonly inventoryLevels = new Map<string, InventoryLevel>();
  readonly customers = new Map<Id, Customer>();
  readonly orders = new Map<Id, Order>();
  /** Every order's line items, by id (each also lists its order). */
  readonly lineItems = new Map<Id, LineItem>();
  readonly fulfillmentOrders = new Map<Id, FulfillmentOrder>();
  readonly fulfillments = new Map<Id, Fulfillment>();
  readonly fulfillmentEvents = new Map<Id, FulfillmentEvent>();
  readonly returns = new Map<Id, Return>();
  readonly refunds = new Map<Id, Refund>();
  readonly webhookSubscriptions = new Map<Id, WebhookSubscription>();
  /** The shop's return reasons, Shopify's standard ones (fixed ids: they are not the shop's own records). */
  readonly returnReasonDefinitions = new Map<Id, ReturnReasonDefinition>(
    STANDARD_RETURN_REASONS.map(([handle, name], index) => {
      const id = String(RETURN_REASON_BASE + index + 1);
      return [id, { id, handle, name, deleted: false }];
    }),
  );
  /** Store credit by customer id. */
  readonly storeCreditAccounts = new Map<Id, StoreCreditAccount>();
  readonly jobs = new Map<Id, Job>();
  /** Results of mutations sent with @idempotent, by mutation and key: a repeated key answers the first result. */
  readonly idempotentResults = new Map<string, { fingerprint: string; result: unknown }>();

  constructor(
    readonly shop: Shop,
    private readonly ids: IdSequence,
    private readonly clock: Clock,
  ) {}

  get domain(): string {
    return this.shop.domain;
  }

  nextId(kind: IdKind): Id {
    return this.ids.next(kind);
  }

  /** The store's "now", at whole seconds. */
  now(): Date {
    return wholeSeconds(this.clock.now());
  }

  nextOrderNumber(): number {
    let highest = 1000;
    for (const order of this.orders.values()) highest = Math.max(highest, order.number);
    return highest + 1;
  }

  requireOrder(id: Id, field: string[] | null = null): Order {
    return found(this.orders.get(id), "Order", field);
  }

  requireCustomer(id: Id, field: string[] | null = null): Customer {
    return found(this.customers.get(id), "Customer", field);
  }

  requireVariant(id: Id, field: string[] | null = null): Variant {
    return found(this.variants.get(id), "Product variant", field);
  }

  requireProduct(id: Id, field: string[] | null = null): Product {
    return found(this.products.get(id), "Product", field);
  }

  requireLocation(id: Id, field: string[] | null = null): Location {
    return found(this.locations.get(id), "Location", field);
  }

  requireFulfillment(id: Id, field: string[] | null = null): Fulfillment {
    return found(this.fulfillments.get(id), "Fulfillment", field);
  }

  requireFulfillmentOrder(id: Id, field: string[] | null = null): FulfillmentOrder {
    return found(this.fulfillmentOrders.get(id), "Fulfillment order", field);
  }

  requireReturn(id: Id, field: string[] | null = null): Return {
    return found(this.returns.get(id), "Return", field);
  }

  requireRefund(id: Id, field: string[] | null = null): Refund {
    return found(this.refunds.get(id), "Refund", field);
  }

  requireReturnReasonDefinition(id: Id, field: string[] | null = null): ReturnReasonDefinition {
    return found(this.returnReasonDefinitions.get(id), "Return reason definition", field);
  }

  returnReasonByHandle(handle: string): ReturnReasonDefinition | undefined {
    return [...this.returnReasonDefinitions.values()].find((definition) => definition.handle === handle);
  }

  /** A reverse fulfillment order and the return it belongs to. */
  reverseFulfillmentOrder(id: Id): { ret: Return; order: ReverseFulfillmentOrder } | undefined {
    for (const ret of this.returns.values()) {
      const order = ret.reverseFulfillmentOrders.find((candidate) => candidate.id === id);
      if (order) return { ret, order };
    }
    return undefined;
  }

  reverseDelivery(id: Id): { ret: Return; order: ReverseFulfillmentOrder; delivery: ReverseDelivery } | undefined {
    for (const ret of this.returns.values()) {
      for (const order of ret.reverseFulfillmentOrders) {
        const delivery = order.deliveries.find((candidate) => candidate.id === id);
        if (delivery) return { ret, order, delivery };
      }
    }
    return undefined;
  }

  level(inventoryItemId: Id, locationId: Id): InventoryLevel | undefined {
    return this.inventoryLevels.get(levelKey(inventoryItemId, locationId));
  }

  levelsOfItem(inventoryItemId: Id): InventoryLevel[] {
    return [...this.inventoryLevels.values()].filter((level) => level.inventoryItemId === inventoryItemId);
  }

  levelsAtLocation(locationId: Id): InventoryLevel[] {
    return [...this.inventoryLevels.values()].filter((level) => level.locationId === locationId);
  }

  variantsOf(productId: Id): Variant[] {
    return [...this.variants.values()].filter((variant) => variant.productId === productId);
  }

  variantOfItem(inventoryItemId: Id): Variant | undefined {
    const item = this.inventoryItems.get(inventoryItemId);
    return item ? this.variants.get(item.variantId) : undefined;
  }

  ordersOf(customerId: Id): Order[] {
    return [...this.orders.values()].filter((order) => order.customerId === customerId);
  }

  fulfillmentOrdersOf(orderId: Id): FulfillmentOrder[] {
    return [...this.fulfillmentOrders.values()].filter((fulfillmentOrder) => fulfillmentOrder.orderId === orderId);
  }

  fulfillmentsOf(orderId: Id): Fulfillment[] {
    return [...this.fulfillments.values()].filter((fulfillment) => fulfillment.orderId === orderId);
  }

  /** A fulfillment's carrier scans in the order they were recorded. */
  eventsOf(fulfillmentId: Id): FulfillmentEvent[] {
    return [...this.fulfillmentEvents.values()].filter((event) => event.fulfillmentId === fulfillmentId);
  }

  returnsOf(orderId: Id): Return[] {
    return [...this.returns.values()].filter((ret) => ret.orderId === orderId);
  }

  refundsOf(orderId: Id): Refund[] {
    return [...this.refunds.values()].filter((refund) => refund.orderId === orderId);
  }

  /** The fulfillment holding a fulfillment line item (what returns refer to). */
  fulfillmentOfLine(fulfillmentLineItemId: Id): Fulfillment | undefined {
    return [...this.fulfillments.values()].find((f) => f.lines.some((line) => line.id === fulfillmentLineItemId));
  }

  /** Marks the order as changed at `at` (Shopify bumps an order's updated_at when anything on it changes). */
  touchOrder(orderId: Id, at: Date): void {
    const order = this.orders.get(orderId);
    if (order && order.updatedAt < at) order.updatedAt = at;
  }
}

const RETURN_REASON_BASE = 1_034_000_000;

/** Handles and English names of Shopify's standard return reasons the sandbox offers. */
export const STANDARD_RETURN_REASONS: readonly [handle: string, name: string][] = [
  ["size-too-small", "Size was too small"],
  ["size-too-large", "Size was too large"],
  ["damaged", "Arrived damaged"],
  ["defective", "Item is defective"],
  ["wrong-item", "Received the wrong item"],
  ["not-as-described", "Not as described"],
  ["color", "Color is not as expected"],
  ["style", "Style is not as expected"],
  ["changed-mind", "Changed my mind"],
  ["arrived-late", "Arrived too late"],
  ["other", "Other"],
];

export function levelKey(inventoryItemId: Id, locationId: Id): string {
  return `${inventoryItemId}@${locationId}`;
}

function found<T>(record: T | undefined, what: string, field: string[] | null): T {
  if (record === undefined) throw notFound(what, field);
  return record;
}
