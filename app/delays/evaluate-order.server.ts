// Evaluates one order (or a few) right after its webhooks were projected:
// opens, updates and resolves its delay cases and says what changed, so the
// caller can notify ("delay" on open, "delay_resolved" on resolve).
import { chunks } from "../database/chunks.ts";
import type { Db } from "../db.server.ts";
import { loadRuleContext } from "./context.server.ts";
import { factsOf, prismaRunner, readBatch, type OrderBatch } from "./facts.server.ts";
import { evaluateFacts, type CaseDraft, type RuleContext } from "./rules.server.ts";
import { noChanges, syncCases, wakeSnoozed, type DelayChanges } from "./sync-cases.server.ts";
import { recordTransitSamples } from "./transit.server.ts";

/**
 * Runs the rules over a batch already read and writes the difference.
 * `orderIds` are the orders the batch stands for: those missing from it (no
 * longer mirrored, or outside the look-back window) have no problem left.
 */
export async function applyBatch(
  db: Db,
  shop: string,
  orderIds: readonly string[],
  batch: OrderBatch,
  context: RuleContext,
  since: Date | null,
): Promise<DelayChanges> {
  const { facts, samples } = factsOf(batch, context, since);
  await recordTransitSamples(db, shop, samples);
  const drafts = new Map<string, CaseDraft[]>();
  for (const order of facts) {
    const found = evaluateFacts(order, context);
    if (found.length > 0) drafts.set(order.orderId, found);
  }
  return syncCases(db, shop, orderIds, drafts, context.now, batch.cases);
}

/** Evaluates `orderIds` of one shop with a context already loaded (the scan reuses it). */
export async function evaluateOrdersWith(
  db: Db,
  shop: string,
  orderIds: readonly string[],
  context: RuleContext,
): Promise<DelayChanges> {
  const changes = noChanges();
  const runner = await prismaRunner(db);
  for (const ids of chunks(orderIds)) {
    await wakeSnoozed(db, shop, context.now, ids);
    const batch = await readBatch(runner, shop, { ids });
    // Cases of orders that are gone from the mirror are in no batch row: read them by id.
    const caseOrders = new Set(batch.cases.map((row) => row.orderId));
    const missing = ids.filter((id) => !caseOrders.has(id) && !batch.orders.some((order) => order.id === id));
    if (missing.length > 0)
      batch.cases.push(...(await db.delayCase.findMany({ where: { shop, orderId: { in: missing } } })));
    const result = await applyBatch(db, shop, ids, batch, context, null);
    changes.opened.push(...result.opened);
    changes.resolved.push(...result.resolved);
  }
  return changes;
}

export async function evaluateOrders(
  db: Db,
  shop: string,
  orderIds: readonly string[],
  now: Date = new Date(),
): Promise<DelayChanges> {
  if (orderIds.length === 0) return noChanges();
  return evaluateOrdersWith(db, shop, orderIds, await loadRuleContext(db, shop, now));
}

/** After an order / fulfillment / fulfillment event / hold webhook about `orderId`. */
export function evaluateOrder(db: Db, shop: string, orderId: string, now: Date = new Date()): Promise<DelayChanges> {
  return evaluateOrders(db, shop, [orderId], now);
}
