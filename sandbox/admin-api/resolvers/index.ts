// One resolver map for the whole Admin schema. graphql-js runs the real
// schema with `fieldResolver` below: a field listed for its parent type in
// TYPES is computed; any other field reads the same-named property of the
// store record (which is why store records use GraphQL's field names).
// Root fields live on the root value; interface and union values carry their
// concrete type in `__typename` (see typeResolver).
import { isInterfaceType, type GraphQLFieldResolver, type GraphQLTypeResolver } from "graphql";
import { gid } from "../../store/index.ts";
import { customerFields } from "./customers.ts";
import type { FieldMap, ResolverContext, RootField } from "./define.ts";
import {
  fulfillmentEventFields,
  fulfillmentFields,
  fulfillmentHoldFields,
  fulfillmentLineItemFields,
  fulfillmentOrderFields,
  fulfillmentOrderLineItemFields,
} from "./fulfillments.ts";
import {
  inventoryItemFields,
  inventoryLevelFields,
  locationFields,
  productFields,
  variantFields,
} from "./catalogue.ts";
import { mutationFields } from "./mutations.ts";
import { lineItemFields, orderFields, refundFields, refundLineItemFields, transactionFields } from "./orders.ts";
import { queryFields } from "./queries.ts";
import {
  dispositionFields,
  exchangeLineItemFields,
  returnableFulfillmentFields,
  returnFields,
  returnLineItemFields,
  reverseDeliveryFields,
  reverseDeliveryLineItemFields,
  reverseFulfillmentOrderFields,
  reverseFulfillmentOrderLineItemFields,
} from "./returns.ts";
import { shopFields, webhookSubscriptionFields } from "./shop.ts";

export type { ResolverContext } from "./define.ts";

const TYPES: Record<string, FieldMap<never>> = {
  Shop: shopFields,
  Order: orderFields,
  LineItem: lineItemFields,
  OrderTransaction: transactionFields,
  Refund: refundFields,
  RefundLineItem: refundLineItemFields,
  Customer: customerFields,
  Product: productFields,
  ProductVariant: variantFields,
  InventoryItem: inventoryItemFields,
  InventoryLevel: inventoryLevelFields,
  Location: locationFields,
  FulfillmentOrder: fulfillmentOrderFields,
  FulfillmentOrderLineItem: fulfillmentOrderLineItemFields,
  FulfillmentHold: fulfillmentHoldFields,
  Fulfillment: fulfillmentFields,
  FulfillmentEvent: fulfillmentEventFields,
  FulfillmentLineItem: fulfillmentLineItemFields,
  Return: returnFields,
  ReturnLineItem: returnLineItemFields,
  ReturnableFulfillment: returnableFulfillmentFields,
  ExchangeLineItem: exchangeLineItemFields,
  ReverseFulfillmentOrder: reverseFulfillmentOrderFields,
  ReverseFulfillmentOrderLineItem: reverseFulfillmentOrderLineItemFields,
  ReverseFulfillmentOrderDisposition: dispositionFields,
  ReverseDelivery: reverseDeliveryFields,
  ReverseDeliveryLineItem: reverseDeliveryLineItemFields,
  WebhookSubscription: webhookSubscriptionFields,
};

/** Query and Mutation fields, called by graphql-js on the root value as (args, context, info). */
export const rootValue: Record<string, RootField> = { ...queryFields, ...mutationFields };

/** Shopify writes times at whole seconds: 2026-11-23T03:00:00Z. */
function wire(value: unknown): unknown {
  return value instanceof Date ? value.toISOString().replace(/\.\d{3}Z$/, "Z") : value;
}

function isDecimalId(value: unknown): value is string {
  return typeof value === "string" && /^\d+$/.test(value);
}

export const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, ctx, info) => {
  const resolver = TYPES[info.parentType.name]?.[info.fieldName];
  if (resolver) return wire(resolver(source as never, args, ctx, info));
  const record = source as Record<string, unknown>;
  const value = record[info.fieldName];
  if (typeof value === "function") return wire((value as RootField)(args, ctx, info));
  // A Node's `id` is its GID; the store keeps the number.
  if (info.fieldName === "id" && isDecimalId(value) && info.parentType.getInterfaces().some((i) => i.name === "Node")) {
    return gid(info.parentType.name, value);
  }
  if (info.fieldName === "legacyResourceId" && isDecimalId(record.id)) return record.id;
  return wire(value);
};

export const typeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (value, _ctx, _info, abstractType) => {
  const typename = (value as { __typename?: unknown }).__typename;
  if (typeof typename === "string") return typename;
  throw new Error(
    `a value for ${isInterfaceType(abstractType) ? "interface" : "union"} ${abstractType.name} has no __typename`,
  );
};
