// refunds/create → Refund. A refund never changes after it is made, so the
// row is upserted. Its amount is what the refund transactions moved, summed
// exactly: money is a decimal string, never a float.
import { sumDecimals } from "../money/decimal.ts";
import type { JsonObject } from "../webhooks/payload.server.ts";
import {
  dateOf,
  enumOf,
  fieldOf,
  idAt,
  moneyOf,
  objectOf,
  objectsOf,
  ownIdOf,
  requireId,
  textOf,
  type Read,
} from "./read-payload.server.ts";
import type { Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

/** Refund transactions that went through; a failed or pending attempt moved no money. */
function settledRefunds(refund: JsonObject): JsonObject[] {
  return objectsOf(refund, "transactions").filter((transaction) => {
    const kind = enumOf(transaction, "kind");
    const status = enumOf(transaction, "status");
    return (kind === undefined || kind === "REFUND") && (status === undefined || status === "SUCCESS");
  });
}

/** Undefined when the payload lists no transactions at all (then the amount is unknown, not zero). */
function amountOf(refund: JsonObject): string | undefined {
  if (fieldOf(refund, "transactions") === undefined) return undefined;
  // moneyOf reads only decimal strings, so the sum cannot meet a bad amount.
  return sumDecimals(settledRefunds(refund).flatMap((transaction) => moneyOf(transaction, "amount") ?? []));
}

/** The transactions' currency, else the order's as mirrored, else the shop money of the refund's own sets. */
async function currencyOf(tx: Tx, shop: string, refund: JsonObject, orderId: string): Promise<Read<string>> {
  const fromTransactions = settledRefunds(refund)
    .map((transaction) => textOf(transaction, "currency"))
    .find(Boolean);
  if (fromTransactions) return fromTransactions;
  const order = await tx.order.findUnique({ where: { shop_id: { shop, id: orderId } }, select: { currency: true } });
  if (order) return order.currency;
  const shopMoney = objectOf(objectOf(refund, "total_duties_set") ?? {}, "shop_money");
  return shopMoney ? textOf(shopMoney, "currency_code") : undefined;
}

export async function projectRefund(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const refund = event.payload;
  const id = requireId(ownIdOf(refund), "refund id");
  const orderId = requireId(idAt(refund, "order_id"), "refund order_id");
  const data = {
    orderId,
    note: textOf(refund, "note"),
    amount: amountOf(refund),
    currency: await currencyOf(tx, event.shop, refund, orderId),
    shopifyCreatedAt: dateOf(refund, "created_at"),
  };
  const key = { shop: event.shop, id };
  await tx.refund.upsert({ where: { shop_id: key }, create: { ...key, ...data }, update: data });
  return { orderId };
}
