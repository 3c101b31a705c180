// deliverNotice: the BullMQ processor's body. Everything that can change after
// queueing is checked here, at send time: the kind still on, suppression and
// consent, the daily cap, quiet hours. The send itself is claimed with a
// conditional update (`sending`), so two workers or a retried job never send twice.
// deliverNotices does the same for many notices at once (a back-in-stock wave
// is delivered in batches): each check is one query for the whole batch, the
// claim one conditional UPDATE … RETURNING, the results a few statements.
import { UnrecoverableError } from "bullmq";
import { chunks } from "../database/chunks.ts";
import { jsonRows, jsonSet, timeValue, type Dialect } from "../database/sql-json.server.ts";
import { dialectOf, type Db } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
import { getShopSettings, type ShopSettingsView } from "../settings/shop-settings.server.ts";
import { KINDS, NOTICE_KINDS, isNoticeKind, type NoticeChannel, type NoticeKind } from "./kinds.ts";
import { HeaderInjectionError, senderDisplayName, type Mailer } from "./mailer.server.ts";
import { inboxAddress } from "../inbox/inbox-address.server.ts";
import { capSlotFor, releaseCapSlot, type CapSlot } from "./daily-cap.server.ts";
import { escapeHtml } from "./template-language.ts";
import { quietHoursEnd, safeTimeZone, startOfShopDay } from "./shop-time.ts";
import { SmsSendError, type SmsProvider } from "./sms.server.ts";
import { normalizeAddress, resubscribeUrl, suppress, unsubscribeUrl } from "./suppression.server.ts";

export interface DeliveryDeps {
  mailer: Mailer;
  sms: SmsProvider | null;
  now(): Date;
  /** The app's public URL, for unsubscribe links. */
  publicUrl: string;
  /** Signs unsubscribe links (the app secret). */
  secret: string;
  /** The From address of every notice (MAIL_FROM); else no-reply at the app's host. The seller's address is Reply-To. */
  senderAddress?: string;
  /** INBOUND_DOMAIN: when set, a notice's Reply-To is the shop's inbox address, so a reply lands in the inbox. */
  inboundDomain?: string;
}

/** The From address of notices: MAIL_FROM, else no-reply at the app's host (a dotless local host gets .localdomain, so the address is valid). */
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

/** deliverNotices' outcome: a result, or a failed send (deliverNotice throws it, for BullMQ's retry). */
export type DeliveryOutcome =
  DeliveryResult | { status: "failed"; error: unknown; message: string; attempt: number; retry: boolean };

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
  /** A signup confirmation to an address that had unsubscribed: it carries the link that lifts that. */
  resubscribe?: boolean;
  /** The shop's inbox address (inbound on), else replies go to the seller's own address. */
  inboxReplyTo?: string | null;
}

/** A notice that passed the first checks, with what the later ones need. */
interface Candidate {
  notice: NoticeRow & { recipient: string };
  kind: NoticeKind;
  channel: NoticeChannel;
  resubscribe?: boolean;
}

/** One adapter per channel: what consent it needs (one query per batch) and how it sends. */
interface ChannelAdapter {
  available(deps: DeliveryDeps): boolean;
  /** The reason each notice may not be sent for lack of consent (absent: consent is there). */
  consent(db: Db, dialect: Dialect, shop: string, candidates: readonly Candidate[]): Promise<Map<number, string>>;
  send(outgoing: Outgoing): Promise<string>;
}

const RESTOCK_KINDS: ReadonlySet<NoticeKind> = new Set(["restock", "restock_confirmation"]);

async function customersOf(db: Db, shop: string, ids: string[], select: { emailConsent?: true; smsConsent?: true }) {
  const unique = [...new Set(ids)];
  const rows = [];
  for (const part of chunks(unique))
    rows.push(...(await db.customer.findMany({ where: { shop, id: { in: part } }, select: { id: true, ...select } })));
  return new Map(rows.map((row) => [row.id, row]));
}

async function emailConsent(
  db: Db,
  dialect: Dialect,
  shop: string,
  candidates: readonly Candidate[],
): Promise<Map<number, string>> {
  const refused = new Map<number, string>();
  const marketing = candidates.filter((candidate) => !KINDS[candidate.kind].transactional);
  // A back-in-stock signup is consent for that alert only: the address's latest signup must still stand.
  const restock = marketing.filter((candidate) => RESTOCK_KINDS.has(candidate.kind));
  if (restock.length > 0) {
    const latest = new Map<string, { createdAt: Date; id: number; unsubscribedAt: Date | null }>();
    for (const part of chunks([...new Set(restock.map((candidate) => candidate.notice.recipient))]))
      for (const row of await db.$queryRaw<Record<string, unknown>[]>`
        SELECT "email", "createdAt", "id", "unsubscribedAt" FROM "RestockSubscription"
        WHERE "shop" = ${shop} AND "email" IN ${jsonSet(dialect, part, "text")}`) {
        const signup = {
          createdAt: new Date(row.createdAt as string | Date),
          id: Number(row.id),
          unsubscribedAt: row.unsubscribedAt === null ? null : new Date(row.unsubscribedAt as string | Date),
        };
        const seen = latest.get(String(row.email));
        if (
          !seen ||
          signup.createdAt > seen.createdAt ||
          (signup.createdAt.getTime() === seen.createdAt.getTime() && signup.id > seen.id)
        )
          latest.set(String(row.email), signup);
      }
    for (const candidate of restock)
      if (latest.get(candidate.notice.recipient)?.unsubscribedAt)
        refused.set(candidate.notice.id, "restock_signup_cancelled");
  }
  const others = marketing.filter((candidate) => !RESTOCK_KINDS.has(candidate.kind) && candidate.notice.customerId);
  if (others.length > 0) {
    const customers = await customersOf(
      db,
      shop,
      others.map((candidate) => candidate.notice.customerId!),
      { emailConsent: true },
    );
    for (const candidate of others)
      if (customers.get(candidate.notice.customerId!)?.emailConsent === "UNSUBSCRIBED")
        refused.set(candidate.notice.id, "email_unsubscribed");
  }
  return refused;
}

async function smsConsent(
  db: Db,
  _dialect: Dialect,
  shop: string,
  candidates: readonly Candidate[],
): Promise<Map<number, string>> {
  const refused = new Map<number, string>();
  const withCustomer = candidates.filter((candidate) => candidate.notice.customerId);
  const customers = await customersOf(
    db,
    shop,
    withCustomer.map((candidate) => candidate.notice.customerId!),
    { smsConsent: true },
  );
  const pending = candidates.filter(
    (candidate) =>
      !(candidate.notice.customerId && customers.get(candidate.notice.customerId)?.smsConsent === "SUBSCRIBED"),
  );
  const restock = pending.filter((candidate) => RESTOCK_KINDS.has(candidate.kind));
  const optedIn = new Set<string>();
  for (const part of chunks([...new Set(restock.map((candidate) => candidate.notice.recipient))]))
    for (const signup of await db.restockSubscription.findMany({
      where: { shop, phone: { in: part }, smsConsent: true, unsubscribedAt: null },
      select: { phone: true },
    }))
      optedIn.add(signup.phone ?? "");
  for (const candidate of pending)
    if (!(RESTOCK_KINDS.has(candidate.kind) && optedIn.has(candidate.notice.recipient)))
      refused.set(candidate.notice.id, "no_sms_consent");
  return refused;
}

function withUnsubscribeFooter(outgoing: Outgoing, link: string): { text: string; html: string } {
  const { notice } = outgoing;
  const ja = notice.locale === "ja";
  // One sentence each way: the link's words are part of it (not "Unsubscribe: Unsubscribe").
  const line = ja
    ? `今後このようなお知らせが不要な場合は、こちらから配信を停止できます：${link}`
    : `Don't want these emails? You can unsubscribe here: ${link}`;
  const text = `${notice.bodyText ?? ""}\n\n--\n${line}`;
  const anchor = (words: string) => `<a href="${escapeHtml(link)}">${words}</a>`;
  const sentence = ja
    ? `今後このようなお知らせが不要な場合は、${anchor("こちらから配信を停止")}できます。`
    : `Don't want these emails? ${anchor("Unsubscribe")} at any time.`;
  const footer = `<p style="margin:24px 0 0;font-size:12px;color:#6d7175">${sentence}</p>`;
  const html = (notice.bodyHtml ?? "").replace(/<\/body>/, `${footer}\n</body>`);
  return { text, html };
}

/** The confirmation's "yes, mail me again" link, for an address that had unsubscribed (ja/en). */
function withResubscribeLink(outgoing: Outgoing, text: string, html: string): { text: string; html: string } {
  const { notice, deps } = outgoing;
  const link = resubscribeUrl(deps.publicUrl, deps.secret, { shop: notice.shop, address: notice.recipient ?? "" });
  const line =
    notice.locale === "ja"
      ? "このアドレスは以前に配信を停止されています。再入荷のお知らせを受け取るには、こちらで確認してください："
      : "This address had unsubscribed. To get the back-in-stock email, confirm here:";
  const block = `<p style="margin:24px 0 0"><a href="${escapeHtml(link)}">${escapeHtml(line)}</a></p>`;
  return {
    text: text.replace(/\n\n--\n/, `\n\n${line} ${link}\n\n--\n`),
    html: html.includes("</body>") ? html.replace(/<\/body>/, `${block}\n</body>`) : `${html}${block}`,
  };
}

const CHANNELS: Record<NoticeChannel, ChannelAdapter> = {
  email: {
    available: () => true,
    consent: emailConsent,
    async send(outgoing) {
      const { notice, settings, shop, deps, kind } = outgoing;
      // From is always the app's own sender (a domain whose SPF/DKIM it controls: a
      // seller's address as From fails strict DMARC); the shop shows as its display
      // name, and replies reach the seller through Reply-To.
      const fromName = senderDisplayName(
        settings.senderName ?? shop?.name ?? notice.shop.replace(/\.myshopify\.com$/, ""),
      );
      const fromAddress = defaultSenderAddress(deps.publicUrl, deps.senderAddress);
      const replyTo = outgoing.inboxReplyTo ?? settings.senderEmail ?? shop?.email ?? null;
      let text = notice.bodyText ?? "";
      let html = notice.bodyHtml ?? "";
      const headers: Record<string, string> = {};
      if (!KINDS[kind].transactional) {
        const link = unsubscribeUrl(
          deps.publicUrl,
          deps.secret,
          { shop: notice.shop, channel: "email", address: notice.recipient ?? "", kindClass: "marketing" },
          notice.locale,
        );
        ({ text, html } = withUnsubscribeFooter(outgoing, link));
        if (outgoing.resubscribe) ({ text, html } = withResubscribeLink(outgoing, text, html));
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
const SENDABLE = ["queued", "deferred", "failed"];

function isPermanent(error: unknown): boolean {
  if (error instanceof UnrecoverableError || error instanceof HeaderInjectionError) return true;
  if (error instanceof SmsSendError) return error.status >= 400 && error.status < 500 && error.status !== 429;
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600 && code !== 552;
}

/** One NoticeEvent per notice, one statement. */
function insertEvents(
  db: Db,
  dialect: Dialect,
  shop: string,
  status: string,
  events: readonly { noticeId: number; reason: string | null }[],
  at: Date,
) {
  return db.$executeRaw`
    INSERT INTO "NoticeEvent" ("shop", "noticeId", "status", "reason", "at")
    SELECT ${shop}, CAST("j"."value" ->> 0 AS INTEGER), ${status}, "j"."value" ->> 1, ${timeValue(dialect, at)}
    FROM ${jsonRows(
      dialect,
      events.map((event) => [event.noticeId, event.reason]),
    )}`;
}

/**
 * Notices already sent today to each candidate's customer (or address), for a
 * cap row that does not exist yet (notices sent before it did).
 */
async function sentTodayOf(db: Db, dialect: Dialect, shop: string, candidates: readonly Candidate[], since: Date) {
  const counts = async (column: "customerId" | "recipient", keys: string[]) => {
    const found = new Map<string, number>();
    for (const part of chunks(keys))
      for (const row of await db.$queryRaw<{ key: string; n: number | bigint }[]>`
        SELECT ${Prisma.raw(`"${column}"`)} AS "key", COUNT(*) AS "n" FROM "Notice"
        WHERE "shop" = ${shop} AND ${Prisma.raw(`"${column}"`)} IN ${jsonSet(dialect, part, "text")}
        AND "kind" IN (${Prisma.join(PROACTIVE_KINDS)}) AND "status" = 'sent' AND "sentAt" >= ${since}
        GROUP BY ${Prisma.raw(`"${column}"`)}`)
        found.set(row.key, Number(row.n));
    return found;
  };
  const byCustomer = await counts("customerId", [
    ...new Set(candidates.flatMap((c) => (c.notice.customerId ? [c.notice.customerId] : []))),
  ]);
  const byAddress = await counts("recipient", [
    ...new Set(candidates.flatMap((c) => (c.notice.customerId ? [] : [c.notice.recipient]))),
  ]);
  return (candidate: Candidate) =>
    candidate.notice.customerId
      ? (byCustomer.get(candidate.notice.customerId) ?? 0)
      : (byAddress.get(candidate.notice.recipient) ?? 0);
}

/**
 * The daily cap for a batch, as daily-cap.server.ts takes it for one notice:
 * the day's row of each customer (created from the notices sent before it
 * existed), then one conditional UPDATE (count < cap) … RETURNING for all of
 * them. A customer with two notices in the batch is taken in two rounds.
 */
async function takeCapSlots(
  db: Db,
  dialect: Dialect,
  shop: string,
  wanted: readonly { candidate: Candidate; slot: CapSlot }[],
  cap: number,
  sentBefore: () => Promise<(candidate: Candidate) => number>,
): Promise<Set<number>> {
  const allowed = new Set<number>();
  if (wanted.length === 0) return allowed;
  const day = wanted[0]!.slot.day;
  const whos = [...new Set(wanted.map((item) => item.slot.who))];
  const existing = new Set<string>();
  for (const part of chunks(whos))
    for (const row of await db.$queryRaw<{ who: string }[]>`
      SELECT "who" FROM "NoticeDailyCount"
      WHERE "shop" = ${shop} AND "day" = ${day} AND "who" IN ${jsonSet(dialect, part, "text")}`)
      existing.add(row.who);
  const missing = wanted.filter((item) => !existing.has(item.slot.who));
  if (missing.length > 0) {
    const counted = await sentBefore();
    const rows = new Map(missing.map((item) => [item.slot.who, counted(item.candidate)]));
    // Another delivery may create a row first: DO NOTHING, its count stands.
    await db.$executeRaw`
      INSERT INTO "NoticeDailyCount" ("shop", "who", "day", "count")
      SELECT ${shop}, "j"."value" ->> 0, ${day}, CAST("j"."value" ->> 1 AS INTEGER)
      FROM ${jsonRows(dialect, [...rows])} WHERE true
      ON CONFLICT DO NOTHING`;
  }
  const rounds: { candidate: Candidate; slot: CapSlot }[][] = [];
  const seen = new Map<string, number>();
  for (const item of wanted) {
    const round = seen.get(item.slot.who) ?? 0;
    seen.set(item.slot.who, round + 1);
    (rounds[round] ??= []).push(item);
  }
  for (const round of rounds)
    for (const part of chunks(round)) {
      const taken = await db.$queryRaw<{ who: string }[]>`
        UPDATE "NoticeDailyCount" SET "count" = "count" + 1
        WHERE "shop" = ${shop} AND "day" = ${day} AND "count" < ${cap}
        AND "who" IN ${jsonSet(
          dialect,
          part.map((item) => item.slot.who),
          "text",
        )}
        RETURNING "who"`;
      const won = new Set(taken.map((row) => row.who));
      for (const item of part) if (won.has(item.slot.who)) allowed.add(item.candidate.notice.id);
    }
  return allowed;
}

const toDate = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string | Date));
const toText = (value: unknown) => (value === null || value === undefined ? null : String(value));

/**
 * A Notice row from raw SQL (SQLite gives times as text): Prisma's model read
 * costs ~4× more. Content shared through NoticeContent comes in as its
 * `shared…` columns and stands in the notice's own.
 */
function noticeRowOf(row: Record<string, unknown>): NoticeRow {
  const shared = row.contentId !== null && row.contentId !== undefined;
  return {
    id: Number(row.id),
    shop: String(row.shop),
    kind: String(row.kind),
    dedupeKey: String(row.dedupeKey),
    customerId: toText(row.customerId),
    orderId: toText(row.orderId),
    channel: String(row.channel),
    locale: String(row.locale),
    recipient: toText(row.recipient),
    recipientName: toText(row.recipientName),
    status: String(row.status),
    statusReason: toText(row.statusReason),
    subject: toText(shared ? row.sharedSubject : row.subject),
    bodyText: toText(shared ? row.sharedBodyText : row.bodyText),
    bodyHtml: toText(shared ? row.sharedBodyHtml : row.bodyHtml),
    variables: String((shared ? row.sharedVariables : row.variables) ?? "{}"),
    contentId: shared ? Number(row.contentId) : null,
    attempts: Number(row.attempts ?? 0),
    sendAfter: toDate(row.sendAfter),
    sentAt: toDate(row.sentAt),
    providerMessageId: toText(row.providerMessageId),
    createdAt: toDate(row.createdAt)!,
    updatedAt: toDate(row.updatedAt)!,
  };
}

/** The checks before a send, for one notice that is not claimed yet (else null: the outcome is known). */
async function settledBeforeChecks(db: Db, notice: NoticeRow | undefined, now: Date): Promise<DeliveryResult | null> {
  if (!notice) return { status: "missing" };
  if (notice.status === "sent") return { status: "already_sent" };
  if (notice.status === "suppressed") return { status: "suppressed", reason: notice.statusReason ?? "suppressed" };
  if (notice.status === "dead") return { status: "dead", reason: notice.statusReason ?? "dead" };
  if (notice.status !== "sending") return null;
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

/** Time: a scheduled notice waits for its time; quiet hours (`quietEnd()`: when they end, null outside) wait for their end. */
async function deferIfEarly(
  db: Db,
  notice: NoticeRow,
  kind: NoticeKind,
  quietEnd: () => Date | null,
  now: Date,
): Promise<DeliveryResult | null> {
  let sendAfter = notice.sendAfter && notice.sendAfter > now ? notice.sendAfter : null;
  if (!sendAfter && KINDS[kind].respectsQuietHours) sendAfter = quietEnd();
  if (!sendAfter) return null;
  const deferred = await db.notice.updateMany({
    where: { id: notice.id, status: { in: SENDABLE } },
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

/** Suppresses notices of one shop that are not claimed yet, a few statements per 500. */
async function settleAll(
  db: Db,
  shop: string,
  notices: readonly NoticeRow[],
  reason: string,
  now: Date,
  outcomes: Map<number, DeliveryOutcome>,
): Promise<void> {
  for (const part of chunks(notices.map((notice) => notice.id))) {
    // Only rows still sendable: a concurrent claim keeps its own outcome.
    const open = await db.notice.findMany({
      where: { id: { in: part }, status: { in: SENDABLE } },
      select: { id: true },
    });
    const ids = open.map((row) => row.id);
    await db.$transaction([
      db.notice.updateMany({
        where: { id: { in: ids }, status: { in: SENDABLE } },
        data: { status: "suppressed", statusReason: reason },
      }),
      db.noticeEvent.createMany({
        data: ids.map((noticeId) => ({ shop, noticeId, status: "suppressed", reason, at: now })),
      }),
    ]);
    const settled = new Set(ids);
    for (const id of part)
      outcomes.set(
        id,
        settled.has(id)
          ? { status: "suppressed", reason }
          : { status: "in_progress", retryAt: new Date(now.getTime() + SENDING_STALE_MS) },
      );
  }
}

/** The notices of one shop that are due: checks, cap, claim, send, record. */
async function deliverShopBatch(
  db: Db,
  deps: DeliveryDeps,
  shop: string,
  notices: readonly NoticeRow[],
  now: Date,
  outcomes: Map<number, DeliveryOutcome>,
): Promise<void> {
  const dialect = dialectOf(db);
  // Read once for the batch: the seller's settings and the shop as they are now.
  const settings = await getShopSettings(db, shop);
  const shopRow = await db.shop.findUnique({
    where: { domain: shop },
    select: { name: true, email: true, timezone: true, uninstalledAt: true },
  });
  // An uninstalled shop sends nothing: its notices end here, not retried (deferred
  // ones, follow-ups, waves, what the sweeper finds).
  if (!shopRow || shopRow.uninstalledAt) {
    await settleAll(db, shop, notices, shopRow ? "shop_uninstalled" : "shop_not_installed", now, outcomes);
    return;
  }
  const timeZone = safeTimeZone(shopRow.timezone);
  const settle = async (notice: NoticeRow, reason: string) =>
    outcomes.set(notice.id, await suppressNotice(db, notice, reason, now));

  let candidates: Candidate[] = [];
  for (const notice of notices) {
    const kind = notice.kind;
    if (!isNoticeKind(kind)) {
      await settle(notice, `unknown_kind:${kind}`);
      continue;
    }
    const channel = notice.channel === "sms" ? "sms" : "email";
    if (!settings.noticeKinds[kind]) await settle(notice, "kind_turned_off");
    else if (!notice.recipient) await settle(notice, "no_address");
    else if (!CHANNELS[channel].available(deps)) await settle(notice, `${channel}_channel_off`);
    else candidates.push({ notice: notice as Candidate["notice"], kind, channel });
  }

  // Suppressions: one query for every address of the batch.
  const blocked = new Map<string, string>();
  const addresses = [...new Set(candidates.map((c) => normalizeAddress(c.channel, c.notice.recipient)))];
  const channels = [...new Set(candidates.flatMap((c) => [c.channel, `${c.channel}:marketing`]))];
  for (const part of chunks(addresses))
    for (const row of await db.$queryRaw<{ channel: string; address: string; reason: string }[]>`
      SELECT "channel", "address", "reason" FROM "Suppression"
      WHERE "shop" = ${shop} AND "channel" IN (${Prisma.join(channels)})
      AND "address" IN ${jsonSet(dialect, part, "text")}`)
      if (!blocked.has(`${row.channel}\u0000${row.address}`))
        blocked.set(`${row.channel}\u0000${row.address}`, row.reason);
  const next: Candidate[] = [];
  for (const candidate of candidates) {
    const address = normalizeAddress(candidate.channel, candidate.notice.recipient);
    // A signup's confirmation reaches an address that unsubscribed from marketing (once a day at
    // most, see restockDedupeKey): its link is the only way that address opts back in.
    const confirmation = candidate.kind === "restock_confirmation" && candidate.channel === "email";
    const channels =
      KINDS[candidate.kind].transactional || confirmation
        ? [candidate.channel]
        : [candidate.channel, `${candidate.channel}:marketing`];
    const reason = channels.map((channel) => blocked.get(`${channel}\u0000${address}`)).find(Boolean);
    if (reason) await settle(candidate.notice, `suppressed:${reason}`);
    else {
      if (confirmation && blocked.has(`email:marketing\u0000${address}`)) candidate.resubscribe = true;
      next.push(candidate);
    }
  }
  candidates = next;

  // Consent: one query per channel for the batch.
  for (const channel of ["email", "sms"] as const) {
    const ofChannel = candidates.filter((candidate) => candidate.channel === channel);
    if (ofChannel.length === 0) continue;
    const refused = await CHANNELS[channel].consent(db, dialect, shop, ofChannel);
    for (const candidate of ofChannel) {
      const reason = refused.get(candidate.notice.id);
      if (reason) await settle(candidate.notice, reason);
    }
    candidates = candidates.filter((candidate) => !refused.has(candidate.notice.id));
  }

  // Quiet hours are the shop's: the same end for the whole batch.
  let quiet: { end: Date | null } | null = null;
  const quietEnd = () => (quiet ??= { end: quietHoursEnd(now, settings.quietStart, settings.quietEnd, timeZone) }).end;
  const due: Candidate[] = [];
  for (const candidate of candidates) {
    const deferred = await deferIfEarly(db, candidate.notice, candidate.kind, quietEnd, now);
    if (deferred) outcomes.set(candidate.notice.id, deferred);
    else due.push(candidate);
  }

  // The daily cap is taken atomically and given back if the send does not happen.
  const slots = new Map<number, CapSlot>();
  for (const candidate of due)
    if (KINDS[candidate.kind].proactive) slots.set(candidate.notice.id, capSlotFor(candidate.notice, now, timeZone));
  const capped = due.filter((candidate) => slots.has(candidate.notice.id));
  const allowed = await takeCapSlots(
    db,
    dialect,
    shop,
    capped.map((candidate) => ({ candidate, slot: slots.get(candidate.notice.id)! })),
    settings.dailyCap,
    () => sentTodayOf(db, dialect, shop, capped, startOfShopDay(now, timeZone)),
  );
  const release = async (id: number) => {
    const slot = slots.get(id);
    if (slot) await releaseCapSlot(db, slot);
  };
  const sendable: Candidate[] = [];
  for (const candidate of due) {
    if (slots.has(candidate.notice.id) && !allowed.has(candidate.notice.id))
      await settle(candidate.notice, `daily_cap:${settings.dailyCap}`);
    else sendable.push(candidate);
  }
  if (sendable.length === 0) return;

  // Claim the sends. Only one caller moves a row out of a sendable state.
  const claimedIds = new Set<number>();
  for (const part of chunks(sendable))
    for (const row of await db.$queryRaw<{ id: number | bigint }[]>`
      UPDATE "Notice" SET "status" = 'sending', "attempts" = "attempts" + 1, "updatedAt" = ${new Date()}
      WHERE "id" IN ${jsonSet(
        dialect,
        part.map((candidate) => candidate.notice.id),
        "integer",
      )}
      AND "status" IN ('queued', 'deferred', 'failed')
      RETURNING "id"`)
      claimedIds.add(Number(row.id));
  const claimed: Candidate[] = [];
  for (const candidate of sendable) {
    if (claimedIds.has(candidate.notice.id)) claimed.push(candidate);
    else {
      await release(candidate.notice.id);
      outcomes.set(candidate.notice.id, {
        status: "in_progress",
        retryAt: new Date(now.getTime() + SENDING_STALE_MS),
      });
    }
  }
  if (claimed.length === 0) return;
  const inboxReplyTo =
    deps.inboundDomain && claimed.some((candidate) => candidate.channel === "email")
      ? await inboxAddress(db, shop, deps.inboundDomain)
      : null;
  await insertEvents(
    db,
    dialect,
    shop,
    "sending",
    claimed.map((candidate) => ({ noticeId: candidate.notice.id, reason: null })),
    now,
  );

  const sent: { candidate: Candidate; providerMessageId: string }[] = [];
  await Promise.all(
    claimed.map(async (candidate) => {
      const { notice, kind, channel } = candidate;
      const attempt = notice.attempts + 1;
      try {
        const providerMessageId = await CHANNELS[channel].send({
          notice,
          kind,
          settings,
          shop: shopRow,
          deps,
          resubscribe: candidate.resubscribe === true,
          inboxReplyTo,
        });
        sent.push({ candidate, providerMessageId });
      } catch (error) {
        await release(notice.id);
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        if (error instanceof SmsSendError && error.code === 21610) {
          // The provider knows the number texted STOP: honour it everywhere.
          await suppress(db, notice.shop, "sms", notice.recipient, "all", "sms_stop");
          await record(db, notice, "suppressed", "suppressed:sms_stop", now);
          outcomes.set(notice.id, { status: "suppressed", reason: "suppressed:sms_stop" });
          return;
        }
        const retry = !isPermanent(error) && attempt < NOTICE_MAX_ATTEMPTS;
        await record(db, notice, retry ? "failed" : "dead", message, now);
        outcomes.set(notice.id, { status: "failed", error, message, attempt, retry });
      }
    }),
  );
  if (sent.length === 0) return;
  // The results in one transaction: each notice's provider id, then the events.
  const writes = chunks(sent).flatMap((part) => [
    db.$executeRaw`
      UPDATE "Notice" SET "status" = 'sent', "statusReason" = NULL, "sentAt" = ${now}, "updatedAt" = ${new Date()},
        "providerMessageId" = "j"."value" ->> 1
      FROM ${jsonRows(
        dialect,
        part.map((item) => [item.candidate.notice.id, item.providerMessageId]),
      )}
      WHERE "Notice"."id" = CAST("j"."value" ->> 0 AS INTEGER)`,
    insertEvents(
      db,
      dialect,
      shop,
      "sent",
      part.map((item) => ({ noticeId: item.candidate.notice.id, reason: null })),
      now,
    ),
  ]);
  await db.$transaction(writes);
  for (const item of sent)
    outcomes.set(item.candidate.notice.id, { status: "sent", providerMessageId: item.providerMessageId });
}

/**
 * Delivers many notices (each as deliverNotice would): one outcome per id.
 * A failed send is an outcome here (`failed`, retry or not), not a throw.
 */
export async function deliverNotices(
  db: Db,
  deps: DeliveryDeps,
  noticeIds: readonly number[],
): Promise<Map<number, DeliveryOutcome>> {
  const now = deps.now();
  const outcomes = new Map<number, DeliveryOutcome>();
  const ids = [...new Set(noticeIds)];
  const dialect = dialectOf(db);
  const rows = new Map<number, NoticeRow>();
  for (const part of chunks(ids))
    for (const row of await db.$queryRaw<Record<string, unknown>[]>`
      SELECT "n".*, "c"."subject" AS "sharedSubject", "c"."bodyText" AS "sharedBodyText",
        "c"."bodyHtml" AS "sharedBodyHtml", "c"."variables" AS "sharedVariables"
      FROM "Notice" "n" LEFT JOIN "NoticeContent" "c" ON "c"."id" = "n"."contentId"
      WHERE "n"."id" IN ${jsonSet(dialect, part, "integer")}`) {
      const notice = noticeRowOf(row);
      rows.set(notice.id, notice);
    }
  const byShop = new Map<string, NoticeRow[]>();
  for (const id of ids) {
    const notice = rows.get(id);
    const settled = await settledBeforeChecks(db, notice, now);
    if (settled) outcomes.set(id, settled);
    else byShop.set(notice!.shop, [...(byShop.get(notice!.shop) ?? []), notice!]);
  }
  for (const [shop, notices] of byShop) await deliverShopBatch(db, deps, shop, notices, now, outcomes);
  return outcomes;
}

export async function deliverNotice(db: Db, deps: DeliveryDeps, noticeId: number): Promise<DeliveryResult> {
  const outcome = (await deliverNotices(db, deps, [noticeId])).get(noticeId) ?? { status: "missing" };
  if (outcome.status !== "failed") return outcome;
  if (!outcome.retry)
    throw new UnrecoverableError(`Notice ${noticeId} is dead after ${outcome.attempt} attempt(s): ${outcome.message}`);
  throw outcome.error;
}
