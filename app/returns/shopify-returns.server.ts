// Returns, refunds and cancellations on Shopify: the Admin API calls the returns
// domain makes, and what their answers mean, typed. Ids in and out are the
// mirror's numeric ids; GIDs stay inside this module.
import {
  ReturnApproveRequestMutation,
  ReturnCancelMutation,
  ReturnCreateMutation,
  ReturnCloseMutation,
  ReturnDeclineRequestMutation,
  ReturnQuery,
  ReturnReasonDefinitionsQuery,
  ReturnReopenMutation,
  ReturnRequestMutation,
  ReturnSuggestedOutcomeQuery,
  ReturnableFulfillmentsQuery,
  ReverseDeliveryCreateWithShippingMutation,
} from "../graphql/returns.ts";
import { JobQuery, OrderSuggestedRefundQuery } from "../graphql/orders.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";

export function toGid(type: string, id: string): string {
  return id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`;
}

/** `gid://shopify/Return/7?x=1` → "7"; a plain id stays as it is. */
export function fromGid(value: string): string {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(value);
  return match ? match[1]! : value;
}

type Money = { shopMoney: { amount: string; currencyCode: string } } | null | undefined;

function amountOf(money: Money): string {
  return money?.shopMoney.amount ?? "0";
}

export interface ReturnReasonDefinition {
  id: string;
  handle: string;
  name: string;
}

export async function returnReasonDefinitions(api: AdminApi): Promise<ReturnReasonDefinition[]> {
  const { data } = await api.request<{
    returnReasonDefinitions: { nodes: ReturnReasonDefinition[] };
  }>(ReturnReasonDefinitionsQuery, {});
  return data.returnReasonDefinitions.nodes;
}

export interface ReturnableLine {
  fulfillmentLineItemId: string;
  lineItemId: string;
  name: string;
  quantity: number;
}

/** What Shopify says can still be returned on the order, per fulfillment line. */
export async function returnableLines(api: AdminApi, orderId: string): Promise<ReturnableLine[]> {
  const { data } = await api.request<{
    returnableFulfillments: {
      nodes: {
        returnableFulfillmentLineItems: {
          nodes: { quantity: number; fulfillmentLineItem: { id: string; lineItem: { id: string; name: string } } }[];
        };
      }[];
    };
  }>(ReturnableFulfillmentsQuery, { orderId: toGid("Order", orderId) });
  return data.returnableFulfillments.nodes.flatMap((fulfillment) =>
    fulfillment.returnableFulfillmentLineItems.nodes
      .filter((line) => line.quantity > 0)
      .map((line) => ({
        fulfillmentLineItemId: fromGid(line.fulfillmentLineItem.id),
        lineItemId: fromGid(line.fulfillmentLineItem.lineItem.id),
        name: line.fulfillmentLineItem.lineItem.name,
        quantity: line.quantity,
      })),
  );
}

export interface ShopifyReturnLine {
  id: string;
  quantity: number;
  processableQuantity: number;
  processedQuantity: number;
  fulfillmentLineItemId: string | null;
  lineItemId: string | null;
  title: string | null;
  variantTitle: string | null;
  reasonHandle: string | null;
  reasonName: string | null;
  customerNote: string | null;
  /** The reverse fulfillment order line that dispositions name. */
  reverseLineId: string | null;
}

export interface ShopifyReturn {
  id: string;
  name: string;
  status: string;
  orderId: string;
  createdAt: string | null;
  requestApprovedAt: string | null;
  closedAt: string | null;
  decline: { reason: string; note: string | null } | null;
  lines: ShopifyReturnLine[];
  exchangeLines: { id: string; quantity: number; processableQuantity: number; variantId: string | null }[];
  reverseFulfillmentOrderIds: string[];
  deliveries: {
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    labelUrl: string | null;
  }[];
  refunds: { id: string; amount: string; currency: string | null; createdAt: string }[];
}

interface ReturnNode {
  id: string;
  name: string;
  status: string;
  createdAt?: string | null;
  requestApprovedAt: string | null;
  closedAt: string | null;
  order: { id: string };
  decline: { reason: string; note: string | null } | null;
  returnLineItems: {
    nodes: {
      id: string;
      quantity: number;
      processableQuantity: number;
      processedQuantity: number;
      customerNote?: string | null;
      returnReasonDefinition?: { handle: string; name: string } | null;
      fulfillmentLineItem?: {
        id: string;
        lineItem?: { id: string; title: string; variant?: { title: string | null } | null } | null;
      } | null;
    }[];
  };
  exchangeLineItems?: {
    nodes: { id: string; quantity: number; processableQuantity?: number; variantId: string | null }[];
  };
  reverseFulfillmentOrders?: {
    nodes: {
      id: string;
      lineItems: { nodes: { id: string; fulfillmentLineItem: { id: string } | null }[] };
      reverseDeliveries?: {
        nodes: {
          deliverable: {
            tracking?: { carrierName: string | null; number: string | null; url: string | null } | null;
            label?: { publicFileUrl: string | null } | null;
          } | null;
        }[];
      };
    }[];
  };
  refunds?: { nodes: { id: string; createdAt: string; totalRefundedSet: Money }[] };
}

function readReturn(node: ReturnNode): ShopifyReturn {
  const reverseOrders = node.reverseFulfillmentOrders?.nodes ?? [];
  const reverseLineOf = (fulfillmentLineItemId: string | undefined) =>
    reverseOrders
      .flatMap((order) => order.lineItems.nodes)
      .find((line) => line.fulfillmentLineItem?.id === fulfillmentLineItemId)?.id ?? null;
  return {
    id: fromGid(node.id),
    name: node.name,
    status: node.status,
    orderId: fromGid(node.order.id),
    createdAt: node.createdAt ?? null,
    requestApprovedAt: node.requestApprovedAt,
    closedAt: node.closedAt,
    decline: node.decline,
    lines: node.returnLineItems.nodes.map((line) => ({
      id: line.id,
      quantity: line.quantity,
      processableQuantity: line.processableQuantity,
      processedQuantity: line.processedQuantity,
      fulfillmentLineItemId: line.fulfillmentLineItem ? fromGid(line.fulfillmentLineItem.id) : null,
      lineItemId: line.fulfillmentLineItem?.lineItem ? fromGid(line.fulfillmentLineItem.lineItem.id) : null,
      title: line.fulfillmentLineItem?.lineItem?.title ?? null,
      variantTitle: line.fulfillmentLineItem?.lineItem?.variant?.title ?? null,
      reasonHandle: line.returnReasonDefinition?.handle ?? null,
      reasonName: line.returnReasonDefinition?.name ?? null,
      customerNote: line.customerNote ?? null,
      reverseLineId: reverseLineOf(line.fulfillmentLineItem?.id),
    })),
    exchangeLines: (node.exchangeLineItems?.nodes ?? []).map((line) => ({
      id: line.id,
      quantity: line.quantity,
      processableQuantity: line.processableQuantity ?? line.quantity,
      variantId: line.variantId ? fromGid(line.variantId) : null,
    })),
    reverseFulfillmentOrderIds: reverseOrders.map((order) => order.id),
    deliveries: reverseOrders.flatMap((order) =>
      (order.reverseDeliveries?.nodes ?? []).map((delivery) => ({
        carrier: delivery.deliverable?.tracking?.carrierName ?? null,
        trackingNumber: delivery.deliverable?.tracking?.number ?? null,
        trackingUrl: delivery.deliverable?.tracking?.url ?? null,
        labelUrl: delivery.deliverable?.label?.publicFileUrl ?? null,
      })),
    ),
    refunds: (node.refunds?.nodes ?? []).map((refund) => ({
      id: fromGid(refund.id),
      amount: amountOf(refund.totalRefundedSet),
      currency: refund.totalRefundedSet?.shopMoney.currencyCode ?? null,
      createdAt: refund.createdAt,
    })),
  };
}

export async function fetchReturn(api: AdminApi, returnId: string): Promise<ShopifyReturn | null> {
  const { data } = await api.request<{ return: ReturnNode | null }>(ReturnQuery, { id: toGid("Return", returnId) });
  return data.return ? readReturn(data.return) : null;
}

type ReturnPayload<K extends string> = Record<K, { return: ReturnNode | null }>;

async function returnMutation<K extends string>(
  api: AdminApi,
  field: K,
  document: string,
  variables: Record<string, unknown>,
): Promise<ShopifyReturn> {
  const { data } = await api.request<ReturnPayload<K>>(document, variables);
  const node = data[field].return;
  if (!node) throw new Error(`${field} answered no return`);
  return readReturn(node);
}

export interface RequestLine {
  fulfillmentLineItemId: string;
  quantity: number;
  reasonDefinitionId: string | null;
  customerNote: string | null;
}

export function requestReturnOnShopify(api: AdminApi, orderId: string, lines: RequestLine[]): Promise<ShopifyReturn> {
  return returnMutation(api, "returnRequest", ReturnRequestMutation, {
    input: {
      orderId: toGid("Order", orderId),
      returnLineItems: lines.map((line) => ({
        fulfillmentLineItemId: toGid("FulfillmentLineItem", line.fulfillmentLineItemId),
        quantity: line.quantity,
        ...(line.reasonDefinitionId ? { returnReasonDefinitionId: line.reasonDefinitionId } : {}),
        ...(line.customerNote ? { customerNote: line.customerNote } : {}),
      })),
    },
  });
}

export interface ExchangeLine {
  fulfillmentLineItemId: string;
  quantity: number;
  reasonDefinitionId: string | null;
  customerNote: string | null;
  exchangeVariantId: string | null;
}

/** An exchange, OPEN at once with its exchange lines (a request cannot carry them: ADR 0013). Answers its id. */
export async function createExchangeOnShopify(api: AdminApi, orderId: string, lines: ExchangeLine[]): Promise<string> {
  const { data } = await api.request<{ returnCreate: { return: { id: string } | null } }>(ReturnCreateMutation, {
    returnInput: {
      orderId: toGid("Order", orderId),
      notifyCustomer: false,
      returnLineItems: lines.map((line) => ({
        fulfillmentLineItemId: toGid("FulfillmentLineItem", line.fulfillmentLineItemId),
        quantity: line.quantity,
        ...(line.reasonDefinitionId ? { returnReasonDefinitionId: line.reasonDefinitionId } : {}),
        ...(line.customerNote ? { returnReasonNote: line.customerNote } : {}),
      })),
      exchangeLineItems: lines
        .filter((line) => line.exchangeVariantId)
        .map((line) => ({ variantId: toGid("ProductVariant", line.exchangeVariantId!), quantity: line.quantity })),
    },
  });
  if (!data.returnCreate.return) throw new Error("returnCreate answered no return");
  return fromGid(data.returnCreate.return.id);
}

// Kizuna sends its own notices, in the customer's language: Shopify's stay off.
export function approveOnShopify(api: AdminApi, returnId: string): Promise<ShopifyReturn> {
  return returnMutation(api, "returnApproveRequest", ReturnApproveRequestMutation, {
    input: { id: toGid("Return", returnId), notifyCustomer: false },
  });
}

import type { DeclineReason } from "./return-labels.ts";
export type { DeclineReason };

export function declineOnShopify(
  api: AdminApi,
  returnId: string,
  reason: DeclineReason,
  note: string | null,
): Promise<ShopifyReturn> {
  return returnMutation(api, "returnDeclineRequest", ReturnDeclineRequestMutation, {
    input: {
      id: toGid("Return", returnId),
      declineReason: reason,
      notifyCustomer: false,
      ...(note ? { declineNote: note } : {}),
    },
  });
}

export function closeOnShopify(api: AdminApi, returnId: string): Promise<ShopifyReturn> {
  return returnMutation(api, "returnClose", ReturnCloseMutation, { id: toGid("Return", returnId) });
}

export function reopenOnShopify(api: AdminApi, returnId: string): Promise<ShopifyReturn> {
  return returnMutation(api, "returnReopen", ReturnReopenMutation, { id: toGid("Return", returnId) });
}

export function cancelOnShopify(api: AdminApi, returnId: string): Promise<ShopifyReturn> {
  return returnMutation(api, "returnCancel", ReturnCancelMutation, { id: toGid("Return", returnId) });
}

export interface ReturnLabel {
  labelUrl: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  carrier: string | null;
}

/** Attaches the way back (label and/or tracking) to the return's first reverse fulfillment order. */
export async function addReverseDelivery(api: AdminApi, ret: ShopifyReturn, label: ReturnLabel): Promise<void> {
  const reverseOrderId = ret.reverseFulfillmentOrderIds[0];
  if (!reverseOrderId) throw new ReturnStateError("not_open");
  const lines = ret.lines.filter((line) => line.reverseLineId);
  await api.request(ReverseDeliveryCreateWithShippingMutation, {
    reverseFulfillmentOrderId: reverseOrderId,
    reverseDeliveryLineItems: lines.map((line) => ({
      reverseFulfillmentOrderLineItemId: line.reverseLineId,
      quantity: line.quantity,
    })),
    // Shopify's default here is true: Kizuna's own notice tells the customer, in their language.
    notifyCustomer: false,
    ...(label.trackingNumber || label.trackingUrl
      ? {
          trackingInput: {
            ...(label.trackingNumber ? { number: label.trackingNumber } : {}),
            ...(label.trackingUrl ? { url: label.trackingUrl } : {}),
          },
        }
      : {}),
    ...(label.labelUrl ? { labelInput: { fileUrl: label.labelUrl } } : {}),
  });
}

/** A seller's action Shopify's state rules do not allow now (a stale page, another tab). */
export class ReturnStateError extends Error {
  constructor(readonly code: "not_requested" | "not_open" | "nothing_to_process" | "not_found" | "amount_changed") {
    super(code);
    this.name = "ReturnStateError";
  }
}

export type RefundMethod = "original" | "store_credit";

export interface SuggestedOutcome {
  amount: string;
  currency: string;
  /** The suggested transactions as returnProcess takes them (original payment). */
  transactions: { parentId: string | null; amount: string }[];
}

/** Shopify's suggested money outcome for processing every processable line of the return. */
export async function suggestReturnOutcome(
  api: AdminApi,
  ret: ShopifyReturn,
  method: RefundMethod,
): Promise<SuggestedOutcome> {
  const { data } = await api.request<{
    return: {
      suggestedFinancialOutcome: {
        maximumRefundable: Money;
        financialTransfer: {
          __typename: string;
          amount?: Money;
          suggestedTransactions?: { amountSet: Money; parentTransaction: { id: string } | null }[];
        } | null;
      } | null;
    } | null;
  }>(ReturnSuggestedOutcomeQuery, {
    id: toGid("Return", ret.id),
    returnLineItems: ret.lines
      .filter((line) => line.processableQuantity > 0)
      .map((line) => ({ id: line.id, quantity: line.processableQuantity })),
    exchangeLineItems: ret.exchangeLines
      .filter((line) => line.processableQuantity > 0)
      .map((line) => ({ id: line.id, quantity: line.processableQuantity })),
    refundMethodAllocation: method === "store_credit" ? "STORE_CREDIT" : "ORIGINAL_PAYMENT_METHODS",
  });
  const outcome = data.return?.suggestedFinancialOutcome;
  const transfer = outcome?.financialTransfer;
  const refund = transfer?.__typename === "RefundReturnOutcome";
  return {
    amount: refund ? amountOf(transfer?.amount) : "0",
    currency: transfer?.amount?.shopMoney.currencyCode ?? outcome?.maximumRefundable?.shopMoney.currencyCode ?? "",
    transactions: refund
      ? (transfer?.suggestedTransactions ?? []).map((transaction) => ({
          parentId: transaction.parentTransaction?.id ?? null,
          amount: amountOf(transaction.amountSet),
        }))
      : [],
  };
}

export interface SuggestedOrderRefund {
  amount: string;
  currency: string;
  maximum: string;
  transactions: { parentId: string | null; amount: string; gateway: string; kind: string }[];
}

/** Shopify's suggestion for refunding `amount` (or everything refundable) on an order without a return. */
export async function suggestOrderRefund(api: AdminApi, orderId: string): Promise<SuggestedOrderRefund> {
  const { data } = await api.request<{
    order: {
      currencyCode: string;
      suggestedRefund: {
        amountSet: Money;
        maximumRefundableSet: Money;
        suggestedTransactions: {
          gateway: string;
          kind: string;
          amountSet: Money;
          parentTransaction: { id: string } | null;
        }[];
      } | null;
    } | null;
  }>(OrderSuggestedRefundQuery, { id: toGid("Order", orderId), suggestFullRefund: true });
  const suggestion = data.order?.suggestedRefund;
  return {
    amount: amountOf(suggestion?.amountSet),
    currency: data.order?.currencyCode ?? "",
    maximum: amountOf(suggestion?.maximumRefundableSet),
    transactions: (suggestion?.suggestedTransactions ?? []).map((transaction) => ({
      parentId: transaction.parentTransaction?.id ?? null,
      amount: amountOf(transaction.amountSet),
      gateway: transaction.gateway,
      kind: transaction.kind,
    })),
  };
}

export async function jobDone(api: AdminApi, jobId: string): Promise<boolean> {
  const { data } = await api.request<{ job: { done: boolean } | null }>(JobQuery, { id: jobId });
  return data.job?.done ?? false;
}
