// Mutation fields. Each reads its GraphQL input, calls one store action, turns
// a refused request into the payload's userErrors (nothing changed), and on
// success emits the webhooks Shopify would send about the change.
import { getDirectiveValues, getNamedType, isEnumType, isObjectType, type GraphQLResolveInfo } from "graphql";
import {
  addFulfillmentEvent,
  addWebhookSubscription,
  adjustInventory,
  approveReturn,
  cancelOrderWithRefund,
  cancelReturn,
  checkCancellable,
  creditStoreCredit,
  closeReturn,
  createReverseDelivery,
  createRefund,
  createReturn,
  declineReturn,
  deleteWebhookSubscription,
  gid,
  holdFulfillmentOrder,
  parseGid,
  processReturn,
  releaseFulfillmentHolds,
  reopenReturn,
  requestReturn,
  StoreError,
  type CancelReason,
  type DispositionType,
  type FulfillmentEventStatus,
  type FulfillmentHoldReason,
  type Id,
  type InventoryLevel,
  type Job,
  type RestockType,
  type ReturnDeclineReason,
  type ReturnLineInput,
  type ReturnReason,
} from "../../store/index.ts";
import {
  fulfillmentEventPayload,
  fulfillmentOrderHoldPayload,
  fulfillmentPayload,
  orderPayload,
  refundPayload,
  returnPayload,
  returnProcessPayload,
  reverseDeliveryPayload,
  reverseFulfillmentOrderDisposePayload,
  stockChangeWebhooks,
  type ReturnTopic,
} from "../../webhooks/payloads.ts";
import { requestError } from "../errors.ts";
import type { Args, ResolverContext, RootField } from "./define.ts";

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

type Payload = Record<string, unknown>;

/** Input objects as graphql-js coerced them (the schema has already checked their shape). */
type Input = Record<string, unknown>;

function inputOf(args: Args, name: string): Input {
  const value = args[name];
  return typeof value === "object" && value !== null ? (value as Input) : {};
}

function listOf(value: unknown): Input[] {
  return Array.isArray(value) ? (value as Input[]) : [];
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The numeric id of a GID of `type`, or a userError at `field`. */
function idOf(value: unknown, type: string, field: string[]): Id {
  const parsed = typeof value === "string" ? parseGid(value) : null;
  if (!parsed || parsed.type !== type) throw new StoreError(`Invalid ${type} id`, field, "NOT_FOUND");
  return parsed.id;
}

function dateOf(value: unknown, field: string[]): Date | null {
  if (value == null) return null;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new StoreError("Invalid date", field, "INVALID");
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The error's code if the payload's userError type has it in its enum (Shopify's codes differ per mutation). */
function codeFor(info: GraphQLResolveInfo, code: string): string | null {
  const payload = getNamedType(info.returnType);
  const errors = isObjectType(payload) ? payload.getFields().userErrors : undefined;
  const errorType = errors ? getNamedType(errors.type) : undefined;
  const codeField = errorType && isObjectType(errorType) ? errorType.getFields().code : undefined;
  const codeType = codeField ? getNamedType(codeField.type) : undefined;
  return codeType && isEnumType(codeType) && codeType.getValue(code) ? code : null;
}

/** Runs a store action; a refusal becomes the payload's userErrors with the field path under `prefix`. */
function mutate(info: GraphQLResolveInfo, prefix: string[], run: () => Payload): Payload {
  try {
    return { ...run(), userErrors: [] };
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    const userError: UserError = {
      field: error.field ? [...prefix, ...error.field] : null,
      message: error.message,
      code: codeFor(info, error.code),
    };
    return { userErrors: [userError] };
  }
}

function idempotencyKey(info: GraphQLResolveInfo): string | null {
  const directive = info.schema.getDirective("idempotent");
  const node = info.fieldNodes[0];
  if (!directive || !node) return null;
  const key = getDirectiveValues(directive, node, info.variableValues)?.key;
  return typeof key === "string" && key !== "" ? key : null;
}

/**
 * Mutations Shopify requires @idempotent on (from 2026-04): without a key the
 * field fails; a key seen before answers the first result and changes nothing.
 */
function idempotent(ctx: ResolverContext, info: GraphQLResolveInfo, args: Args, run: () => Payload): Payload {
  const key = idempotencyKey(info);
  if (!key) {
    throw requestError(
      `The @idempotent directive is required for ${info.fieldName}: add @idempotent(key: "<unique key>") to the field and reuse the key on retries.`,
      "BAD_REQUEST",
    );
  }
  const entry = `${info.fieldName}:${key}`;
  const fingerprint = JSON.stringify(args);
  const previous = ctx.data.idempotentResults.get(entry);
  if (previous && previous.fingerprint !== fingerprint) {
    const message = "The idempotency key was already used with different parameters.";
    return { userErrors: [{ field: null, message, code: codeFor(info, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH") }] };
  }
  if (previous) return previous.result as Payload;
  const result = run();
  ctx.data.idempotentResults.set(entry, { fingerprint, result });
  return result;
}

// ── Webhooks about a change ────────────────────────────────────────────────

function orderUpdated(ctx: ResolverContext, orderId: Id): void {
  ctx.emit("orders/updated", orderPayload(ctx.store, ctx.data.domain, orderId));
}

/** Stock changed: the webhooks Shopify sends about it. */
function stockChanged(ctx: ResolverContext, levels: readonly InventoryLevel[]): void {
  for (const webhook of stockChangeWebhooks(ctx.store, ctx.data.domain, levels)) ctx.emit(webhook.topic, webhook.body);
}

function refunded(ctx: ResolverContext, refundId: Id, orderId: Id, restocked: readonly InventoryLevel[]): void {
  ctx.emit("refunds/create", refundPayload(ctx.store, ctx.data.domain, refundId));
  orderUpdated(ctx, orderId);
  stockChanged(ctx, restocked);
}

function returnChanged(ctx: ResolverContext, topic: ReturnTopic, returnId: Id, orderId: Id): void {
  ctx.emit(topic, returnPayload(ctx.store, ctx.data.domain, returnId, { topic }));
  orderUpdated(ctx, orderId);
}

// ── Inventory ──────────────────────────────────────────────────────────────

const ADJUSTMENT_REASONS = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);

const inventoryAdjustQuantities: RootField = (args, ctx, info) =>
  idempotent(ctx, info, args, () =>
    mutate(info, ["input"], () => {
      const input = inputOf(args, "input");
      const name = text(input.name) ?? "";
      const reason = text(input.reason) ?? "";
      if (name !== "available") {
        throw new StoreError("The sandbox adjusts only the available quantity", ["name"], "INVALID_QUANTITY_NAME");
      }
      if (!ADJUSTMENT_REASONS.has(reason))
        throw new StoreError(`Invalid reason: ${reason}`, ["reason"], "INVALID_REASON");
      const changes = listOf(input.changes).map((change, index) => ({
        inventoryItemId: idOf(change.inventoryItemId, "InventoryItem", ["changes", String(index), "inventoryItemId"]),
        locationId: idOf(change.locationId, "Location", ["changes", String(index), "locationId"]),
        delta: Number(change.delta),
        changeFromQuantity: typeof change.changeFromQuantity === "number" ? change.changeFromQuantity : null,
        ledgerDocumentUri: text(change.ledgerDocumentUri),
      }));
      const at = ctx.data.now();
      const applied = adjustInventory(ctx.data, changes, at);
      stockChanged(
        ctx,
        applied.map((change) => change.level),
      );
      const inventoryChanges = applied.map((change, index) => ({
        name,
        delta: change.delta,
        quantityAfterChange: change.quantityAfterChange,
        item: ctx.data.inventoryItems.get(change.level.inventoryItemId),
        location: ctx.data.locations.get(change.level.locationId),
        ledgerDocumentUri: changes[index]?.ledgerDocumentUri ?? null,
      }));
      return {
        inventoryAdjustmentGroup: {
          id: gid("InventoryAdjustmentGroup", ctx.data.nextId("adjustmentGroup")),
          createdAt: at,
          reason,
          referenceDocumentUri: text(input.referenceDocumentUri),
          app: null,
          staffMember: null,
          changes: (filter: Args) =>
            inventoryChanges.filter(
              (change) =>
                (!Array.isArray(filter.quantityNames) || filter.quantityNames.includes(change.name)) &&
                (!Array.isArray(filter.inventoryItemIds) ||
                  filter.inventoryItemIds.includes(gid("InventoryItem", change.item?.id ?? ""))) &&
                (!Array.isArray(filter.locationIds) ||
                  filter.locationIds.includes(gid("Location", change.location?.id ?? ""))),
            ),
        },
      };
    }),
  );

// ── Fulfillment ────────────────────────────────────────────────────────────

const fulfillmentEventCreate: RootField = (args, ctx, info) =>
  mutate(info, ["fulfillmentEvent"], () => {
    const input = inputOf(args, "fulfillmentEvent");
    const fulfillmentId = idOf(input.fulfillmentId, "Fulfillment", ["fulfillmentId"]);
    const event = addFulfillmentEvent(ctx.data, {
      fulfillmentId,
      status: input.status as FulfillmentEventStatus,
      message: text(input.message),
      happenedAt: dateOf(input.happenedAt, ["happenedAt"]),
      estimatedDeliveryAt: dateOf(input.estimatedDeliveryAt, ["estimatedDeliveryAt"]),
      city: text(input.city),
      province: text(input.province),
      country: text(input.country),
      zip: text(input.zip),
      at: ctx.data.now(),
    });
    ctx.emit("fulfillment_events/create", fulfillmentEventPayload(ctx.store, ctx.data.domain, event.id));
    ctx.emit("fulfillments/update", fulfillmentPayload(ctx.store, ctx.data.domain, fulfillmentId));
    orderUpdated(ctx, ctx.data.requireFulfillment(fulfillmentId).orderId);
    return { fulfillmentEvent: event };
  });

const fulfillmentOrderHold: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const id = idOf(args.id, "FulfillmentOrder", ["id"]);
    const input = inputOf(args, "fulfillmentHold");
    const hold = holdFulfillmentOrder(ctx.data, id, {
      reason: input.reason as FulfillmentHoldReason,
      reasonNotes: text(input.reasonNotes),
      handle: text(input.handle),
    });
    const fulfillmentOrder = ctx.data.requireFulfillmentOrder(id);
    ctx.emit("fulfillment_orders/placed_on_hold", fulfillmentOrderHoldPayload(ctx.store, ctx.data.domain, id));
    orderUpdated(ctx, fulfillmentOrder.orderId);
    return { fulfillmentHold: hold, fulfillmentOrder, remainingFulfillmentOrder: null };
  });

const fulfillmentOrderReleaseHold: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const id = idOf(args.id, "FulfillmentOrder", ["id"]);
    const holdIds = Array.isArray(args.holdIds)
      ? args.holdIds.map((holdId, index) => idOf(holdId, "FulfillmentHold", ["holdIds", String(index)]))
      : null;
    const fulfillmentOrder = releaseFulfillmentHolds(ctx.data, id, holdIds);
    const topic = "fulfillment_orders/hold_released";
    ctx.emit(topic, fulfillmentOrderHoldPayload(ctx.store, ctx.data.domain, id, { topic }));
    orderUpdated(ctx, fulfillmentOrder.orderId);
    return { fulfillmentOrder };
  });

// ── Returns ────────────────────────────────────────────────────────────────

function moneyInput(value: unknown): { amount: string; currency: string } | null {
  if (typeof value !== "object" || value === null) return null;
  const input = value as Input;
  return { amount: text(input.amount) ?? "0", currency: text(input.currencyCode) ?? "" };
}

function returnLines(value: unknown): ReturnLineInput[] {
  return listOf(value).map((line, index) => {
    const field = ["returnLineItems", String(index)];
    const fee = inputOf(line, "restockingFee");
    return {
      fulfillmentLineItemId: idOf(line.fulfillmentLineItemId, "FulfillmentLineItem", [
        ...field,
        "fulfillmentLineItemId",
      ]),
      quantity: Number(line.quantity),
      returnReason: text(line.returnReason) as ReturnReason | null,
      returnReasonDefinitionId: line.returnReasonDefinitionId
        ? idOf(line.returnReasonDefinitionId, "ReturnReasonDefinition", [...field, "returnReasonDefinitionId"])
        : null,
      returnReasonNote: text(line.returnReasonNote) ?? "",
      customerNote: text(line.customerNote),
      restockingFeePercentage: typeof fee.percentage === "number" ? fee.percentage : null,
    };
  });
}

/** The return shipping fee of a request or return input, in the order's currency. */
function returnShippingFee(ctx: ResolverContext, input: Input): string | null {
  const fee = moneyInput(inputOf(input, "returnShippingFee").amount);
  if (!fee) return null;
  if (fee.currency !== ctx.data.shop.currency) {
    throw new StoreError(
      `Currency must be the order's currency (${ctx.data.shop.currency})`,
      ["returnShippingFee", "amount", "currencyCode"],
      "INVALID",
    );
  }
  return fee.amount;
}

const returnRequest: RootField = (args, ctx, info) =>
  mutate(info, ["input"], () => {
    const input = inputOf(args, "input");
    const orderId = idOf(input.orderId, "Order", ["orderId"]);
    const ret = requestReturn(ctx.data, {
      orderId,
      lines: returnLines(input.returnLineItems),
      returnShippingFee: returnShippingFee(ctx, input),
    });
    returnChanged(ctx, "returns/request", ret.id, orderId);
    return { return: ret };
  });

const returnCreate: RootField = (args, ctx, info) =>
  mutate(info, ["returnInput"], () => {
    const input = inputOf(args, "returnInput");
    const orderId = idOf(input.orderId, "Order", ["orderId"]);
    const at = dateOf(input.requestedAt, ["requestedAt"]) ?? ctx.data.now();
    const ret = createReturn(ctx.data, {
      orderId,
      lines: returnLines(input.returnLineItems),
      exchangeLines: listOf(input.exchangeLineItems).map((line, index) => {
        if (!line.variantId) {
          throw new StoreError("Variant can't be blank", ["exchangeLineItems", String(index), "variantId"], "BLANK");
        }
        return {
          variantId: idOf(line.variantId, "ProductVariant", ["exchangeLineItems", String(index), "variantId"]),
          quantity: Number(line.quantity),
        };
      }),
      returnShippingFee: returnShippingFee(ctx, input),
      at,
    });
    // An open return is an approved one: the app hears of it as returns/approve.
    returnChanged(ctx, "returns/approve", ret.id, orderId);
    return { return: ret };
  });

const returnApproveRequest: RootField = (args, ctx, info) =>
  mutate(info, ["input"], () => {
    const ret = approveReturn(ctx.data, idOf(inputOf(args, "input").id, "Return", ["id"]));
    returnChanged(ctx, "returns/approve", ret.id, ret.orderId);
    return { return: ret };
  });

const returnDeclineRequest: RootField = (args, ctx, info) =>
  mutate(info, ["input"], () => {
    const input = inputOf(args, "input");
    const ret = declineReturn(ctx.data, idOf(input.id, "Return", ["id"]), {
      reason: input.declineReason as ReturnDeclineReason,
      note: text(input.declineNote),
    });
    returnChanged(ctx, "returns/decline", ret.id, ret.orderId);
    return { return: ret };
  });

const returnCancel: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const ret = cancelReturn(ctx.data, idOf(args.id, "Return", ["id"]));
    returnChanged(ctx, "returns/cancel", ret.id, ret.orderId);
    return { return: ret };
  });

const returnReopen: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const ret = reopenReturn(ctx.data, idOf(args.id, "Return", ["id"]));
    returnChanged(ctx, "returns/reopen", ret.id, ret.orderId);
    return { return: ret };
  });

const DISPOSITIONS = new Set<DispositionType>(["RESTOCKED", "NOT_RESTOCKED", "PROCESSING_REQUIRED", "MISSING"]);

const returnProcess: RootField = (args, ctx, info) =>
  mutate(info, ["input"], () => {
    const input = inputOf(args, "input");
    const returnId = idOf(input.returnId, "Return", ["returnId"]);
    const issueRefund = inputOf(inputOf(input, "financialTransfer"), "issueRefund");
    const shipping = inputOf(input, "refundShipping");
    const refundField = ["financialTransfer", "issueRefund"];
    const result = processReturn(ctx.data, {
      returnId,
      lines: listOf(input.returnLineItems).map((line, index) => {
        const field = ["returnLineItems", String(index)];
        return {
          returnLineItemId: idOf(line.id, "ReturnLineItem", [...field, "id"]),
          quantity: Number(line.quantity),
          dispositions: listOf(line.dispositions).map((disposition, position) => {
            const at = [...field, "dispositions", String(position)];
            const type = String(disposition.dispositionType) as DispositionType;
            if (!DISPOSITIONS.has(type))
              throw new StoreError("Invalid disposition type", [...at, "dispositionType"], "INVALID");
            return {
              reverseFulfillmentOrderLineItemId: idOf(
                disposition.reverseFulfillmentOrderLineItemId,
                "ReverseFulfillmentOrderLineItem",
                [...at, "reverseFulfillmentOrderLineItemId"],
              ),
              quantity: Number(disposition.quantity),
              type,
              locationId: disposition.locationId
                ? idOf(disposition.locationId, "Location", [...at, "locationId"])
                : null,
            };
          }),
        };
      }),
      exchangeLines: listOf(input.exchangeLineItems).map((line, index) => ({
        exchangeLineItemId: idOf(line.id, "ExchangeLineItem", ["exchangeLineItems", String(index), "id"]),
        quantity: Number(line.quantity),
      })),
      refundTransactions: listOf(issueRefund.orderTransactions).map((transaction, index) => {
        const field = [...refundField, "orderTransactions", String(index)];
        const amount = moneyInput(transaction.transactionAmount) ?? { amount: "0", currency: "" };
        return {
          parentId: idOf(transaction.parentId, "OrderTransaction", [...field, "parentId"]),
          amount: amount.amount,
          currency: amount.currency,
        };
      }),
      storeCredit: listOf(issueRefund.refundMethods).flatMap((method, index) => {
        const credit = inputOf(method, "storeCreditRefund");
        const amount = moneyInput(credit.amount);
        if (!amount) return [];
        const field = [...refundField, "refundMethods", String(index), "storeCreditRefund", "expiresAt"];
        return [{ amount: amount.amount, currency: amount.currency, expiresAt: dateOf(credit.expiresAt, field) }];
      }),
      allowOverRefunding: issueRefund.allowOverRefunding === true,
      refundShipping:
        shipping.fullRefund === true || shipping.shippingRefundAmount
          ? { full: shipping.fullRefund === true, amount: text(inputOf(shipping, "shippingRefundAmount").amount) }
          : null,
      note: text(input.note),
    });
    const { ret, refund } = result;
    ctx.emit("returns/process", returnProcessPayload(ctx.store, ctx.data.domain, ret.id, result));
    for (const rfo of result.disposed) {
      ctx.emit(
        "reverse_fulfillment_orders/dispose",
        reverseFulfillmentOrderDisposePayload(ctx.store, ctx.data.domain, rfo.id),
      );
    }
    if (refund) ctx.emit("refunds/create", refundPayload(ctx.store, ctx.data.domain, refund.refund.id));
    orderUpdated(ctx, ret.orderId);
    stockChanged(ctx, result.stockChanges);
    return { return: ret };
  });

const returnClose: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const ret = closeReturn(ctx.data, idOf(args.id, "Return", ["id"]));
    returnChanged(ctx, "returns/close", ret.id, ret.orderId);
    return { return: ret };
  });

const reverseDeliveryCreateWithShipping: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const tracking = args.trackingInput ? inputOf(args, "trackingInput") : null;
    const label = args.labelInput ? inputOf(args, "labelInput") : null;
    const { ret, delivery } = createReverseDelivery(ctx.data, {
      reverseFulfillmentOrderId: idOf(args.reverseFulfillmentOrderId, "ReverseFulfillmentOrder", [
        "reverseFulfillmentOrderId",
      ]),
      lines: listOf(args.reverseDeliveryLineItems).map((line, index) => ({
        reverseFulfillmentOrderLineItemId: idOf(
          line.reverseFulfillmentOrderLineItemId,
          "ReverseFulfillmentOrderLineItem",
          ["reverseDeliveryLineItems", String(index), "reverseFulfillmentOrderLineItemId"],
        ),
        quantity: Number(line.quantity),
      })),
      tracking: tracking ? { number: text(tracking.number), url: text(tracking.url) } : null,
      labelFileUrl: label ? text(label.fileUrl) : null,
      // Shopify mails the customer unless told not to: notifyCustomer defaults to true here, unlike elsewhere.
      notifyCustomer: args.notifyCustomer !== false,
    });
    ctx.emit("reverse_deliveries/attach_deliverable", reverseDeliveryPayload(ctx.store, ctx.data.domain, delivery.id));
    orderUpdated(ctx, ret.orderId);
    return { reverseDelivery: delivery };
  });

// ── Order cancellation (asynchronous: a Job) ───────────────────────────────

/** How long the sandbox takes to run an orderCancel job (Shopify: a few seconds). */
export const ORDER_CANCEL_JOB_MS = 300;

const CANCEL_REASONS = new Set(["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"]);

const orderCancel: RootField = (args, ctx) => {
  try {
    const orderId = idOf(args.orderId, "Order", ["orderId"]);
    const order = ctx.data.requireOrder(orderId, ["orderId"]);
    const refundMethod = inputOf(args, "refundMethod");
    const storeCredit = refundMethod.storeCreditRefund ? inputOf(refundMethod, "storeCreditRefund") : null;
    const reason = String(args.reason);
    if (!CANCEL_REASONS.has(reason)) throw new StoreError("Invalid cancel reason", ["reason"], "INVALID");
    // `refund` (deprecated) or a refund method: either asks for the money back.
    const refund = args.refund === true || refundMethod.originalPaymentMethodsRefund === true || storeCredit !== null;
    const cancellation = {
      reason: reason as CancelReason,
      refund,
      restock: args.restock === true,
      storeCredit: storeCredit
        ? { expiresAt: dateOf(storeCredit.expiresAt, ["refundMethod", "storeCreditRefund", "expiresAt"]) }
        : null,
      staffNote: text(args.staffNote),
    };
    checkCancellable(ctx.data, order, cancellation);
    const job: Job = { id: ctx.data.nextId("job"), done: false, createdAt: ctx.data.now() };
    ctx.data.jobs.set(job.id, job);
    const run = () => {
      try {
        const { refund: made } = cancelOrderWithRefund(ctx.data, orderId, cancellation);
        ctx.emit("orders/cancelled", orderPayload(ctx.store, ctx.data.domain, orderId, { topic: "orders/cancelled" }));
        if (made) refunded(ctx, made.refund.id, orderId, made.restocked);
        else orderUpdated(ctx, orderId);
      } catch (error) {
        // Something changed between the request and the job (e.g. a return was requested): the job ends, nothing changes.
        if (!(error instanceof StoreError)) throw error;
      } finally {
        job.done = true;
      }
    };
    const timer = setTimeout(run, ORDER_CANCEL_JOB_MS);
    timer.unref?.();
    return { job: { id: gid("Job", job.id), done: false, query: null }, orderCancelUserErrors: [], userErrors: [] };
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    const userError = { field: error.field, message: error.message };
    const codes = new Set([
      "INTERNAL_ERROR",
      "INVALID",
      "NOT_FOUND",
      "NO_REFUND_PERMISSION",
      "NO_REFUND_TO_STORE_CREDIT_PERMISSION",
      "STORE_CREDIT_REFUND_B2B_NOT_SUPPORTED",
      "STORE_CREDIT_REFUND_EXPIRATION_IN_PAST",
      "STORE_CREDIT_REFUND_MISSING_CUSTOMER",
    ]);
    return {
      job: null,
      orderCancelUserErrors: [{ ...userError, code: codes.has(error.code) ? error.code : null }],
      userErrors: [userError],
    };
  }
};

// ── Refunds ────────────────────────────────────────────────────────────────

const refundCreate: RootField = (args, ctx, info) =>
  idempotent(ctx, info, args, () =>
    mutate(info, ["input"], () => {
      const input = inputOf(args, "input");
      const orderId = idOf(input.orderId, "Order", ["orderId"]);
      const shipping = input.shipping ? inputOf(input, "shipping") : null;
      const { refund, restocked } = createRefund(ctx.data, {
        orderId,
        note: text(input.note),
        allowOverRefunding: input.allowOverRefunding === true,
        lines: listOf(input.refundLineItems).map((line, index) => ({
          lineItemId: idOf(line.lineItemId, "LineItem", ["refundLineItems", String(index), "lineItemId"]),
          quantity: Number(line.quantity),
          restockType: (text(line.restockType) as RestockType | null) ?? "NO_RESTOCK",
          locationId: line.locationId
            ? idOf(line.locationId, "Location", ["refundLineItems", String(index), "locationId"])
            : null,
        })),
        shipping: shipping ? { amount: text(shipping.amount), full: shipping.fullRefund === true } : null,
        transactions: listOf(input.transactions).map((transaction, index) => {
          if (transaction.kind !== "REFUND") {
            throw new StoreError(
              "Only REFUND transactions can be part of a refund",
              ["transactions", String(index), "kind"],
              "INVALID",
            );
          }
          return {
            amount: text(transaction.amount) ?? "0",
            gateway: text(transaction.gateway),
            parentId: transaction.parentId
              ? idOf(transaction.parentId, "OrderTransaction", ["transactions", String(index), "parentId"])
              : null,
          };
        }),
      });
      refunded(ctx, refund.id, orderId, restocked);
      return { refund, order: ctx.data.requireOrder(orderId) };
    }),
  );

// ── Store credit ───────────────────────────────────────────────────────────

/** Credit to a customer's store credit account (`id`: the account or its owner, a customer). No idempotency key. */
const storeCreditAccountCredit: RootField = (args, ctx, info) =>
  mutate(info, ["creditInput"], () => {
    const id = typeof args.id === "string" ? parseGid(args.id) : null;
    const customerId =
      id?.type === "Customer"
        ? id.id
        : id?.type === "StoreCreditAccount"
          ? [...ctx.data.storeCreditAccounts.values()].find((account) => account.id === id.id)?.customerId
          : undefined;
    if (!customerId || !ctx.data.customers.get(customerId))
      throw new StoreError("Owner does not exist", ["id"], "ACCOUNT_NOT_FOUND");
    const input = inputOf(args, "creditInput");
    const money = inputOf(input, "creditAmount");
    const amount = text(money.amount) ?? "0";
    if (!/^\d+(\.\d+)?$/.test(amount) || Number(amount) <= 0)
      throw new StoreError(
        "A positive amount must be used to credit a store credit account",
        ["creditAmount", "amount"],
        "NEGATIVE_OR_ZERO_AMOUNT",
      );
    const at = ctx.data.now();
    const account = creditStoreCredit(
      ctx.data,
      customerId,
      [{ amount, expiresAt: dateOf(input.expiresAt, ["expiresAt"]) }],
      null,
      at,
    );
    const transaction = account.transactions.at(-1)!;
    const currencyCode = text(money.currencyCode) ?? ctx.data.shop.currency;
    return {
      storeCreditAccountTransaction: {
        id: gid("StoreCreditAccountCreditTransaction", transaction.id),
        amount: { amount, currencyCode },
        balanceAfterTransaction: { amount: account.balance, currencyCode },
        createdAt: at,
        expiresAt: transaction.expiresAt,
        remainingAmount: { amount, currencyCode },
        account: { id: gid("StoreCreditAccount", account.id), balance: { amount: account.balance, currencyCode } },
      },
    };
  });

// ── Webhook subscriptions ──────────────────────────────────────────────────

const webhookSubscriptionCreate: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const input = inputOf(args, "webhookSubscription");
    const uri = text(input.uri) ?? text(input.callbackUrl);
    if (!uri) throw new StoreError("Address can't be blank", ["webhookSubscription", "uri"], "BLANK");
    const webhookSubscription = addWebhookSubscription(ctx.data, {
      topic: String(args.topic),
      uri,
      format: input.format === "XML" ? "XML" : "JSON",
      filter: text(input.filter),
      includeFields: Array.isArray(input.includeFields) ? (input.includeFields as string[]) : [],
      apiVersion: ctx.config.apiVersion,
    });
    return { webhookSubscription };
  });

const webhookSubscriptionDelete: RootField = (args, ctx, info) =>
  mutate(info, [], () => {
    const id = idOf(args.id, "WebhookSubscription", ["id"]);
    deleteWebhookSubscription(ctx.data, id);
    return { deletedWebhookSubscriptionId: gid("WebhookSubscription", id) };
  });

export const mutationFields: Record<string, RootField> = {
  inventoryAdjustQuantities,
  fulfillmentEventCreate,
  fulfillmentOrderHold,
  fulfillmentOrderReleaseHold,
  returnRequest,
  returnCreate,
  returnApproveRequest,
  returnDeclineRequest,
  returnProcess,
  returnClose,
  returnCancel,
  returnReopen,
  reverseDeliveryCreateWithShipping,
  orderCancel,
  refundCreate,
  storeCreditAccountCredit,
  webhookSubscriptionCreate,
  webhookSubscriptionDelete,
};
