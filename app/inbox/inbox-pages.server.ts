// What the inbox pages of the admin read and do, so the routes stay thin: the
// list with its filter choices, one conversation with the customer panel
// beside it (identities, Shopify and Etsy orders, open delays, returns,
// notices, earlier conversations, the timeline), and the staff's actions read
// from the page's form (a bad field is a 400 that changes nothing; another
// shop's conversation a 404). Answers are in the staff member's language.
import { selfHelpAnswersFor } from "../analytics/self-help.server.ts";
import { topicsOf } from "../analytics/self-help-topics.ts";
import type { TFunction } from "i18next";
import { z } from "zod";
import { readAdminForm, rowId } from "../admin/form-input.server.ts";
import type { Db } from "../db.server.ts";
import { formError } from "../i18n/i18n.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { sendAgain } from "../notices/resend-notice.server.ts";
import { localParts, safeTimeZone, zonedTimeToUtc } from "../notices/shop-time.ts";
import { orderPageUrlIfConfigured } from "../storefront/order-link.server.ts";
import {
  addNote,
  assignConversation,
  inboxDepsFromEnv,
  markConversationRead,
  markEtsyMessageSent,
  reopenConversation,
  replyToConversation,
  resolveConversation,
  retryMessage,
  snoozeConversation,
  tagConversation,
} from "./conversation-actions.server.ts";
import {
  CHANNEL_NAMES,
  CONVERSATION_STATUSES,
  conversationsOfContact,
  listConversations,
  readConversation,
} from "./conversations.server.ts";
import { inboxAddress } from "./inbox-address.server.ts";
import { InboxError } from "./inbox-error.server.ts";
import { notePresence, type Presence } from "./presence.server.ts";
import {
  deleteSavedReply,
  fillReply,
  inboxSettingsView,
  listSavedReplies,
  replyValues,
  saveInboxSettings,
  saveReply,
} from "./saved-replies.server.ts";
import { scheduleSurvey, surveySummary, withdrawSurvey } from "./survey.server.ts";
import { customerTimeline, ordersOfContact } from "./timeline.server.ts";
import { checkTone, phrasesFromLines, TONE_PHRASE_MAX_LENGTH, TONE_PHRASES_MAX } from "./tone-check.ts";
import type { Channel, ConversationStatus } from "./types.ts";

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

/** A staff member as the inbox records them (the embedded admin's user id; Shopify's token carries no name). */
export const staffAuthor = (userId: string | null | undefined) => `staff:${userId ?? "unknown"}`;

// ---- the list ----

export const ListQuery = z.object({
  status: z.enum(["all", ...(CONVERSATION_STATUSES as [ConversationStatus, ...ConversationStatus[]])]).catch("all"),
  channel: z.enum(["all", ...(CHANNEL_NAMES as [Channel, ...Channel[]])]).catch("all"),
  /** "" all, "none" unassigned, else a staff member. */
  assignee: z.string().max(200).catch(""),
  tag: z.string().max(40).catch(""),
  q: z.string().max(100).catch(""),
  cursor: z
    .string()
    .regex(/^[wl]_\d{1,15}_\d{1,12}$/)
    .optional()
    .catch(undefined),
});
export type ListQueryValues = z.infer<typeof ListQuery>;

export async function inboxListPage(db: Db, shop: string, query: ListQueryValues) {
  const [list, assignees, tagRows, address] = await Promise.all([
    listConversations(db, shop, {
      status: query.status === "all" ? null : query.status,
      channel: query.channel === "all" ? null : query.channel,
      assignee: query.assignee === "" ? null : query.assignee === "none" ? "" : query.assignee,
      tag: query.tag || null,
      q: query.q || null,
      cursor: query.cursor ?? null,
    }),
    // The staff assigned lately, for the filter's choices (as the tags below): Prisma's `distinct`
    // read every assigned conversation of the shop and deduped them in memory.
    db.conversation.findMany({
      where: { shop, assignee: { not: null } },
      orderBy: { lastMessageAt: "desc" },
      select: { assignee: true },
      take: 500,
    }),
    // The tags in use lately, for the filter's choices.
    db.conversation.findMany({
      where: { shop, NOT: { tags: "[]" } },
      orderBy: { lastMessageAt: "desc" },
      select: { tags: true },
      take: 200,
    }),
    inboxAddress(db, shop).catch(() => null),
  ]);
  const tags = new Set<string>();
  for (const row of tagRows) {
    try {
      const parsed: unknown = JSON.parse(row.tags);
      if (Array.isArray(parsed)) for (const tag of parsed) if (typeof tag === "string") tags.add(tag);
    } catch {
      // an unreadable row offers no tag
    }
  }
  return {
    rows: list.items.map((item) => ({
      ...item,
      waitingSince: iso(item.waitingSince),
      lastMessageAt: item.lastMessageAt.toISOString(),
    })),
    nextCursor: list.nextCursor,
    counts: list.counts,
    assignees: [...new Set(assignees.map((row) => row.assignee!))].sort().slice(0, 50),
    tags: [...tags].sort().slice(0, 50),
    inboundAddress: address,
  };
}

/** Conversations with unread messages (not resolved): the navigation's count. Never throws. */
export async function unreadConversations(db: Db, shop: string): Promise<number> {
  try {
    return await db.conversation.count({ where: { shop, unread: { gt: 0 }, status: { not: "resolved" } } });
  } catch {
    return 0;
  }
}

// ---- one conversation ----

/** The order page's return request (<order page>/return?t=…), which takes the same signed token. */
function returnPageUrl(orderPage: string | null): string | null {
  if (!orderPage) return null;
  const url = new URL(orderPage);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/return`;
  return url.toString();
}

const RESENDABLE_KINDS = ["order_shipped", "exchange_shipped", "delay", "order_out_for_delivery"];

export async function conversationPage(db: Db, shop: string, conversationId: number) {
  const detail = await readConversation(db, shop, conversationId);
  if (!detail) return null;
  if (detail.conversation.unread > 0) await markConversationRead(db, shop, conversationId);
  const contactId = detail.contact.id;
  const ordersRead = ordersOfContact(db, shop, contactId);
  const [contactOrders, earlier, timeline, saved, settings, shopRow] = await Promise.all([
    ordersRead,
    conversationsOfContact(db, shop, contactId, conversationId),
    ordersRead.then((orders) => customerTimeline(db, shop, contactId, { limit: 50, contactOrders: orders })),
    listSavedReplies(db, shop),
    inboxSettingsView(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { timezone: true, name: true } }),
  ]);
  const orderIds = contactOrders.orders.map((order) => order.id);
  if (detail.conversation.orderId && !orderIds.includes(detail.conversation.orderId))
    orderIds.unshift(detail.conversation.orderId);
  const [delays, returns, resendable, values] = await Promise.all([
    orderIds.length
      ? db.delayCase.findMany({
          where: { shop, orderId: { in: orderIds }, status: { in: ["open", "snoozed"] } },
          orderBy: { openedAt: "desc" },
          select: { id: true, orderId: true, rule: true, reason: true, status: true, openedAt: true, notifiedAt: true },
        })
      : [],
    orderIds.length
      ? db.return.findMany({
          where: { shop, orderId: { in: orderIds } },
          orderBy: [{ requestedAt: "desc" }],
          take: 20,
          select: { id: true, orderId: true, name: true, status: true, requestedAt: true, resolution: true },
        })
      : [],
    orderIds.length
      ? db.notice.findMany({
          where: { shop, orderId: { in: orderIds }, status: "sent", kind: { in: RESENDABLE_KINDS } },
          orderBy: [{ sentAt: "desc" }, { id: "desc" }],
          distinct: ["orderId"],
          select: { id: true, orderId: true, kind: true },
        })
      : [],
    replyValues(db, shop, detail.contact.name, detail.conversation.orderId),
  ]);
  const messages = detail.messages;
  const lastMessageId = messages.at(-1)?.id ?? 0;
  // The seller's self-help answers that fit what the customer last wrote: offered first in the reply box.
  const lastWords = messages.findLast((message) => message.direction === "incoming" && message.kind === "message");
  const suggested = lastWords
    ? await selfHelpAnswersFor(db, shop, detail.contact.locale ?? "ja", topicsOf(lastWords.text))
    : [];
  return {
    conversation: {
      ...detail.conversation,
      snoozedUntil: iso(detail.conversation.snoozedUntil),
      waitingSince: iso(detail.conversation.waitingSince),
      firstMessageAt: iso(detail.conversation.firstMessageAt),
      firstResponseAt: iso(detail.conversation.firstResponseAt),
      resolvedAt: iso(detail.conversation.resolvedAt),
      lastMessageAt: detail.conversation.lastMessageAt.toISOString(),
      flaggedAt: iso(detail.conversation.flaggedAt),
      createdAt: detail.conversation.createdAt.toISOString(),
    },
    contact: detail.contact,
    messages: messages.map((message) => ({
      ...message,
      sentAt: iso(message.sentAt),
      createdAt: message.createdAt.toISOString(),
      // Worth a "show full message": the trimmed text leaves something out.
      trimmed: Boolean(message.fullText && message.fullText.trim() !== message.text.trim()),
    })),
    olderMessages: detail.olderMessages,
    lastMessageId,
    orders: contactOrders.orders.map((order) => ({
      id: order.id,
      name: order.name,
      source: order.source,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelled: order.cancelledAt !== null,
      totalPrice: order.totalPrice,
      currency: order.currency,
      createdAt: order.shopifyCreatedAt.toISOString(),
      // The signed order page (Shopify orders): "send the order page link" puts it in a reply.
      orderPageUrl: order.source === "etsy" ? null : orderPageUrlIfConfigured(shop, order.id),
      // Its return request page, same signed link: "start a return" sends it to the customer.
      returnPageUrl: order.source === "etsy" ? null : returnPageUrl(orderPageUrlIfConfigured(shop, order.id)),
      resendNoticeId: resendable.find((notice) => notice.orderId === order.id)?.id ?? null,
    })),
    delays: delays.map((delay) => ({
      ...delay,
      openedAt: delay.openedAt.toISOString(),
      notifiedAt: iso(delay.notifiedAt),
    })),
    returns: returns.map((ret) => ({ ...ret, requestedAt: iso(ret.requestedAt) })),
    earlier: earlier.map((row) => ({ ...row, lastMessageAt: row.lastMessageAt.toISOString() })),
    timeline: (timeline?.items ?? [])
      // The messages of this conversation are beside it already.
      .filter((item) => !(item.kind === "message" && item.conversationId === conversationId))
      .map((item) => ({ ...item, at: item.at.toISOString() })),
    savedReplies: [
      ...suggested.map((answer) => ({
        key: `answer:${answer.id}`,
        id: answer.id,
        locale: answer.locale,
        title: answer.title,
        filled: answer.body,
        suggested: true,
      })),
      ...saved.map((reply) => ({ ...reply, key: `saved:${reply.id}`, filled: fillReply(reply.body, values) })),
    ],
    replyValues: values,
    tonePhrases: settings.tonePhrases,
    timezone: shopRow?.timezone ?? null,
    shopName: shopRow?.name ?? null,
  };
}

// ---- the staff's actions ----

export interface InboxAnswer {
  status: 200 | 400 | 404 | 409 | 413 | 415 | 503;
  ok: boolean;
  intent: string;
  message: string;
  /** What the seller must confirm before the reply goes (the page asks, then posts again with confirm). */
  confirm?: "tone" | "overlap";
  /** The defensive phrases found, as the reply wrote them. */
  phrases?: string[];
  /** Others who have the conversation open (presence). */
  presence?: Presence[];
  /** A reply's outcome. */
  sendStatus?: "sent" | "failed" | "to_send";
  reason?: string | null;
}

const text = z.string().max(20_000);
const flag = z
  .enum(["1", "0", ""])
  .optional()
  .transform((value) => value === "1");

const ConversationForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("reply"),
    text,
    /** The last message the page showed: a reply from someone else since then asks to confirm. */
    seen: z.coerce.number().int().min(0).max(2_147_483_647),
    confirmTone: flag,
    confirmOverlap: flag,
  }),
  z.object({ intent: z.literal("note"), text }),
  z.object({ intent: z.literal("resolve") }),
  z.object({ intent: z.literal("reopen") }),
  z.object({
    intent: z.literal("snooze"),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .optional()
      .transform((value) => value || "09:00"),
  }),
  z.object({ intent: z.literal("assign"), assignee: z.string().max(200) }),
  z.object({ intent: z.literal("tags"), tags: z.string().max(1_000) }),
  z.object({ intent: z.literal("presence"), state: z.enum(["viewing", "replying"]) }),
  z.object({ intent: z.literal("retry"), messageId: rowId("messageId") }),
  z.object({ intent: z.literal("marked-sent"), messageId: rowId("messageId") }),
  z.object({
    intent: z.literal("resend-tracking"),
    noticeId: rowId("noticeId"),
    attempt: z.string().regex(/^[0-9a-z]{1,40}$/),
  }),
]);

/** The moment a snooze ends: `date` at `time` on the shop's clock. Null for a day that does not exist. */
export function snoozeUntil(date: string, time: string, timeZone: string | null): Date | null {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return zonedTimeToUtc({ year, month, day, hour, minute }, safeTimeZone(timeZone));
}

/** Today on the shop's clock, YYYY-MM-DD (the snooze field's earliest day). */
export function shopToday(timeZone: string | null, now = new Date()): string {
  const local = localParts(now, safeTimeZone(timeZone));
  return `${local.year}-${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}`;
}

export async function handleConversationAction(
  db: Db,
  request: Request,
  shop: string,
  conversationId: number,
  context: { staffUserId: string | null; t: TFunction },
): Promise<InboxAnswer> {
  const { t } = context;
  const body = await readAdminForm(request);
  if (!body.ok) return { status: body.status, ok: false, intent: "unknown", message: formError(t, body.status) };
  const parsed = ConversationForm.safeParse(body.fields);
  const intent = body.fields.intent ?? "unknown";
  if (!parsed.success) return { status: 400, ok: false, intent, message: t("inbox.results.badForm") };
  const form = parsed.data;
  const author = staffAuthor(context.staffUserId);
  const ok = (message: string, extra: Partial<InboxAnswer> = {}): InboxAnswer => ({
    status: 200,
    ok: true,
    intent: form.intent,
    message,
    ...extra,
  });
  try {
    switch (form.intent) {
      case "reply": {
        if (!form.text.trim()) return { status: 400, ok: false, intent, message: t("inbox.results.emptyReply") };
        const conversation = await db.conversation.findFirst({
          where: { shop, id: conversationId },
          select: { id: true },
        });
        if (!conversation) return { status: 404, ok: false, intent, message: t("inbox.results.notFound") };
        if (!form.confirmOverlap) {
          // Someone else answered since this page was loaded: the seller reads it before sending theirs.
          const since = await db.message.findFirst({
            where: { shop, conversationId, id: { gt: form.seen }, direction: "outgoing", NOT: { author } },
            select: { author: true },
          });
          if (since)
            return {
              status: 409,
              ok: false,
              intent,
              confirm: "overlap",
              message: t("inbox.results.someoneReplied"),
            };
        }
        if (!form.confirmTone) {
          const settings = await inboxSettingsView(db, shop);
          const warnings = checkTone(form.text, settings.tonePhrases);
          if (warnings.length)
            return {
              status: 409,
              ok: false,
              intent,
              confirm: "tone",
              phrases: warnings.map((warning) => warning.found),
              message: t("inbox.tone.warning"),
            };
        }
        const outcome = await replyToConversation(db, inboxDepsFromEnv(), shop, conversationId, {
          text: form.text,
          author,
        });
        if (outcome.status === "failed")
          return {
            status: 200,
            ok: false,
            intent,
            sendStatus: outcome.status,
            reason: outcome.reason,
            message: t("inbox.results.replyFailed"),
          };
        return ok(t(outcome.status === "to_send" ? "inbox.results.replyPrepared" : "inbox.results.replySent"), {
          sendStatus: outcome.status,
        });
      }
      case "note":
        if (!form.text.trim()) return { status: 400, ok: false, intent, message: t("inbox.results.emptyNote") };
        await addNote(db, shop, conversationId, { text: form.text, author });
        return ok(t("inbox.results.noteAdded"));
      case "resolve": {
        await resolveConversation(db, shop, conversationId, author);
        // The follow-up and survey are a courtesy: a problem with them never undoes the resolve.
        const survey = await scheduleSurvey(db, shop, conversationId).catch((error: unknown) => {
          console.warn(`inbox: survey for conversation ${conversationId} not scheduled: ${String(error)}`);
          return null;
        });
        return ok(t(survey?.status === "scheduled" ? "inbox.results.resolvedWithSurvey" : "inbox.results.resolved"));
      }
      case "reopen":
        await reopenConversation(db, shop, conversationId, author);
        await withdrawSurvey(db, shop, conversationId);
        return ok(t("inbox.results.reopened"));
      case "snooze": {
        const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { timezone: true } });
        const until = snoozeUntil(form.date, form.time, shopRow?.timezone ?? null);
        if (!until || until.getTime() <= Date.now())
          return { status: 400, ok: false, intent, message: t("inbox.results.snoozePast") };
        await snoozeConversation(db, shop, conversationId, until, author);
        return ok(t("inbox.results.snoozed"));
      }
      case "assign": {
        const name = form.assignee.trim() === "me" ? author : form.assignee.trim() || null;
        await assignConversation(db, shop, conversationId, name, author);
        return ok(t(name ? "inbox.results.assigned" : "inbox.results.unassigned"));
      }
      case "tags":
        await tagConversation(
          db,
          shop,
          conversationId,
          form.tags.split(/[,、，]/).map((tag) => tag.trim()),
        );
        return ok(t("inbox.results.tagged"));
      case "presence": {
        const exists = await db.conversation.findFirst({ where: { shop, id: conversationId }, select: { id: true } });
        if (!exists) return { status: 404, ok: false, intent, message: t("inbox.results.notFound") };
        const presence = await notePresence(shop, conversationId, { staffId: author, name: author, state: form.state });
        return { status: 200, ok: true, intent, message: "", presence };
      }
      case "retry": {
        const message = await db.message.findFirst({
          where: { shop, id: form.messageId, conversationId },
          select: { id: true },
        });
        if (!message) return { status: 404, ok: false, intent, message: t("inbox.results.notFound") };
        const outcome = await retryMessage(db, inboxDepsFromEnv(), shop, form.messageId);
        return outcome.status === "failed"
          ? { status: 200, ok: false, intent, reason: outcome.reason, message: t("inbox.results.replyFailed") }
          : ok(t("inbox.results.replySent"));
      }
      case "marked-sent": {
        const message = await db.message.findFirst({
          where: { shop, id: form.messageId, conversationId },
          select: { id: true },
        });
        if (!message) return { status: 404, ok: false, intent, message: t("inbox.results.notFound") };
        await markEtsyMessageSent(db, shop, form.messageId, author);
        return ok(t("inbox.results.markedSent"));
      }
      case "resend-tracking": {
        const again = await sendAgain(db, shop, form.noticeId, form.attempt);
        if (!again.ok) return { status: again.status, ok: false, intent, message: t("inbox.results.cannotResend") };
        await enqueueNoticeDelivery(await noticeQueue(), again.noticeId).catch(() => undefined);
        return ok(t(again.created ? "inbox.results.resent" : "inbox.results.alreadyResent"));
      }
    }
  } catch (error) {
    if (error instanceof InboxError) {
      const status = error.status as InboxAnswer["status"];
      return {
        status,
        ok: false,
        intent,
        message:
          error.code === "not_found"
            ? t("inbox.results.notFound")
            : error.code === "invalid"
              ? t("inbox.results.badForm")
              : error.code === "conflict"
                ? t("inbox.results.conflict")
                : t("inbox.results.unavailable"),
      };
    }
    throw error;
  }
}

// ---- saved replies and the inbox's settings ----

const RepliesForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save-reply"),
    id: z
      .string()
      .optional()
      .transform((value) => value || null)
      .pipe(
        z
          .string()
          .regex(/^[1-9]\d{0,9}$/)
          .transform(Number)
          .nullable(),
      ),
    locale: z.enum(["ja", "en"]),
    title: z.string().trim().min(1).max(100),
    body: z.string().trim().min(1).max(5_000),
  }),
  z.object({ intent: z.literal("delete-reply"), id: rowId("id") }),
  z.object({ intent: z.literal("tone"), en: z.string().max(20_000), ja: z.string().max(20_000) }),
  z.object({ intent: z.literal("tone-reset") }),
  z.object({ intent: z.literal("follow-up"), days: z.coerce.number().int().min(0).max(30) }),
]);

export async function repliesPage(db: Db, shop: string) {
  const [replies, settings, survey] = await Promise.all([
    listSavedReplies(db, shop),
    inboxSettingsView(db, shop),
    surveySummary(db, shop),
  ]);
  return { replies, settings, survey };
}

export async function handleRepliesAction(db: Db, request: Request, shop: string, t: TFunction): Promise<InboxAnswer> {
  const body = await readAdminForm(request);
  if (!body.ok) return { status: body.status, ok: false, intent: "unknown", message: formError(t, body.status) };
  const parsed = RepliesForm.safeParse(body.fields);
  const intent = body.fields.intent ?? "unknown";
  if (!parsed.success) return { status: 400, ok: false, intent, message: t("inbox.results.badForm") };
  const form = parsed.data;
  const ok = (message: string): InboxAnswer => ({ status: 200, ok: true, intent, message });
  switch (form.intent) {
    case "save-reply": {
      const saved = await saveReply(db, shop, { id: form.id, locale: form.locale, title: form.title, body: form.body });
      if (!saved.ok)
        return saved.status === 404
          ? { status: 404, ok: false, intent, message: t("inbox.results.notFound") }
          : { status: 409, ok: false, intent, message: t("inbox.replies.tooMany") };
      return ok(t("inbox.replies.saved"));
    }
    case "delete-reply":
      if (!(await deleteSavedReply(db, shop, form.id)))
        return { status: 404, ok: false, intent, message: t("inbox.results.notFound") };
      return ok(t("inbox.replies.deleted"));
    case "tone": {
      const en = phrasesFromLines(form.en);
      const ja = phrasesFromLines(form.ja);
      if (
        [...en, ...ja].some((phrase) => phrase.length > TONE_PHRASE_MAX_LENGTH) ||
        en.length > TONE_PHRASES_MAX ||
        ja.length > TONE_PHRASES_MAX
      )
        return { status: 400, ok: false, intent, message: t("inbox.replies.toneTooLong") };
      await saveInboxSettings(db, shop, { tonePhrases: { en, ja } });
      return ok(t("inbox.replies.toneSaved"));
    }
    case "tone-reset":
      await saveInboxSettings(db, shop, { tonePhrases: null });
      return ok(t("inbox.replies.toneReset"));
    case "follow-up":
      await saveInboxSettings(db, shop, { followUpDays: form.days });
      return ok(t("inbox.replies.followUpSaved"));
  }
}
