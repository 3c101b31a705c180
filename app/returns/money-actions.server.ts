// Actions that move money — a refund, a return's processing, an order's
// cancellation — run through one state machine kept in the database, so that a
// double click, two tabs, two web processes, a retried job or a crash between
// Shopify's answer and our write never move money twice
// (docs/decisions/0012-money-actions.md):
//
//   pending ──claim──▶ calling ──answer──▶ succeeded
//                         │  └──userErrors──▶ failed ──(seller tries again)──▶ calling
//                         └──no answer / crash: stays calling until its lease ends; the
//                            worker then asks Shopify whether it happened and finishes it.
//
// The row (with its idempotency key) is written before Shopify is called and is
// unique per subject (what the seller saw when they clicked), so every
// concurrent attempt at the same thing finds the same row and at most one of
// them holds the claim. refundCreate carries the key as @idempotent(key:); the
// mutations that take no key are checked against Shopify before any resend.
import { randomUUID } from "node:crypto";
import type { Db } from "../db.server.ts";
import { isUniqueViolation } from "../database/errors.ts";
import { AdminApiError, type AdminApi, type AdminUserError } from "../shopify/admin-api.server.ts";

export const MONEY_ACTION_KINDS = ["refund", "return_process", "order_cancel", "credit_bonus"] as const;
export type MoneyActionKind = (typeof MONEY_ACTION_KINDS)[number];
export type MoneyActionState = "pending" | "calling" | "succeeded" | "failed";

/** How long a call may take before the worker takes over and checks Shopify. */
export const CALL_LEASE_MS = 2 * 60 * 1000;

export interface MoneyActionRow {
  id: number;
  shop: string;
  orderId: string;
  returnId: string | null;
  kind: string;
  subjectKey: string;
  idempotencyKey: string;
  state: string;
  method: string | null;
  amount: string | null;
  currency: string | null;
  request: string;
  actor: string | null;
  attempts: number;
  leaseUntil: Date | null;
  shopifyId: string | null;
  userErrors: string | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One kind of money call: the mutation, and how to tell from Shopify whether it already happened. */
export interface MoneyOperation {
  kind: MoneyActionKind;
  /** Calls Shopify with the stored variables; answers the id of what was made (refund, job). */
  call(api: AdminApi, action: MoneyActionRow, variables: Record<string, unknown>): Promise<string | null>;
  /**
   * Before resending a call whose answer was lost: did it happen? Operations whose mutation
   * takes @idempotent answer null (resending is the check: Shopify replays the first result).
   */
  happened?(api: AdminApi, action: MoneyActionRow): Promise<{ shopifyId: string | null } | null>;
  /**
   * False for a call that takes no key and whose effect Kizuna cannot look up: after a lost answer it
   * is never sent again by itself — the action fails, saying so, and the seller checks Shopify.
   */
  resendable?: boolean;
}

/** What a lost answer of a call that is never resent by itself is recorded as (userErrors shape). */
export const UNKNOWN_OUTCOME = {
  message: "Shopify did not answer, so Kizuna cannot tell whether this happened. Check in Shopify before trying again.",
  code: "UNKNOWN_OUTCOME",
  field: null,
};

export interface NewMoneyAction {
  shop: string;
  orderId: string;
  returnId?: string | null;
  kind: MoneyActionKind;
  subjectKey: string;
  method?: string | null;
  amount?: string | null;
  currency?: string | null;
  variables: Record<string, unknown>;
  actor?: string | null;
}

export type MoneyActionOutcome =
  /** Done, now or earlier (`already`: an earlier click or another tab did it). */
  | { status: "succeeded"; action: MoneyActionRow; already: boolean }
  /** Another request holds the call, or Shopify did not answer: the worker finishes it. */
  | { status: "in_progress"; action: MoneyActionRow }
  /** Shopify refused it (nothing moved); `userErrors` say why. It can be tried again. */
  | { status: "failed"; action: MoneyActionRow; userErrors: AdminUserError[] };

export interface MoneyActionDeps {
  now?: () => Date;
  /** Test seam: runs after Shopify answered and before the answer is written (a crash there). */
  afterCall?: (action: MoneyActionRow) => void | Promise<void>;
}

export function userErrorsOf(action: Pick<MoneyActionRow, "userErrors">): AdminUserError[] {
  if (!action.userErrors) return [];
  try {
    const parsed: unknown = JSON.parse(action.userErrors);
    return Array.isArray(parsed) ? (parsed as AdminUserError[]) : [];
  } catch {
    return [];
  }
}

/** The stored action for this subject, made now when there is none. */
async function findOrCreate(db: Db, input: NewMoneyAction): Promise<MoneyActionRow> {
  const key = { shop: input.shop, subjectKey: input.subjectKey };
  const existing = await db.moneyAction.findUnique({ where: { shop_subjectKey: key } });
  if (existing) return existing;
  try {
    return await db.moneyAction.create({
      data: {
        ...key,
        orderId: input.orderId,
        returnId: input.returnId ?? null,
        kind: input.kind,
        idempotencyKey: randomUUID(),
        method: input.method ?? null,
        amount: input.amount ?? null,
        currency: input.currency ?? null,
        request: JSON.stringify(input.variables),
        actor: input.actor ?? null,
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.moneyAction.findUniqueOrThrow({ where: { shop_subjectKey: key } });
  }
}

/**
 * Takes the call for this request: only one request at a time holds a subject. A failed
 * action is tried again with the seller's new variables and a new idempotency key (Shopify
 * replays a key's first answer, the refusal included); a call past its lease is taken over.
 */
async function claim(
  db: Db,
  action: MoneyActionRow,
  input: NewMoneyAction | null,
  now: Date,
): Promise<MoneyActionRow | null> {
  const retry = action.state === "failed" && input;
  const claimed = await db.moneyAction.updateMany({
    where: {
      id: action.id,
      OR: [
        { state: "pending" },
        { state: "failed", attempts: action.attempts },
        { state: "calling", leaseUntil: { lt: now } },
      ],
    },
    data: {
      state: "calling",
      attempts: { increment: 1 },
      leaseUntil: new Date(now.getTime() + CALL_LEASE_MS),
      userErrors: null,
      error: null,
      ...(retry
        ? {
            idempotencyKey: randomUUID(),
            request: JSON.stringify(input.variables),
            amount: input.amount ?? null,
            method: input.method ?? null,
            actor: input.actor ?? action.actor,
          }
        : {}),
    },
  });
  if (claimed.count === 0) return null;
  return db.moneyAction.findUniqueOrThrow({ where: { id: action.id } });
}

async function finish(
  db: Db,
  action: MoneyActionRow,
  data: { state: MoneyActionState; shopifyId?: string | null; userErrors?: string | null; error?: string | null },
  now: Date,
): Promise<MoneyActionRow> {
  // Only the holder of this attempt writes its answer.
  await db.moneyAction.updateMany({
    where: { id: action.id, state: "calling", attempts: action.attempts },
    data: {
      ...data,
      // Still open: the lease starts again, and then the worker checks.
      leaseUntil: data.state === "calling" ? new Date(now.getTime() + CALL_LEASE_MS) : null,
      finishedAt: data.state === "calling" ? null : now,
    },
  });
  return db.moneyAction.findUniqueOrThrow({ where: { id: action.id } });
}

/** Calls Shopify for a claimed action (after checking, on a takeover, that it has not happened). */
async function perform(
  db: Db,
  api: AdminApi,
  operation: MoneyOperation,
  action: MoneyActionRow,
  takeover: boolean,
  deps: MoneyActionDeps,
): Promise<MoneyActionOutcome> {
  const now = deps.now ?? (() => new Date());
  try {
    if (takeover && operation.happened) {
      const seen = await operation.happened(api, action);
      if (seen) {
        const done = await finish(db, action, { state: "succeeded", shopifyId: seen.shopifyId }, now());
        return { status: "succeeded", action: done, already: false };
      }
    }
    if (takeover && operation.resendable === false) {
      const unknown = [UNKNOWN_OUTCOME];
      const failed = await finish(db, action, { state: "failed", userErrors: JSON.stringify(unknown) }, now());
      return { status: "failed", action: failed, userErrors: unknown };
    }
    const variables = JSON.parse(action.request) as Record<string, unknown>;
    const shopifyId = await operation.call(api, action, variables);
    await deps.afterCall?.(action);
    const done = await finish(db, action, { state: "succeeded", shopifyId }, now());
    return { status: "succeeded", action: done, already: false };
  } catch (error) {
    if (error instanceof AdminApiError && error.kind === "graphql") {
      // Shopify read the call and refused it: nothing moved.
      const userErrors = error.userErrors ?? error.messages.map((message) => ({ message, field: null, code: null }));
      const failed = await finish(db, action, { state: "failed", userErrors: JSON.stringify(userErrors) }, now());
      return { status: "failed", action: failed, userErrors };
    }
    if (error instanceof AdminApiError) {
      // No answer: it may or may not have happened. The lease runs out and the worker checks.
      const kept = await finish(db, action, { state: "calling", error: error.message.slice(0, 500) }, now());
      return { status: "in_progress", action: kept };
    }
    throw error;
  }
}

/** Runs the seller's money action once, whatever the number of clicks, tabs and processes. */
export async function runMoneyAction(
  db: Db,
  api: AdminApi,
  operation: MoneyOperation,
  input: NewMoneyAction,
  deps: MoneyActionDeps = {},
): Promise<MoneyActionOutcome> {
  if (input.kind !== operation.kind) throw new Error(`operation ${operation.kind} cannot run a ${input.kind} action`);
  const now = (deps.now ?? (() => new Date()))();
  const action = await findOrCreate(db, input);
  if (action.state === "succeeded") return { status: "succeeded", action, already: true };
  const takeover = action.state === "calling";
  const claimed = await claim(db, action, input, now);
  if (!claimed) {
    const current = await db.moneyAction.findUniqueOrThrow({ where: { id: action.id } });
    if (current.state === "succeeded") return { status: "succeeded", action: current, already: true };
    if (current.state === "failed") return { status: "failed", action: current, userErrors: userErrorsOf(current) };
    return { status: "in_progress", action: current };
  }
  return perform(db, api, operation, claimed, takeover, deps);
}

/**
 * The worker's pass: every call whose lease ran out (its process crashed or Shopify did not
 * answer) is checked against Shopify and finished — never sent a second time when it happened.
 */
export async function recoverMoneyActions(
  db: Db,
  apiFor: (shop: string) => Promise<AdminApi | null>,
  operations: Record<MoneyActionKind, MoneyOperation>,
  deps: MoneyActionDeps & {
    /** What the click that started it would have done next (record the step, tell the customer). */
    afterSuccess?: (api: AdminApi, action: MoneyActionRow) => Promise<void>;
  } = {},
): Promise<{ recovered: number; stillOpen: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const stale = await db.moneyAction.findMany({
    where: { state: "calling", leaseUntil: { lt: now } },
    orderBy: { id: "asc" },
    take: 100,
  });
  let recovered = 0;
  let stillOpen = 0;
  for (const action of stale) {
    const api = await apiFor(action.shop);
    const operation = operations[action.kind as MoneyActionKind];
    if (!api || !operation) {
      stillOpen++;
      continue;
    }
    const claimed = await claim(db, action, null, now);
    if (!claimed) continue;
    const outcome = await perform(db, api, operation, claimed, true, deps).catch(() => null);
    if (outcome && outcome.status !== "in_progress") recovered++;
    else stillOpen++;
    if (outcome?.status === "succeeded" && deps.afterSuccess)
      // The money moved and is recorded: a failure here must not undo that, only be seen.
      await deps
        .afterSuccess(api, outcome.action)
        .catch((error: unknown) =>
          console.error(
            `money action ${outcome.action.id}: after recovery`,
            error instanceof Error ? error.message : error,
          ),
        );
  }
  return { recovered, stillOpen };
}

export interface MoneyActionView {
  id: number;
  kind: string;
  state: string;
  method: string | null;
  amount: string | null;
  currency: string | null;
  actor: string | null;
  createdAt: string;
  finishedAt: string | null;
  userErrors: AdminUserError[];
}

export function moneyActionView(action: MoneyActionRow): MoneyActionView {
  return {
    id: action.id,
    kind: action.kind,
    state: action.state,
    method: action.method,
    amount: action.amount,
    currency: action.currency,
    actor: action.actor,
    createdAt: action.createdAt.toISOString(),
    finishedAt: action.finishedAt?.toISOString() ?? null,
    userErrors: userErrorsOf(action),
  };
}

/** The money actions on an order (and its returns), newest first: who did what, when. */
export async function moneyActionsOfOrder(db: Db, shop: string, orderId: string): Promise<MoneyActionView[]> {
  const rows = await db.moneyAction.findMany({ where: { shop, orderId }, orderBy: { id: "desc" }, take: 50 });
  return rows.map(moneyActionView);
}
