// The seller's return and money actions as the admin pages post them: the form
// read and checked (a bad field is a 400 that changes nothing), one domain call,
// and what happened in the admin's language. Routes stay thin.
import type { TFunction } from "i18next";
import { z } from "zod";
import type { Db } from "../db.server.ts";
import { readAdminForm } from "../admin/form-input.server.ts";
import { formError, requestLocale, requestT } from "../i18n/i18n.server.ts";
import { adminApiForShop } from "../shopify/admin-for-shop.server.ts";
import { formatMoney } from "../money/decimal.ts";
import { AdminApiError, type AdminApi, type AdminUserError } from "../shopify/admin-api.server.ts";
import type { MoneyActionOutcome } from "./money-actions.server.ts";
import {
  addReturnLabel,
  approveReturn,
  cancelOrder,
  cancelReturn,
  closeReturn,
  declineReturn,
  processReturn,
  refundOrder,
  reopenReturn,
  StalePageError,
  type Actor,
} from "./return-actions.server.ts";
import { DECLINE_REASONS } from "./return-labels.ts";
import { ReturnStateError } from "./shopify-returns.server.ts";

export interface ActionAnswer {
  status: 200 | 202 | 400 | 409 | 413 | 415 | 422 | 503;
  ok: boolean;
  message: string;
  /** Shopify's userErrors, shown as they came. */
  details?: string[];
  intent: string;
}

const amount = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,3})?$/);
const seen = z.coerce.number().int().min(0).max(10_000);
const note = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((value) => value?.trim() || null);
const url = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => value === "" || /^https?:\/\/\S+$/i.test(value))
  .transform((value) => value || null);

const ReturnForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve") }),
  z.object({ intent: z.literal("decline"), reason: z.enum(DECLINE_REASONS), note: note(500) }),
  z.object({
    intent: z.literal("label"),
    labelUrl: url,
    trackingNumber: note(100),
    trackingUrl: url,
  }),
  z.object({
    intent: z.literal("process"),
    method: z.enum(["original", "store_credit"]),
    restock: z.enum(["1", "0"]).transform((value) => value === "1"),
    amount,
    seen,
  }),
  z.object({ intent: z.literal("close") }),
  z.object({ intent: z.literal("reopen") }),
  z.object({ intent: z.literal("cancel") }),
]);

const OrderForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("refund"), amount, note: note(255), seen }),
  z.object({
    intent: z.literal("cancel-order"),
    refund: z.enum(["1", "0"]).transform((value) => value === "1"),
    restock: z.enum(["1", "0"]).transform((value) => value === "1"),
  }),
]);

function userErrorLines(errors: readonly AdminUserError[]): string[] {
  return errors.map((error) => (error.field?.length ? `${error.field.join(".")}: ${error.message}` : error.message));
}

function moneyAnswer(t: TFunction, intent: string, outcome: MoneyActionOutcome, locale: string): ActionAnswer {
  const { action } = outcome;
  const money = action.amount && action.currency ? formatMoney(action.amount, action.currency, locale) : "";
  if (outcome.status === "succeeded")
    return {
      status: 200,
      ok: true,
      intent,
      message: outcome.already
        ? t("returns.results.alreadyDone", { amount: money })
        : t(`returns.results.${action.kind}Done`, { amount: money }),
    };
  if (outcome.status === "in_progress")
    return { status: 202, ok: true, intent, message: t("returns.results.inProgress") };
  return {
    status: 422,
    ok: false,
    intent,
    message: t("returns.results.shopifyRefused"),
    details: userErrorLines(outcome.userErrors),
  };
}

/** Shopify's refusal, a stale page, a rule Shopify would refuse: each a clear answer, nothing changed. */
function failure(t: TFunction, intent: string, error: unknown): ActionAnswer {
  if (error instanceof StalePageError) return { status: 409, ok: false, intent, message: t("returns.results.stale") };
  if (error instanceof ReturnStateError)
    return { status: 409, ok: false, intent, message: t(`returns.results.state.${error.code}`) };
  if (error instanceof AdminApiError && error.kind === "graphql")
    return {
      status: 422,
      ok: false,
      intent,
      message: t("returns.results.shopifyRefused"),
      details: error.userErrors ? userErrorLines(error.userErrors) : error.messages,
    };
  if (error instanceof AdminApiError)
    return { status: 503, ok: false, intent, message: t("returns.results.shopifyAway") };
  throw error;
}

export async function handleReturnAction(
  db: Db,
  api: AdminApi | null,
  shop: string,
  returnId: string,
  fields: Record<string, string>,
  context: { actor: Actor; t: TFunction; locale: string },
): Promise<ActionAnswer> {
  const { t, actor } = context;
  const parsed = ReturnForm.safeParse(fields);
  if (!parsed.success)
    return { status: 400, ok: false, intent: fields.intent ?? "unknown", message: t("returns.results.badForm") };
  const form = parsed.data;
  if (!api) return { status: 503, ok: false, intent: form.intent, message: t("returns.results.noSession") };
  try {
    switch (form.intent) {
      case "approve":
        await approveReturn(db, api, shop, returnId, actor);
        return { status: 200, ok: true, intent: form.intent, message: t("returns.results.approved") };
      case "decline":
        await declineReturn(db, api, shop, returnId, { reason: form.reason, note: form.note }, actor);
        return { status: 200, ok: true, intent: form.intent, message: t("returns.results.declined") };
      case "label":
        if (!form.labelUrl && !form.trackingNumber && !form.trackingUrl)
          return { status: 400, ok: false, intent: form.intent, message: t("returns.results.labelEmpty") };
        await addReturnLabel(
          db,
          api,
          shop,
          returnId,
          {
            labelUrl: form.labelUrl,
            trackingNumber: form.trackingNumber,
            trackingUrl: form.trackingUrl,
            carrier: null,
          },
          actor,
        );
        return { status: 200, ok: true, intent: form.intent, message: t("returns.results.labelAdded") };
      case "process": {
        const outcome = await processReturn(
          db,
          api,
          shop,
          returnId,
          { method: form.method, restock: form.restock, confirmedAmount: form.amount, seen: form.seen },
          actor,
        );
        return moneyAnswer(t, form.intent, outcome, context.locale);
      }
      case "close":
        await closeReturn(db, api, shop, returnId, actor);
        return { status: 200, ok: true, intent: form.intent, message: t("returns.results.closed") };
      case "reopen":
        await reopenReturn(db, api, shop, returnId, actor);
        return { status: 200, ok: true, intent: form.intent, message: t("returns.results.reopened") };
      case "cancel":
        await cancelReturn(db, api, shop, returnId, actor);
        return { status: 200, ok: true, intent: form.intent, message: t("returns.results.cancelled") };
    }
  } catch (error) {
    return failure(t, form.intent, error);
  }
}

export async function handleOrderMoneyAction(
  db: Db,
  api: AdminApi | null,
  shop: string,
  orderId: string,
  fields: Record<string, string>,
  context: { actor: Actor; t: TFunction; locale: string },
): Promise<ActionAnswer> {
  const { t, actor } = context;
  const parsed = OrderForm.safeParse(fields);
  if (!parsed.success)
    return { status: 400, ok: false, intent: fields.intent ?? "unknown", message: t("returns.results.badForm") };
  const form = parsed.data;
  if (!api) return { status: 503, ok: false, intent: form.intent, message: t("returns.results.noSession") };
  try {
    const outcome =
      form.intent === "refund"
        ? await refundOrder(db, api, shop, orderId, { amount: form.amount, note: form.note, seen: form.seen }, actor)
        : await cancelOrder(
            db,
            api,
            shop,
            orderId,
            { refund: form.refund, restock: form.restock, reason: "CUSTOMER", staffNote: null },
            actor,
          );
    return moneyAnswer(t, form.intent, outcome, context.locale);
  } catch (error) {
    return failure(t, form.intent, error);
  }
}

export interface AdminActionContext {
  api: AdminApi | null;
  actor: Actor;
  t: TFunction;
  locale: string;
}

/**
 * A seller's money or return action as a route runs it: the form read (a body that is not a small
 * URL-encoded form is its 4xx, nothing done), who asks, in which language, then `run`.
 */
export async function answerAdminForm(
  request: Request,
  session: { shop: string; staffUserId: string | null },
  run: (fields: Record<string, string>, context: AdminActionContext) => Promise<ActionAnswer>,
): Promise<ActionAnswer> {
  const t = await requestT(request, session.shop);
  const body = await readAdminForm(request);
  if (!body.ok) return { status: body.status, ok: false, intent: "unknown", message: formError(t, body.status) };
  return run(body.fields, {
    api: await adminApiForShop(session.shop),
    actor: { id: `staff:${session.staffUserId ?? "unknown"}` },
    t,
    locale: await requestLocale(request, session.shop),
  });
}
