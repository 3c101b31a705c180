// deliverNotice: the BullMQ processor's body. Everything that can change after
// queueing is checked here, at send time: the kind still on, suppression and
// consent, the daily cap, quiet hours. The send itself is claimed with a
// conditional update (`sending`), so two workers or a retried job never send twice.
import { UnrecoverableError } from "bullmq";
import type { Db } from "../db.server.ts";
import { getShopSettings, type ShopSettingsView } from "../settings/shop-settings.server.ts";
import { KINDS, NOTICE_KINDS, isNoticeKind, type NoticeChannel, type NoticeKind } from "./kinds.ts";
import { HeaderInjectionError, type Mailer } from "./mailer.server.ts";
import { capSlotFor, releaseCapSlot, takeCapSlot } from "./daily-cap.server.ts";
import { escapeHtml } from "./template-language.ts";
import { quietHoursEnd, safeTimeZone, startOfShopDay } from "./shop-time.ts";
import { SmsSendError, type SmsProvider } from "./sms.server.ts";
import { findSuppression, suppress, unsubscribeUrl } from "./suppression.server.ts";

export interface DeliveryDeps {
  mailer: Mailer;
  sms: SmsProvider | null;
  now(): Date;
  /** The app's public URL, for unsubscribe links. */
  publicUrl: string;
  /** Signs unsubscribe links (the app secret). */
  secret: string;
  /** From address when the seller has set none (MAIL_FROM); else no-reply at the app's host. */
  senderAddress?: string;
}

/** The From address when neither the seller nor MAIL_FROM set one: no-reply at the app's host (a dotless local host gets .localdomain, so the address is valid). */
export function defaultSenderAddress(publicUrl: string, configured?: string): string {
  if (configured) return configured;
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, "");
  return `no-reply@${host.includes(".") ? host : `${host}.localdomain`}`;
}

export type DeliveryResult =
  | { status: "sent"; providerMessageId: string }
  | { status: "already_sent" }
  | { status: "suppressed"; reason: string }
  | { status: "deferred"; sendAfter: Date; delayMs: number }
  | { status: "in_progress"; retryAt: Date }
  | { status: "dead"; reason: string }
  | { status: "missing" };

/** Send attempts before a notice lands in the dead-letter list. */
export const NOTICE_MAX_ATTEMPTS = 5;
/** A `sending` claim older than this was interrupted (worker died mid-send). */
export const SENDING_STALE_MS = 2 * 60_000;

type NoticeRow = NonNullable<Awaited<ReturnType<Db["notice"]["findUnique"]>>>;

interface Outgoing {
  notice: NoticeRow;
  kind: NoticeKind;
  settings: ShopSettingsView;
  shop: { name: string | null; email: string | null } | null;
  deps: DeliveryDeps;
}

/** One adapter per channel: what consent it needs and how it sends. */
interface ChannelAdapter {
  available(deps: DeliveryDeps): boolean;
  consent(db: Db, notice: NoticeRow, kind: NoticeKind): Promise<string | null>;
  send(outgoing: Outgoing): Promise<string>;
}

async function emailConsent(db: Db, notice: NoticeRow, kind: NoticeKind): Promise<string | null> {
  if (KINDS[kind].transactional) return null;
  if (kind === "restock" || kind === "restock_confirmation") {
    const signup = await db.restockSubscription.findFirst({
      where: { shop: notice.shop, email: notice.recipient ?? "" },
      orderBy: { createdAt: "desc" },
    });
    return signup?.unsubscribedAt ? "restock_signup_cancelled" : null;
  }
  if (!notice.customerId) return null;
  const customer = await db.customer.findUnique({
    where: { shop_id: { shop: notice.shop, id: notice.customerId } },
    select: { emailConsent: true },
  });
  return customer?.emailConsent === "UNSUBSCRIBED" ? "email_unsubscribed" : null;
}

async function smsConsent(db: Db, notice: NoticeRow, kind: NoticeKind): Promise<string | null> {
  if (notice.customerId) {
    const customer = await db.customer.findUnique({
      where: { shop_id: { shop: notice.shop, id: notice.customerId } },
      select: { smsConsent: true },
    });
    if (customer?.smsConsent === "SUBSCRIBED") return null;
  }
  if (kind === "restock" || kind === "restock_confirmation") {
    const signup = await db.restockSubscription.findFirst({
      where: { shop: notice.shop, phone: notice.recipient ?? "", smsConsent: true, unsubscribedAt: null },
    });
    if (signup) return null;
  }
  return "no_sms_consent";
}

function withUnsubscribeFooter(outgoing: Outgoing, link: string): { text: string; html: string } {
  const { notice } = outgoing;
  const ja = notice.locale === "ja";
  const line = ja
    ? "今後このようなお知らせが不要な場合は、こちらから配信を停止できます："
    : "Don't want these emails? Unsubscribe:";
  const text = `${notice.bodyText ?? ""}\n\n--\n${line} ${link}`;
  const footer = `<p style="margin:24px 0 0;font-size:12px;color:#6d7175">${escapeHtml(line)} <a href="${escapeHtml(link)}">${ja ? "配信停止" : "Unsubscribe"}</a></p>`;
  const html = (notice.bodyHtml ?? "").replace(/<\/body>/, `${footer}\n</body>`);
  return { text, html };
}

const CHANNELS: Record<NoticeChannel, ChannelAdapter> = {
  email: {
    available: () => true,
    consent: emailConsent,
    async send(outgoing) {
      const { notice, settings, shop, deps, kind } = outgoing;
      const fromName = settings.senderName ?? shop?.name ?? notice.shop.replace(/\.myshopify\.com$/, "");
      const fromAddress = settings.senderEmail ?? defaultSenderAddress(deps.publicUrl, deps.senderAddress);
      const replyTo = settings.senderEmail ?? shop?.email ?? null;
      let text = notice.bodyText ?? "";
      let html = notice.bodyHtml ?? "";
      const headers: Record<string, string> = {};
      if (!KINDS[kind].transactional) {
        const link = unsubscribeUrl(deps.publicUrl, deps.secret, {
          shop: notice.shop,
          channel: "email",
          address: notice.recipient ?? "",
          kindClass: "marketing",
        });
        ({ text, html } = withUnsubscribeFooter(outgoing, link));
        headers["List-Unsubscribe"] = `<${link}>`;
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
      }
      if (replyTo) headers["Reply-To"] = replyTo;
      const result = await deps.mailer.send({
        from: { name: fromName, address: fromAddress },
        to: { name: notice.recipientName, address: notice.recipient ?? "" },
        subject: notice.subject ?? "",
        text,
        html,
        headers,
        messageId: `<notice-${notice.id}.${notice.shop}@${new URL(deps.publicUrl).hostname}>`,
      });
      return result.messageId;
    },
  },
  sms: {
    available: (deps) => deps.sms !== null,
    consent: smsConsent,
    async send({ notice, deps }) {
      if (!deps.sms) throw new UnrecoverableError("SMS is not configured");
      return (await deps.sms.send({ to: notice.recipient ?? "", body: notice.bodyText ?? "" })).messageId;
    },
  },
};

async function record(db: Db, notice: NoticeRow, status: string, reason: string | null, at: Date, extra = {}) {
  await db.notice.update({ where: { id: notice.id }, data: { status, statusReason: reason, ...extra } });
  await db.noticeEvent.create({ data: { shop: notice.shop, noticeId: notice.id, status, reason, at } });
}

async function suppressNotice(db: Db, notice: NoticeRow, reason: string, now: Date): Promise<DeliveryResult> {
  await record(db, notice, "suppressed", reason, now);
  return { status: "suppressed", reason };
}

const PROACTIVE_KINDS = NOTICE_KINDS.filter((kind) => KINDS[kind].proactive);

async function sentToday(db: Db, notice: NoticeRow, since: Date): Promise<number> {
  const who = notice.customerId ? { customerId: notice.customerId } : { recipient: notice.recipient };
  return db.notice.count({
    where: {
      shop: notice.shop,
      ...who,
      kind: { in: PROACTIVE_KINDS },
      status: "sent",
      sentAt: { gte: since },
      id: { not: notice.id },
    },
  });
}

function isPermanent(error: unknown): boolean {
  if (error instanceof UnrecoverableError || error instanceof HeaderInjectionError) return true;
  if (error instanceof SmsSendError) return error.status >= 400 && error.status < 500 && error.status !== 429;
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600 && code !== 552;
}

export async function deliverNotice(db: Db, deps: DeliveryDeps, noticeId: number): Promise<DeliveryResult> {
  const now = deps.now();
  const notice = await db.notice.findUnique({ where: { id: noticeId } });
  if (!notice) return { status: "missing" };
  if (notice.status === "sent") return { status: "already_sent" };
  if (notice.status === "suppressed") return { status: "suppressed", reason: notice.statusReason ?? "suppressed" };
  if (notice.status === "dead") return { status: "dead", reason: notice.statusReason ?? "dead" };
  if (notice.status === "sending") {
    const staleAt = new Date(notice.updatedAt.getTime() + SENDING_STALE_MS);
    if (now < staleAt) return { status: "in_progress", retryAt: staleAt };
    // A worker died between claiming and recording the result: the mail may have gone out.
    // Never guess: it goes to the dead-letter list, where the seller can choose to resend.
    const reason = "interrupted_mid_send: delivery unknown, not retried automatically";
    const claimed = await db.notice.updateMany({
      where: { id: notice.id, status: "sending", updatedAt: notice.updatedAt },
      data: { status: "dead", statusReason: reason },
    });
    if (claimed.count === 1) {
      await db.noticeEvent.create({
        data: { shop: notice.shop, noticeId: notice.id, status: "dead", reason, at: now },
      });
    }
    return { status: "dead", reason };
  }

  const kind = notice.kind;
  if (!isNoticeKind(kind)) return suppressNotice(db, notice, `unknown_kind:${kind}`, now);
  const channel = notice.channel === "sms" ? "sms" : "email";
  const adapter = CHANNELS[channel];
  const settings = await getShopSettings(db, notice.shop);
  const shop = await db.shop.findUnique({
    where: { domain: notice.shop },
    select: { name: true, email: true, timezone: true },
  });
  const timeZone = safeTimeZone(shop?.timezone);

  if (!settings.noticeKinds[kind]) return suppressNotice(db, notice, "kind_turned_off", now);
  if (!notice.recipient) return suppressNotice(db, notice, "no_address", now);
  if (!adapter.available(deps)) return suppressNotice(db, notice, `${channel}_channel_off`, now);
  const blocked = await findSuppression(db, notice.shop, channel, notice.recipient, KINDS[kind].transactional);
  if (blocked) return suppressNotice(db, notice, `suppressed:${blocked}`, now);
  const noConsent = await adapter.consent(db, notice, kind);
  if (noConsent) return suppressNotice(db, notice, noConsent, now);

  // Time: a scheduled notice waits for its time; quiet hours wait for their end.
  let sendAfter = notice.sendAfter && notice.sendAfter > now ? notice.sendAfter : null;
  if (!sendAfter && KINDS[kind].respectsQuietHours) {
    sendAfter = quietHoursEnd(now, settings.quietStart, settings.quietEnd, timeZone);
  }
  if (sendAfter) {
    const deferred = await db.notice.updateMany({
      where: { id: notice.id, status: { in: ["queued", "deferred", "failed"] } },
      data: {
        status: "deferred",
        sendAfter,
        statusReason: notice.sendAfter && notice.sendAfter > now ? "scheduled" : "quiet_hours",
      },
    });
    if (deferred.count === 1 && notice.status !== "deferred") {
      await db.noticeEvent.create({
        data: {
          shop: notice.shop,
          noticeId: notice.id,
          status: "deferred",
          reason: `until ${sendAfter.toISOString()}`,
          at: now,
        },
      });
    }
    return { status: "deferred", sendAfter, delayMs: sendAfter.getTime() - now.getTime() };
  }

  // The daily cap is taken atomically (daily-cap.server.ts) and given back if this send does not happen.
  const slot = KINDS[kind].proactive ? capSlotFor(notice, now, timeZone) : null;
  const release = async () => (slot ? releaseCapSlot(db, slot) : undefined);
  if (slot) {
    const allowed = await takeCapSlot(db, slot, settings.dailyCap, () =>
      sentToday(db, notice, startOfShopDay(now, timeZone)),
    );
    if (!allowed) return suppressNotice(db, notice, `daily_cap:${settings.dailyCap}`, now);
  }

  // Claim the send. Only one caller moves the row out of a sendable state.
  const claim = await db.notice.updateMany({
    where: { id: notice.id, status: { in: ["queued", "deferred", "failed"] } },
    data: { status: "sending", attempts: { increment: 1 } },
  });
  if (claim.count !== 1) {
    await release();
    return { status: "in_progress", retryAt: new Date(now.getTime() + SENDING_STALE_MS) };
  }
  await db.noticeEvent.create({ data: { shop: notice.shop, noticeId: notice.id, status: "sending", at: now } });
  const attempt = notice.attempts + 1;

  let providerMessageId: string;
  try {
    providerMessageId = await adapter.send({ notice, kind, settings, shop, deps });
  } catch (error) {
    await release();
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (error instanceof SmsSendError && error.code === 21610) {
      // The provider knows the number texted STOP: honour it everywhere.
      await suppress(db, notice.shop, "sms", notice.recipient, "all", "sms_stop");
      await record(db, notice, "suppressed", "suppressed:sms_stop", now);
      return { status: "suppressed", reason: "suppressed:sms_stop" };
    }
    if (isPermanent(error) || attempt >= NOTICE_MAX_ATTEMPTS) {
      await record(db, notice, "dead", message, now);
      throw new UnrecoverableError(`Notice ${notice.id} is dead after ${attempt} attempt(s): ${message}`);
    }
    await record(db, notice, "failed", message, now);
    throw error;
  }
  await record(db, notice, "sent", null, now, { sentAt: now, providerMessageId });
  return { status: "sent", providerMessageId };
}
