// The three Shopify calls that move money, as the money-action state machine
// runs them (app/returns/money-actions.server.ts): how each is sent, and how
// Kizuna tells, after a lost answer, whether it already happened.
import { OrderCancelMutation, OrderQuery } from "../graphql/orders.ts";
import { RefundCreateMutation } from "../graphql/refunds.ts";
import { ReturnProcessMutation, StoreCreditAccountCreditMutation } from "../graphql/returns.ts";
import type { MoneyActionKind, MoneyOperation } from "./money-actions.server.ts";
import { fetchReturn, fromGid } from "./shopify-returns.server.ts";

/** refundCreate, with the action's key as @idempotent: resending it is safe, Shopify replays the first answer. */
export const refundOperation: MoneyOperation = {
  kind: "refund",
  async call(api, action, variables) {
    const { data } = await api.request<{ refundCreate: { refund: { id: string } | null } }>(RefundCreateMutation, {
      ...variables,
      idempotencyKey: action.idempotencyKey,
    });
    return data.refundCreate.refund ? fromGid(data.refundCreate.refund.id) : null;
  },
};

interface ProcessVariables {
  input: { returnId: string; returnLineItems?: { id: string; quantity: number }[] };
}

/**
 * returnProcess takes no idempotency key. Before any resend, the return is read: when a line
 * has less left to process than this action asked for, the processing happened (this action's,
 * or the seller's in Shopify's admin) and it is not sent again.
 */
export const returnProcessOperation: MoneyOperation = {
  kind: "return_process",
  async call(api, _action, variables) {
    const { data } = await api.request<{
      returnProcess: { return: { refunds?: { nodes: { id: string }[] } } | null };
    }>(ReturnProcessMutation, variables);
    const refunds = data.returnProcess.return?.refunds?.nodes ?? [];
    return refunds.length ? fromGid(refunds[refunds.length - 1]!.id) : null;
  },
  async happened(api, action) {
    const { input } = JSON.parse(action.request) as ProcessVariables;
    const ret = await fetchReturn(api, fromGid(input.returnId));
    if (!ret) return null;
    const asked = input.returnLineItems ?? [];
    const done = asked.some((line) => {
      const now = ret.lines.find((candidate) => candidate.id === line.id);
      return !now || now.processableQuantity < line.quantity;
    });
    return done ? { shopifyId: ret.refunds.at(-1)?.id ?? null } : null;
  },
};

/** orderCancel answers a job; a cancelled order (or one being cancelled) is not cancelled again. */
export const orderCancelOperation: MoneyOperation = {
  kind: "order_cancel",
  async call(api, _action, variables) {
    const { data } = await api.request<{ orderCancel: { job: { id: string } | null } }>(OrderCancelMutation, variables);
    return data.orderCancel.job?.id ?? null;
  },
  async happened(api, action) {
    const { orderId } = JSON.parse(action.request) as { orderId: string };
    const { data } = await api.request<{ order: { cancelledAt: string | null } | null }>(OrderQuery, { id: orderId });
    return data.order?.cancelledAt ? { shopifyId: null } : null;
  },
};

/** The policy's bonus for choosing store credit: storeCreditAccountCredit takes no key, so it is never resent by itself. */
export const creditBonusOperation: MoneyOperation = {
  kind: "credit_bonus",
  resendable: false,
  async call(api, _action, variables) {
    const { data } = await api.request<{
      storeCreditAccountCredit: { storeCreditAccountTransaction: { id: string } | null };
    }>(StoreCreditAccountCreditMutation, variables);
    return data.storeCreditAccountCredit.storeCreditAccountTransaction?.id ?? null;
  },
};

export const MONEY_OPERATIONS: Record<MoneyActionKind, MoneyOperation> = {
  refund: refundOperation,
  return_process: returnProcessOperation,
  order_cancel: orderCancelOperation,
  credit_bonus: creditBonusOperation,
};
