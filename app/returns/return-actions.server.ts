// What the seller (and the customer, through the order page) can do with a
// return or an order: each step is Shopify's mutation first, then Kizuna's
// record of Shopify's answer — a return in Kizuna is never ahead of what
// Shopify confirmed. Steps that move money go through the money-action state
// machine (money-actions.server.ts).
import type { Db } from "../db.server.ts";
import { compareDecimal, isDecimal, percentOfDecimal } from "../money/decimal.ts";
import { getReturnPolicy } from "./return-policy.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import {
  runMoneyAction,
  type MoneyActionDeps,
  type MoneyActionOutcome,
  type MoneyActionRow,
} from "./money-actions.server.ts";
import { MONEY_OPERATIONS } from "./money-operations.server.ts";
import { tellCustomerAboutReturn } from "./return-notices.server.ts";
import { addReturnEvent, findReturn, recordReturn, type ReturnAction } from "./returns.server.ts";
import {
  addReverseDelivery,
  approveOnShopify,
  cancelOnShopify,
  closeOnShopify,
  createExchangeOnShopify,
  declineOnShopify,
  fetchReturn,
  reopenOnShopify,
  ReturnStateError,
  suggestOrderRefund,
  suggestReturnOutcome,
  toGid,
  type DeclineReason,
  type RefundMethod,
  type ReturnLabel,
  type ShopifyReturn,
} from "./shopify-returns.server.ts";

export interface Actor {
  /** "staff:<user id>", "customer", "policy". */
  id: string;
}

async function current(api: AdminApi, returnId: string): Promise<ShopifyReturn> {
  const ret = await fetchReturn(api, returnId);
  if (!ret) throw new ReturnStateError("not_found");
  return ret;
}

/** After Shopify's answer: the whole return read again (mutations answer a part) and recorded, with the step. */
async function recorded(
  db: Db,
  api: AdminApi,
  shop: string,
  answered: ShopifyReturn | string,
  action: ReturnAction,
  actor: Actor,
  detail?: string | null,
): Promise<ShopifyReturn> {
  const ret = await current(api, typeof answered === "string" ? answered : answered.id);
  await recordReturn(db, shop, ret);
  await addReturnEvent(db, { shop, returnId: ret.id, orderId: ret.orderId, action, actor: actor.id, detail });
  return ret;
}

/**
 * Approves a requested return. An exchange is made at this point: the request is cancelled and
 * the exchange created open with its exchange lines, which a request cannot carry (ADR 0013).
 * Answers the return that goes on (the exchange's, for an exchange).
 */
export async function approveReturn(db: Db, api: AdminApi, shop: string, returnId: string, actor: Actor) {
  const before = await current(api, returnId);
  if (before.status !== "REQUESTED") throw new ReturnStateError("not_requested");
  const record = await findReturn(db, shop, returnId);
  const exchange = record?.resolution === "exchange" ? record.requestedLines.filter((l) => l.exchangeVariantId) : [];
  if (!record || exchange.length === 0) {
    const ret = await recorded(db, api, shop, await approveOnShopify(api, returnId), "approved", actor);
    await tellCustomerAboutReturn(db, shop, ret.id, "approved");
    return ret;
  }
  await recorded(db, api, shop, await cancelOnShopify(api, returnId), "replaced", actor);
  const exchangeId = await createExchangeOnShopify(
    api,
    before.orderId,
    record.requestedLines.map((line) => ({
      fulfillmentLineItemId: line.fulfillmentLineItemId,
      quantity: line.quantity,
      reasonDefinitionId: null,
      customerNote: line.note,
      exchangeVariantId: line.exchangeVariantId,
    })),
  );
  const ret = await current(api, exchangeId);
  await recordReturn(db, shop, ret, {
    source: record.source === "admin" ? "admin" : "order_page",
    verdict: record.verdict!,
    resolution: "exchange",
    requestedLines: record.requestedLines,
    customerNote: record.customerNote,
    photoId: record.photoId,
    locale: record.locale,
  });
  await db.return.updateMany({ where: { shop, id: returnId }, data: { replacedBy: exchangeId } });
  await addReturnEvent(db, { shop, returnId: exchangeId, orderId: ret.orderId, action: "approved", actor: actor.id });
  await tellCustomerAboutReturn(db, shop, exchangeId, "approved");
  return ret;
}

export async function declineReturn(
  db: Db,
  api: AdminApi,
  shop: string,
  returnId: string,
  decline: { reason: DeclineReason; note: string | null },
  actor: Actor,
) {
  const before = await current(api, returnId);
  if (before.status !== "REQUESTED") throw new ReturnStateError("not_requested");
  const ret = await recorded(
    db,
    api,
    shop,
    await declineOnShopify(api, returnId, decline.reason, decline.note),
    "declined",
    actor,
    decline.note,
  );
  await tellCustomerAboutReturn(db, shop, ret.id, "declined");
  return ret;
}

export async function addReturnLabel(
  db: Db,
  api: AdminApi,
  shop: string,
  returnId: string,
  label: ReturnLabel,
  actor: Actor,
) {
  const before = await current(api, returnId);
  if (before.status !== "OPEN") throw new ReturnStateError("not_open");
  await addReverseDelivery(api, before, label);
  const ret = await recorded(db, api, shop, before, "label_added", actor, label.trackingNumber);
  await tellCustomerAboutReturn(db, shop, ret.id, "label");
  return ret;
}

export async function closeReturn(db: Db, api: AdminApi, shop: string, returnId: string, actor: Actor) {
  return recorded(db, api, shop, await closeOnShopify(api, returnId), "closed", actor);
}

export async function reopenReturn(db: Db, api: AdminApi, shop: string, returnId: string, actor: Actor) {
  return recorded(db, api, shop, await reopenOnShopify(api, returnId), "reopened", actor);
}

export async function cancelReturn(db: Db, api: AdminApi, shop: string, returnId: string, actor: Actor) {
  return recorded(db, api, shop, await cancelOnShopify(api, returnId), "cancelled", actor);
}

/** How many money actions of this subject have succeeded: the page sends it back as what it saw. */
export async function moneyActionsDone(db: Db, shop: string, subjectPrefix: string): Promise<number> {
  return db.moneyAction.count({ where: { shop, subjectKey: { startsWith: subjectPrefix }, state: "succeeded" } });
}

export const processSubject = (returnId: string) => `return:${returnId}:process:`;
export const refundSubject = (orderId: string) => `order:${orderId}:refund:`;
export const cancelSubject = (orderId: string) => `order:${orderId}:cancel`;

/** A page that acted on an older state (another tab already did it): shown what was done, not done again. */
export class StalePageError extends Error {
  constructor() {
    super("stale");
    this.name = "StalePageError";
  }
}

async function requireFresh(db: Db, shop: string, prefix: string, seen: number): Promise<void> {
  // A new action must name the state it was made from: what is done now.
  const done = await moneyActionsDone(db, shop, prefix);
  if (seen !== done) throw new StalePageError();
}

/** Where a restocked item goes back: the variant's location with stock levels mirrored, else none. */
async function restockLocation(db: Db, shop: string, lineItemId: string | null): Promise<string | null> {
  if (!lineItemId) return null;
  const line = await db.lineItem.findUnique({
    where: { shop_id: { shop, id: lineItemId } },
    select: { variantId: true },
  });
  const variant = line?.variantId
    ? await db.variant.findUnique({
        where: { shop_id: { shop, id: line.variantId } },
        select: { inventoryItemId: true },
      })
    : null;
  const level = variant?.inventoryItemId
    ? await db.inventoryLevel.findFirst({ where: { shop, inventoryItemId: variant.inventoryItemId } })
    : null;
  return level?.locationId ?? null;
}

export interface ProcessChoice {
  method: RefundMethod;
  restock: boolean;
  /** The amount the seller confirmed (Shopify's suggestion when the page loaded). */
  confirmedAmount: string;
  /** Succeeded processings the page knew of. */
  seen: number;
}

/** Shopify's suggested outcome for processing the whole return now, as the page shows it before confirming. */
export async function previewProcessing(api: AdminApi, returnId: string, method: RefundMethod) {
  const ret = await current(api, returnId);
  if (ret.status !== "OPEN") throw new ReturnStateError("not_open");
  return { ret, outcome: await suggestReturnOutcome(api, ret, method) };
}

/** Receives the items and refunds, credits or ships the exchange (returnProcess), once. */
export async function processReturn(
  db: Db,
  api: AdminApi,
  shop: string,
  returnId: string,
  choice: ProcessChoice,
  actor: Actor,
  deps: MoneyActionDeps = {},
): Promise<MoneyActionOutcome> {
  const prefix = processSubject(returnId);
  const subjectKey = `${prefix}${choice.seen}`;
  // The same page again (a double click, another tab) joins its action; an older page is refused.
  // Joining an action already made: its stored call is what runs.
  const { existing, built } = await joinOrBuild(db, shop, subjectKey, async () => {
    await requireFresh(db, shop, prefix, choice.seen);
    return buildProcessCall(db, api, shop, returnId, choice);
  });
  const outcome = await runMoneyAction(
    db,
    api,
    MONEY_OPERATIONS.return_process,
    {
      shop,
      orderId: existing?.orderId ?? built!.ret.orderId,
      returnId,
      kind: "return_process",
      subjectKey,
      method: existing?.method ?? choice.method,
      amount: existing?.amount ?? built!.amount,
      currency: existing?.currency ?? built!.currency,
      variables: existing ? (JSON.parse(existing.request) as Record<string, unknown>) : built!.variables,
      actor: actor.id,
    },
    deps,
  );
  if (outcome.status === "succeeded" && !outcome.already) await afterMoneyMoved(db, api, outcome.action, actor);
  return outcome;
}

/**
 * What follows a money action that succeeded, whoever finished it (the click, or the worker
 * recovering it after a crash): the return's step recorded, the credit bonus, the customer told.
 * The customer's notices are deduplicated by their keys.
 */
export async function afterMoneyMoved(
  db: Db,
  api: AdminApi,
  action: Pick<MoneyActionRow, "shop" | "kind" | "orderId" | "returnId" | "method" | "amount" | "currency">,
  actor: Actor,
): Promise<void> {
  const { shop, amount, currency } = action;
  const moved = amount !== null && compareDecimal(amount, "0") > 0;
  if (action.kind === "return_process" && action.returnId) {
    if (action.method === "store_credit") await giveCreditBonus(db, api, shop, action.returnId, action, actor);
    const ret = await recorded(db, api, shop, action.returnId, "processed", actor, amount);
    // An even exchange moves no money: its notice is the exchange's parcel leaving (exchange_shipped).
    if (moved)
      await tellCustomerAboutReturn(db, shop, ret.id, action.method === "store_credit" ? "store_credit" : "refunded", {
        amount,
        currency,
      });
  } else if (action.kind === "refund") {
    await tellCustomerAboutReturn(db, shop, null, "refunded", { orderId: action.orderId, amount, currency });
  }
}

/**
 * The policy's bonus for choosing store credit, on top of the credit just given: its percentage of
 * that credit, rounded to the currency's unit, to the order's customer — once per return.
 */
async function giveCreditBonus(
  db: Db,
  api: AdminApi,
  shop: string,
  returnId: string,
  credit: { orderId: string; amount: string | null; currency: string | null },
  actor: Actor,
): Promise<void> {
  const policy = await getReturnPolicy(db, shop);
  if (policy.storeCreditBonusPercent <= 0 || !credit.amount || !credit.currency) return;
  const bonus = percentOfDecimal(credit.amount, policy.storeCreditBonusPercent, credit.currency);
  const order = await db.order.findUnique({
    where: { shop_id: { shop, id: credit.orderId } },
    select: { customerId: true },
  });
  if (compareDecimal(bonus, "0") <= 0 || !order?.customerId) return;
  await runMoneyAction(db, api, MONEY_OPERATIONS.credit_bonus, {
    shop,
    orderId: credit.orderId,
    returnId,
    kind: "credit_bonus",
    subjectKey: `return:${returnId}:bonus`,
    method: "store_credit",
    amount: bonus,
    currency: credit.currency,
    variables: {
      id: toGid("Customer", order.customerId),
      creditInput: { creditAmount: { amount: bonus, currencyCode: credit.currency }, notify: false },
    },
    actor: actor.id,
  });
}

/**
 * The action already made for this subject, or the call built for a new one. A click that loses
 * the race to another (which made the action and perhaps finished it meanwhile, so the page looks
 * stale or the return has nothing left) joins that action instead of reporting a conflict.
 */
async function joinOrBuild<T>(db: Db, shop: string, subjectKey: string, build: () => Promise<T>) {
  const find = () => db.moneyAction.findUnique({ where: { shop_subjectKey: { shop, subjectKey } } });
  const existing = await find();
  // A refused (failed) action is tried again with a call built afresh from Shopify's amounts now.
  if (existing && existing.state !== "failed") return { existing, built: null };
  try {
    return { existing: null, built: await build() };
  } catch (error) {
    // Whatever stopped this build (Shopify refusing a suggestion for lines already processed, a
    // stale count), another click made the action meanwhile: that is the one that runs.
    const madeMeanwhile = await find();
    if (madeMeanwhile && madeMeanwhile.state !== "failed") return { existing: madeMeanwhile, built: null };
    throw error;
  }
}

async function buildProcessCall(db: Db, api: AdminApi, shop: string, returnId: string, choice: ProcessChoice) {
  const { ret, outcome } = await previewProcessing(api, returnId, choice.method);
  const processable = ret.lines.filter((line) => line.processableQuantity > 0);
  if (!processable.length && !ret.exchangeLines.some((line) => line.processableQuantity > 0))
    throw new ReturnStateError("nothing_to_process");
  if (!isDecimal(choice.confirmedAmount) || compareDecimal(choice.confirmedAmount, outcome.amount) !== 0)
    throw new ReturnStateError("amount_changed");
  const money = (amount: string) => ({ amount, currencyCode: outcome.currency });
  const returnLineItems = await Promise.all(
    processable.map(async (line) => {
      const location = choice.restock ? await restockLocation(db, shop, line.lineItemId) : null;
      return {
        id: line.id,
        quantity: line.processableQuantity,
        ...(line.reverseLineId
          ? {
              dispositions: [
                {
                  reverseFulfillmentOrderLineItemId: line.reverseLineId,
                  quantity: line.processableQuantity,
                  dispositionType: location ? "RESTOCKED" : "NOT_RESTOCKED",
                  ...(location ? { locationId: toGid("Location", location) } : {}),
                },
              ],
            }
          : {}),
      };
    }),
  );
  const hasMoney = compareDecimal(outcome.amount, "0") > 0;
  const issueRefund =
    choice.method === "store_credit"
      ? { orderTransactions: [], refundMethods: [{ storeCreditRefund: { amount: money(outcome.amount) } }] }
      : {
          orderTransactions: outcome.transactions.map((transaction) => ({
            transactionAmount: money(transaction.amount),
            ...(transaction.parentId ? { parentId: transaction.parentId } : {}),
          })),
        };
  const variables = {
    input: {
      returnId: toGid("Return", returnId),
      returnLineItems,
      exchangeLineItems: ret.exchangeLines
        .filter((line) => line.processableQuantity > 0)
        .map((line) => ({ id: line.id, quantity: line.processableQuantity })),
      ...(hasMoney ? { financialTransfer: { issueRefund } } : {}),
      notifyCustomer: false,
    },
  };
  return { ret, variables, amount: outcome.amount, currency: outcome.currency };
}

export interface OrderRefundChoice {
  /** The amount to refund (at most what Shopify says is refundable). */
  amount: string;
  note: string | null;
  seen: number;
}

/** A refund without a return (goodwill, a lost parcel): refundCreate with @idempotent, once. */
export async function refundOrder(
  db: Db,
  api: AdminApi,
  shop: string,
  orderId: string,
  choice: OrderRefundChoice,
  actor: Actor,
  deps: MoneyActionDeps = {},
): Promise<MoneyActionOutcome> {
  const prefix = refundSubject(orderId);
  const subjectKey = `${prefix}${choice.seen}`;
  const { existing, built } = await joinOrBuild(db, shop, subjectKey, async () => {
    await requireFresh(db, shop, prefix, choice.seen);
    return buildRefundCall(api, orderId, choice);
  });
  const variables = existing ? (JSON.parse(existing.request) as Record<string, unknown>) : built!.variables;
  const currency = existing ? existing.currency : built!.currency;
  const outcome = await runMoneyAction(
    db,
    api,
    MONEY_OPERATIONS.refund,
    {
      shop,
      orderId,
      kind: "refund",
      subjectKey,
      method: "original",
      amount: existing ? existing.amount : choice.amount,
      currency,
      variables,
      actor: actor.id,
    },
    deps,
  );
  if (outcome.status === "succeeded" && !outcome.already) await afterMoneyMoved(db, api, outcome.action, actor);
  return outcome;
}

/** refundCreate's variables from Shopify's suggestion: the amount must be above zero and at most what is refundable. */
async function buildRefundCall(api: AdminApi, orderId: string, choice: OrderRefundChoice) {
  const suggestion = await suggestOrderRefund(api, orderId);
  if (!isDecimal(choice.amount) || compareDecimal(choice.amount, "0") <= 0)
    throw new ReturnStateError("amount_changed");
  if (compareDecimal(choice.amount, suggestion.maximum) > 0) throw new ReturnStateError("amount_changed");
  const parent = suggestion.transactions[0];
  const variables = {
    input: {
      orderId: toGid("Order", orderId),
      notify: false,
      ...(choice.note ? { note: choice.note } : {}),
      transactions: parent
        ? [
            {
              orderId: toGid("Order", orderId),
              kind: "REFUND",
              gateway: parent.gateway,
              amount: choice.amount,
              ...(parent.parentId ? { parentId: parent.parentId } : {}),
            },
          ]
        : [],
    },
  };
  return { variables, currency: suggestion.currency };
}

export interface CancelChoice {
  refund: boolean;
  restock: boolean;
  reason: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";
  staffNote: string | null;
}

/** Cancels an unfulfilled order (orderCancel is asynchronous: Shopify answers a job), once. */
export async function cancelOrder(
  db: Db,
  api: AdminApi,
  shop: string,
  orderId: string,
  choice: CancelChoice,
  actor: Actor,
): Promise<MoneyActionOutcome> {
  const order = await db.order.findUnique({
    where: { shop_id: { shop, id: orderId } },
    select: { currency: true, totalPrice: true },
  });
  const outcome = await runMoneyAction(db, api, MONEY_OPERATIONS.order_cancel, {
    shop,
    orderId,
    kind: "order_cancel",
    subjectKey: cancelSubject(orderId),
    method: choice.refund ? "original" : "cancel",
    amount: choice.refund ? (order?.totalPrice ?? null) : null,
    currency: order?.currency ?? null,
    variables: {
      orderId: toGid("Order", orderId),
      reason: choice.reason,
      restock: choice.restock,
      notifyCustomer: false,
      ...(choice.refund ? { refundMethod: { originalPaymentMethodsRefund: true } } : {}),
      ...(choice.staffNote ? { staffNote: choice.staffNote.slice(0, 255) } : {}),
    },
    actor: actor.id,
  });
  return outcome;
}
