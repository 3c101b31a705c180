// After a conversation is resolved: a follow-up some days later
// (InboxSettings.followUpDays; 0 = never) carrying a one-question survey —
// how did we do, 1 to 5, one click from the mail — and a comment box on the
// page the click opens. It goes through the notice engine (kind "survey"),
// so suppression, quiet hours and the customer's language apply as to every
// notice. The answer is kept per conversation for the seller's analytics.
//
// The links carry an unguessable token (144 random bits, unique column), not a
// signature: the row is the authority, so a survey can be answered only while
// its row exists (a redacted customer's survey link stops working).
import { randomBytes } from "node:crypto";
import type { Db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { queueAndEnqueueNotice } from "../notices/notice-queue.server.ts";

export const SURVEY_COMMENT_MAX = 2_000;
const DAY_MS = 86_400_000;
/** Notice states that have not gone out yet (a reopened conversation withdraws them). */
const PENDING = ["queued", "deferred", "failed"];
const WITHDRAWN = "conversation_reopened";

export function surveyDedupeKey(conversationId: number): string {
  return `survey:${conversationId}`;
}

/** The survey page's address, with a rating when it is one of the mail's five links. */
export function surveyUrl(token: string, rating?: number, publicUrl = env().SHOPIFY_APP_URL): string {
  const url = new URL(`/survey/${encodeURIComponent(token)}`, publicUrl);
  if (rating) url.searchParams.set("rating", String(rating));
  return url.toString();
}

export type ScheduleSurveyResult =
  | { status: "scheduled"; surveyId: number; noticeId: number; sendAfter: Date }
  | { status: "skipped"; reason: "off" | "etsy" | "no_address" | "already" | "not_found" | "not_resolved" | string };

/**
 * Schedules the follow-up and survey of a resolved conversation, once: a conversation resolved,
 * reopened and resolved again keeps its one survey (and the notice's dedupe key keeps it one mail).
 * Kizuna never emails an Etsy buyer (Etsy's rules): Etsy conversations get none.
 */
export async function scheduleSurvey(
  db: Db,
  shop: string,
  conversationId: number,
  now = new Date(),
): Promise<ScheduleSurveyResult> {
  const conversation = await db.conversation.findFirst({ where: { shop, id: conversationId } });
  if (!conversation) return { status: "skipped", reason: "not_found" };
  if (conversation.status !== "resolved") return { status: "skipped", reason: "not_resolved" };
  if (conversation.channel === "etsy") return { status: "skipped", reason: "etsy" };
  const settings = await db.inboxSettings.findUnique({ where: { shop }, select: { followUpDays: true } });
  const days = settings?.followUpDays ?? 3;
  if (days <= 0) return { status: "skipped", reason: "off" };
  const existing = await db.satisfactionSurvey.findUnique({ where: { conversationId } });
  if (existing?.answeredAt) return { status: "skipped", reason: "already" };

  const [contact, identities] = await Promise.all([
    db.contact.findFirst({ where: { shop, id: conversation.contactId } }),
    db.contactIdentity.findMany({ where: { shop, contactId: conversation.contactId } }),
  ]);
  const email = identities.find((identity) => identity.kind === "email")?.value ?? null;
  const phone = identities.find((identity) => identity.kind === "phone")?.value ?? null;
  if (!email && !phone) return { status: "skipped", reason: "no_address" };

  const survey =
    existing ??
    (await db.satisfactionSurvey.upsert({
      where: { conversationId },
      create: {
        shop,
        conversationId,
        contactId: conversation.contactId,
        token: randomBytes(18).toString("base64url"),
      },
      update: {},
    }));
  const sendAfter = new Date((conversation.resolvedAt ?? now).getTime() + days * DAY_MS);
  const links: Record<string, string> = { surveyUrl: surveyUrl(survey.token) };
  for (let rating = 1; rating <= 5; rating++) links[`rating${rating}Url`] = surveyUrl(survey.token, rating);
  const result = await queueAndEnqueueNotice(db, await noticeQueue(), {
    shop,
    kind: "survey",
    dedupeKey: surveyDedupeKey(conversationId),
    orderId: conversation.orderId,
    email,
    phone,
    name: contact?.name ?? null,
    locale: contact?.locale ?? null,
    channel: email ? "email" : "sms",
    sendAfter,
    variables: { ...links, subject: conversation.subject ?? "" },
  });
  if (result.status === "duplicate" && result.noticeId) {
    // Resolved again after a reopen withdrew it: the same notice goes back to waiting for its day.
    await db.notice.updateMany({
      where: { shop, id: result.noticeId, status: "suppressed", statusReason: WITHDRAWN },
      data: { status: "queued", statusReason: null, sendAfter },
    });
  }
  if (result.status !== "queued" && result.status !== "duplicate")
    return { status: "skipped", reason: result.status === "disabled" ? "off" : result.reason };
  await db.satisfactionSurvey.update({ where: { id: survey.id }, data: { sentAt: sendAfter } });
  return { status: "scheduled", surveyId: survey.id, noticeId: result.noticeId ?? 0, sendAfter };
}

/** A reopened conversation is not finished: its follow-up, if still waiting, is withdrawn. */
export async function withdrawSurvey(db: Db, shop: string, conversationId: number): Promise<void> {
  await db.notice.updateMany({
    where: { shop, dedupeKey: surveyDedupeKey(conversationId), status: { in: PENDING } },
    data: { status: "suppressed", statusReason: WITHDRAWN },
  });
}

export interface SurveyView {
  shop: string;
  shopName: string;
  locale: "ja" | "en" | null;
  rating: number | null;
  comment: string | null;
  answered: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

export async function findSurvey(db: Db, token: string): Promise<SurveyView | null> {
  if (!TOKEN.test(token)) return null;
  const survey = await db.satisfactionSurvey.findUnique({ where: { token } });
  if (!survey) return null;
  const [shop, contact] = await Promise.all([
    db.shop.findUnique({ where: { domain: survey.shop }, select: { name: true, locale: true } }),
    db.contact.findFirst({ where: { shop: survey.shop, id: survey.contactId }, select: { locale: true } }),
  ]);
  const language = (contact?.locale ?? shop?.locale ?? "").toLowerCase();
  return {
    shop: survey.shop,
    shopName: shop?.name ?? survey.shop.replace(/\.myshopify\.com$/, ""),
    locale: language.startsWith("ja") ? "ja" : language.startsWith("en") ? "en" : null,
    rating: survey.rating,
    comment: survey.comment,
    answered: survey.answeredAt !== null,
  };
}

/**
 * Stores the customer's answer: a rating 1–5 (the mail's click), and later a comment with it.
 * A second answer replaces the first (they changed their mind); a comment alone keeps the rating.
 */
export async function answerSurvey(
  db: Db,
  token: string,
  answer: { rating: number | null; comment: string | null },
  now = new Date(),
): Promise<boolean> {
  if (!TOKEN.test(token)) return false;
  const changed = await db.satisfactionSurvey.updateMany({
    where: { token },
    data: {
      ...(answer.rating !== null ? { rating: answer.rating } : {}),
      ...(answer.comment !== null ? { comment: answer.comment } : {}),
      answeredAt: now,
    },
  });
  return changed.count === 1;
}

export interface SurveySummary {
  answered: number;
  /** Mean rating, one decimal, as text (never a float on the wire); null with no answers. */
  average: string | null;
  /** How many answers gave each rating, 1 to 5. */
  counts: [number, number, number, number, number];
}

/** The shop's survey answers for the seller's analytics. */
export async function surveySummary(db: Db, shop: string): Promise<SurveySummary> {
  const groups = await db.satisfactionSurvey.groupBy({
    by: ["rating"],
    where: { shop, rating: { not: null } },
    _count: { _all: true },
  });
  const counts: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const group of groups)
    if (group.rating && group.rating >= 1 && group.rating <= 5) counts[group.rating - 1] = group._count._all;
  const answered = counts.reduce((sum, count) => sum + count, 0);
  const total = counts.reduce((sum, count, index) => sum + count * (index + 1), 0);
  // Tenths by integer arithmetic, rounded half up.
  const tenths = answered ? Math.floor((total * 20 + answered) / (2 * answered)) : 0;
  return { answered, average: answered ? `${Math.floor(tenths / 10)}.${tenths % 10}` : null, counts };
}
