// Resend from the dead-letter list: the same notice (same dedupe key) goes back
// to `queued`; the caller enqueues its delivery again. Never a second notice.
import { isUniqueViolation } from "../database/errors.ts";
import type { Db } from "../db.server.ts";

export type ResendResult = { ok: true; noticeId: number } | { ok: false; status: 404 | 409; message: string };

const RESENDABLE = ["dead", "failed"];

export async function resendNotice(db: Db, shop: string, noticeId: number, now = new Date()): Promise<ResendResult> {
  const notice = await db.notice.findFirst({ where: { id: noticeId, shop } });
  if (!notice) return { ok: false, status: 404, message: "That notice does not exist." };
  const updated = await db.notice.updateMany({
    where: { id: notice.id, shop, status: { in: RESENDABLE } },
    data: { status: "queued", statusReason: "resend", attempts: 0, sendAfter: null },
  });
  if (updated.count !== 1) {
    return { ok: false, status: 409, message: `This notice is ${notice.status}; only failed notices can be resent.` };
  }
  await db.noticeEvent.create({ data: { shop, noticeId: notice.id, status: "queued", reason: "resend", at: now } });
  return { ok: true, noticeId: notice.id };
}

/** Resend and queue the delivery job; if the queue cannot take it, the notice goes back to the dead-letter list. */
export async function resendAndEnqueue(
  db: Db,
  enqueue: (noticeId: number) => Promise<void>,
  shop: string,
  noticeId: number,
): Promise<ResendResult | { ok: false; status: 503; message: string }> {
  const previous = await db.notice.findFirst({
    where: { id: noticeId, shop },
    select: { status: true, statusReason: true },
  });
  const result = await resendNotice(db, shop, noticeId);
  if (!result.ok) return result;
  try {
    await enqueue(noticeId);
    return result;
  } catch {
    await db.notice.updateMany({
      where: { id: noticeId, shop, status: "queued" },
      data: { status: previous?.status ?? "dead", statusReason: previous?.statusReason ?? null },
    });
    await db.noticeEvent.create({
      data: { shop, noticeId, status: previous?.status ?? "dead", reason: "resend_not_queued" },
    });
    return {
      ok: false,
      status: 503,
      message: "The notice could not be queued right now. Please try again in a minute.",
    };
  }
}

export type SendAgainResult =
  { ok: true; noticeId: number; created: boolean } | { ok: false; status: 404 | 409; reason: "not_found" | "not_sent" };

/**
 * "Send again" for a notice that went out: a new notice with the same content
 * and recipient (consent and unsubscribes are checked again when it is sent).
 * `attempt` identifies the seller's click (the page the button was on): the
 * same attempt twice — a double click, a retried request — finds the copy it
 * already made and sends nothing more.
 */
export async function sendAgain(db: Db, shop: string, noticeId: number, attempt: string): Promise<SendAgainResult> {
  const original = await db.notice.findFirst({ where: { id: noticeId, shop } });
  if (!original) return { ok: false, status: 404, reason: "not_found" };
  if (original.status !== "sent") return { ok: false, status: 409, reason: "not_sent" };
  const dedupeKey = `${original.dedupeKey.slice(0, 200)}:again:${attempt}`;
  const existing = await db.notice.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey } }, select: { id: true } });
  if (existing) return { ok: true, noticeId: existing.id, created: false };
  try {
    const copy = await db.$transaction(async (tx) => {
      const created = await tx.notice.create({
        data: {
          shop,
          dedupeKey,
          kind: original.kind,
          customerId: original.customerId,
          orderId: original.orderId,
          channel: original.channel,
          locale: original.locale,
          recipient: original.recipient,
          recipientName: original.recipientName,
          subject: original.subject,
          bodyText: original.bodyText,
          bodyHtml: original.bodyHtml,
          variables: original.variables,
          contentId: original.contentId,
          statusReason: `sent_again:${original.id}`,
        },
      });
      await tx.noticeEvent.create({
        data: { shop, noticeId: created.id, status: "queued", reason: `sent_again:${original.id}` },
      });
      return created;
    });
    return { ok: true, noticeId: copy.id, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.notice.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey } }, select: { id: true } });
    return { ok: true, noticeId: winner!.id, created: false };
  }
}
