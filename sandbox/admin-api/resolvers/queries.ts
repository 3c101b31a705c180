// QueryRoot fields. Every lookup goes through the token's shop, so another
// shop's id simply finds nothing (null), as on Shopify.
import { derive, parseGid, type Id, type ShopData } from "../../store/index.ts";
import { requestError } from "../errors.ts";
import { inventoryItemList, LOCATION_LIST, PRODUCT_LIST, variantList } from "./catalogue.ts";
import { connection, listConnection } from "./connection.ts";
import { CUSTOMER_LIST } from "./customers.ts";
import { typed, type Args, type ResolverContext, type RootField } from "./define.ts";
import { ORDER_LIST } from "./orders.ts";
import { shopLocalesField, WEBHOOK_SUBSCRIPTION_LIST } from "./shop.ts";

/** How each Node type is found by its GID's id. */
const NODES: Record<string, (data: ShopData, id: Id, gid: string) => object | undefined> = {
  Order: (data, id) => data.orders.get(id),
  LineItem: (data, id) => data.lineItems.get(id),
  Customer: (data, id) => data.customers.get(id),
  Product: (data, id) => data.products.get(id),
  ProductVariant: (data, id) => data.variants.get(id),
  InventoryItem: (data, id) => data.inventoryItems.get(id),
  InventoryLevel: (data, id, gid) => {
    const item = new URLSearchParams(gid.split("?")[1] ?? "").get("inventory_item_id");
    return item ? data.level(item, id) : undefined;
  },
  Location: (data, id) => data.locations.get(id),
  FulfillmentOrder: (data, id) => data.fulfillmentOrders.get(id),
  Fulfillment: (data, id) => data.fulfillments.get(id),
  FulfillmentEvent: (data, id) => data.fulfillmentEvents.get(id),
  FulfillmentLineItem: (data, id) => data.fulfillmentOfLine(id)?.lines.find((line) => line.id === id),
  Return: (data, id) => data.returns.get(id),
  ReturnLineItem: (data, id) => [...data.returns.values()].flatMap((ret) => ret.lines).find((line) => line.id === id),
  Refund: (data, id) => data.refunds.get(id),
  ReturnReasonDefinition: (data, id) => data.returnReasonDefinitions.get(id),
  ExchangeLineItem: (data, id) =>
    [...data.returns.values()].flatMap((ret) => ret.exchangeLines).find((line) => line.id === id),
  ReverseFulfillmentOrder: (data, id) => data.reverseFulfillmentOrder(id)?.order,
  ReverseDelivery: (data, id) => data.reverseDelivery(id)?.delivery,
  WebhookSubscription: (data, id) => data.webhookSubscriptions.get(id),
  Shop: (data, id) => (data.shop.id === id ? data.shop : undefined),
};

function parsed(value: unknown): { type: string; id: Id; gid: string } {
  const gid = typeof value === "string" ? value : "";
  const found = parseGid(gid);
  if (!found) throw requestError(`Invalid global id '${gid}'`, "argumentLiteralsIncompatible");
  return { ...found, gid };
}

/** The record a GID names in this shop, or null (unknown, or of another type than `type`). */
export function lookup(ctx: ResolverContext, value: unknown, type?: string): object | null {
  const { type: found, id, gid } = parsed(value);
  if (type && found !== type) return null;
  return NODES[found]?.(ctx.data, id, gid) ?? null;
}

function node(ctx: ResolverContext, value: unknown): object | null {
  const record = lookup(ctx, value);
  return record ? typed(parsed(value).type, record) : null;
}

const byGid =
  (type: string): RootField =>
  (args, ctx) =>
    lookup(ctx, args.id, type);

export const queryFields: Record<string, RootField> = {
  shop: (_args, ctx) => ctx.data.shop,
  shopLocales: shopLocalesField,
  node: (args, ctx) => node(ctx, args.id),
  nodes: (args, ctx) => (Array.isArray(args.ids) ? args.ids.map((id) => node(ctx, id)) : []),
  order: byGid("Order"),
  orders: (args, ctx) => listConnection(ORDER_LIST, [...ctx.data.orders.values()], args),
  customer: byGid("Customer"),
  customers: (args, ctx) => listConnection(CUSTOMER_LIST, [...ctx.data.customers.values()], args),
  product: byGid("Product"),
  products: (args, ctx) => listConnection(PRODUCT_LIST, [...ctx.data.products.values()], args),
  productVariant: byGid("ProductVariant"),
  productVariants: (args, ctx) => listConnection(variantList(ctx), [...ctx.data.variants.values()], args),
  inventoryItem: byGid("InventoryItem"),
  inventoryItems: (args, ctx) => listConnection(inventoryItemList(ctx), [...ctx.data.inventoryItems.values()], args),
  inventoryLevel: byGid("InventoryLevel"),
  location: (args: Args, ctx) =>
    args.id == null ? ([...ctx.data.locations.values()][0] ?? null) : lookup(ctx, args.id, "Location"),
  locations: (args, ctx) =>
    listConnection(
      LOCATION_LIST,
      [...ctx.data.locations.values()].filter((location) => location.isActive || args.includeInactive === true),
      args,
    ),
  fulfillment: byGid("Fulfillment"),
  fulfillmentOrder: byGid("FulfillmentOrder"),
  return: byGid("Return"),
  returnReasonDefinitions: (args, ctx) => {
    const handles = Array.isArray(args.handles) ? (args.handles as string[]) : null;
    const ids = Array.isArray(args.ids) ? (args.ids as string[]) : null;
    const definitions = [...ctx.data.returnReasonDefinitions.values()].filter(
      (definition) =>
        (!handles || handles.includes(definition.handle)) &&
        (!ids || ids.includes(`gid://shopify/ReturnReasonDefinition/${definition.id}`)),
    );
    return connection(definitions, args, (definition) => definition.id);
  },
  reverseFulfillmentOrder: byGid("ReverseFulfillmentOrder"),
  reverseDelivery: byGid("ReverseDelivery"),
  job: (args, ctx) => {
    const { type, id, gid } = parsed(args.id);
    const job = type === "Job" ? ctx.data.jobs.get(id) : undefined;
    // Shopify answers any job id it does not know as done: the job ran and was forgotten.
    return { id: gid, done: job ? job.done : true, query: null };
  },
  refund: byGid("Refund"),
  returnableFulfillments: (args, ctx) => {
    const order = lookup(ctx, args.orderId, "Order");
    if (!order) throw requestError("Order does not exist.", "NOT_FOUND");
    const fulfillments = ctx.data
      .fulfillmentsOf((order as { id: Id }).id)
      .filter((fulfillment) => derive.returnableLines(ctx.data, fulfillment).length > 0);
    return connection(fulfillments, args, (fulfillment) => fulfillment.id);
  },
  webhookSubscription: byGid("WebhookSubscription"),
  webhookSubscriptions: (args, ctx) => {
    const topics = Array.isArray(args.topics) ? (args.topics as string[]) : null;
    const uri =
      typeof args.uri === "string" ? args.uri : typeof args.callbackUrl === "string" ? args.callbackUrl : null;
    const subscriptions = [...ctx.data.webhookSubscriptions.values()].filter(
      (s) =>
        (!topics || topics.includes(s.topic)) &&
        (!uri || s.uri === uri) &&
        (typeof args.format !== "string" || s.format === args.format),
    );
    return listConnection(WEBHOOK_SUBSCRIPTION_LIST, subscriptions, args);
  },
};
