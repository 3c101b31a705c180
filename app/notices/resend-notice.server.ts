// Resend from the dead-letter list: the same notice (same dedupe key) goes back
// to `queued`; the caller enqueues its delivery again. Never a second notice.
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
