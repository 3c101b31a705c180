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
  Refund,
  Return,
  Shop,
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

export function levelKey(inventoryItemId: Id, locationId: Id): string {
  return `${inventoryItemId}@${locationId}`;
}

function found<T>(record: T | undefined, what: string, field: string[] | null): T {
  if (record === undefined) throw notFound(what, field);
  return record;
}
