// What staff do in a conversation: reply (on its channel), note, resolve,
// reopen, snooze, assign, tag, mark read. Every function takes the verified
// shop: a conversation of another shop is not found (404). A reply is stored
// before it is sent, so a failed send stays visible (status failed, its
// reason) and can be sent again; the conversation's clocks move when it is sent.
import type { Db } from "../db.server.ts";
import { env, inboundDomain } from "../env.server.ts";
import { inTransaction, type Tx } from "../mirror/write.server.ts";
import { sharedMailer } from "../notices/delivery-deps.server.ts";
import { smsProviderFromEnv } from "../notices/sms.server.ts";
import type { InboxDeps, StoredReply } from "./channels/channel.server.ts";
import { channelOf } from "./channels/index.server.ts";
import { InboxError } from "./inbox-error.server.ts";

/** Past this many customer → staff exchanges a conversation is flagged "take it to a solution". */
export const EXCHANGES_BEFORE_FLAG = 5;
export const MAX_REPLY_CHARS = 20_000;

export function inboxDepsFromEnv(): InboxDeps {
  const config = env();
  return {
    mailer: sharedMailer(),
    sms: smsProviderFromEnv(config),
    now: () => new Date(),
    publicUrl: config.SHOPIFY_APP_URL,
    senderAddress: config.MAIL_FROM,
    inboundDomain: inboundDomain(config),
  };
}

async function conversationOf(db: Db | Tx, shop: string, conversationId: number) {
  if (!Number.isInteger(conversationId) || conversationId < 1) throw new InboxError("not_found");
  const conversation = await db.conversation.findFirst({ where: { shop, id: conversationId } });
  if (!conversation) throw new InboxError("not_found");
  return conversation;
}

function cleanText(text: string, field = "text"): string {
  const trimmed = text.replace(/\r\n/g, "\n").trim();
  if (!trimmed) throw new InboxError("invalid", `${field} is empty`);
  if (trimmed.length > MAX_REPLY_CHARS)
    throw new InboxError("invalid", `${field} is longer than ${MAX_REPLY_CHARS} characters`);
  return trimmed;
}

function cleanAuthor(author: string): string {
  const name = author.trim().slice(0, 200);
  if (!name) throw new InboxError("invalid", "author is required");
  return name;
}

/** A system event in the conversation (resolved, reopened, snoozed, assigned): `text` is its code, the page words it. */
async function recordEvent(
  tx: Tx,
  shop: string,
  conversation: { id: number; channel: string },
  code: string,
  author: string,
  at: Date,
) {
  await tx.message.create({
    data: {
      shop,
      conversationId: conversation.id,
      direction: "system",
      kind: "event",
      channel: conversation.channel,
      text: code,
      author,
      createdAt: at,
    },
  });
}

/**
 * A reply went out (or was marked sent on Etsy): the first response time once;
 * when it answers the customer (they had the last word) one more exchange,
 * flagged past EXCHANGES_BEFORE_FLAG; then waiting on the customer. Each step
 * is a conditional update, so two replies at once count one exchange.
 */
async function replied(tx: Tx, conversationId: number, at: Date): Promise<void> {
  await tx.conversation.updateMany({
    where: { id: conversationId, firstResponseAt: null },
    data: { firstResponseAt: at },
  });
  const answered = await tx.conversation.updateMany({
    where: { id: conversationId, waitingSince: { not: null } },
    data: { waitingSince: null, exchanges: { increment: 1 } },
  });
  if (answered.count > 0)
    await tx.conversation.updateMany({
      where: { id: conversationId, exchanges: { gt: EXCHANGES_BEFORE_FLAG }, flaggedAt: null },
      data: { flaggedAt: at },
    });
  await tx.conversation.update({
    where: { id: conversationId },
    data: { status: "waiting", snoozedUntil: null, resolvedAt: null, unread: 0, lastMessageAt: at },
  });
}

export interface ReplyOutcome {
  messageId: number;
  status: "sent" | "failed" | "to_send";
  reason: string | null;
}

/** Staff answer the conversation on its channel. The reply is stored first; a failed send says why. */
export async function replyToConversation(
  db: Db,
  deps: InboxDeps,
  shop: string,
  conversationId: number,
  input: { text: string; author: string },
): Promise<ReplyOutcome> {
  const text = cleanText(input.text);
  const author = cleanAuthor(input.author);
  const conversation = await conversationOf(db, shop, conversationId);
  const adapter = channelOf(conversation.channel);
  if (!adapter) throw new InboxError("invalid", `unknown channel ${conversation.channel}`);
  const prepared = await adapter.prepare(db, deps, { shop, conversation, text });
  const now = deps.now();
  const message = await db.message.create({
    data: {
      shop,
      conversationId: conversation.id,
      direction: "outgoing",
      kind: "message",
      channel: conversation.channel,
      providerMessageId: prepared.providerMessageId,
      inReplyTo: prepared.inReplyTo,
      references: JSON.stringify(prepared.references),
      toAddress: prepared.toAddress,
      subject: prepared.subject,
      text,
      fullText: text,
      author,
      status: prepared.status,
      createdAt: now,
    },
    select: { id: true },
  });
  if (prepared.status === "to_send") {
    await db.conversation.update({ where: { id: conversation.id }, data: { unread: 0 } });
    return { messageId: message.id, status: "to_send", reason: null };
  }
  return sendStored(db, deps, shop, message.id);
}

/** Sends a stored outgoing message (queued, or failed before): claimed first, so two clicks send once. */
async function sendStored(db: Db, deps: InboxDeps, shop: string, messageId: number): Promise<ReplyOutcome> {
  const claimed = await db.message.updateMany({
    where: { shop, id: messageId, direction: "outgoing", status: { in: ["queued", "failed"] } },
    // When the claim was made: a send interrupted by a crash can be tried again later (retryMessage).
    data: { status: "sending", statusReason: `since ${deps.now().toISOString()}` },
  });
  const message = await db.message.findFirst({ where: { shop, id: messageId } });
  if (!message) throw new InboxError("not_found");
  if (claimed.count === 0) {
    if (message.status === "sent" || message.status === "marked_sent")
      return { messageId, status: "sent", reason: null };
    throw new InboxError("conflict", `the message is ${message.status ?? "not an outgoing message"}`);
  }
  const conversation = await conversationOf(db, shop, message.conversationId);
  const adapter = channelOf(message.channel);
  let references: string[] = [];
  try {
    const parsed: unknown = JSON.parse(message.references);
    if (Array.isArray(parsed)) references = parsed.filter((item): item is string => typeof item === "string");
  } catch {
    references = [];
  }
  const reply: StoredReply = {
    id: message.id,
    shop,
    conversationId: message.conversationId,
    text: message.text,
    html: null,
    toAddress: message.toAddress,
    subject: message.subject,
    providerMessageId: message.providerMessageId,
    inReplyTo: message.inReplyTo,
    references,
    replyToken: conversation.replyToken,
  };
  try {
    if (!adapter) throw new Error(`unknown channel ${message.channel}`);
    const sent = await adapter.send(db, deps, reply);
    const at = deps.now();
    await inTransaction(db, async (tx) => {
      await tx.message.update({
        where: { id: message.id },
        data: {
          status: "sent",
          statusReason: null,
          sentAt: at,
          providerMessageId: sent.providerMessageId ?? message.providerMessageId,
        },
      });
      await replied(tx, conversation.id, at);
    });
    return { messageId, status: "sent", reason: null };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await db.message.update({ where: { id: message.id }, data: { status: "failed", statusReason: reason } });
    return { messageId, status: "failed", reason };
  }
}

/** A `sending` claim older than this was interrupted (the process died mid-send). */
export const SENDING_STALE_MS = 2 * 60_000;

function interrupted(reason: string | null, now: Date): boolean {
  const since = /^since (\S+)$/.exec(reason ?? "")?.[1];
  const at = since ? new Date(since).getTime() : NaN;
  return Number.isNaN(at) || now.getTime() - at > SENDING_STALE_MS;
}

/** Sends a failed reply again (or one whose send was interrupted a while ago). */
export async function retryMessage(db: Db, deps: InboxDeps, shop: string, messageId: number): Promise<ReplyOutcome> {
  if (!Number.isInteger(messageId) || messageId < 1) throw new InboxError("not_found");
  const message = await db.message.findFirst({
    where: { shop, id: messageId },
    select: { status: true, direction: true, statusReason: true },
  });
  if (!message || message.direction !== "outgoing") throw new InboxError("not_found");
  if (message.status === "sending" && interrupted(message.statusReason, deps.now())) {
    // The process died mid-send: whether it went out is unknown; the seller chose to send again
    // (a mail keeps its Message-ID, so a client that got both shows one).
    await db.message.updateMany({
      where: { shop, id: messageId, status: "sending", statusReason: message.statusReason },
      data: { status: "failed", statusReason: "interrupted mid-send: delivery unknown" },
    });
  } else if (message.status !== "failed")
    throw new InboxError("conflict", `the message is ${message.status ?? "not failed"}`);
  return sendStored(db, deps, shop, messageId);
}

/** The seller sent a prepared Etsy message on Etsy: it counts as a reply from now. */
export async function markEtsyMessageSent(db: Db, shop: string, messageId: number, author: string, at = new Date()) {
  const who = cleanAuthor(author);
  if (!Number.isInteger(messageId) || messageId < 1) throw new InboxError("not_found");
  await inTransaction(db, async (tx) => {
    const message = await tx.message.findFirst({
      where: { shop, id: messageId, channel: "etsy", direction: "outgoing" },
      select: { conversationId: true, status: true, author: true },
    });
    if (!message) throw new InboxError("not_found");
    if (message.status === "marked_sent") return;
    if (message.status !== "to_send") throw new InboxError("conflict", `the message is ${message.status}`);
    const claimed = await tx.message.updateMany({
      where: { id: messageId, status: "to_send" },
      // A message Kizuna prepared is the seller's once they send it.
      data: { status: "marked_sent", sentAt: at, author: message.author === "kizuna" ? who : message.author },
    });
    if (claimed.count > 0) await replied(tx, message.conversationId, at);
  });
}

export async function addNote(db: Db, shop: string, conversationId: number, input: { text: string; author: string }) {
  const text = cleanText(input.text);
  const author = cleanAuthor(input.author);
  const conversation = await conversationOf(db, shop, conversationId);
  const note = await db.message.create({
    data: {
      shop,
      conversationId: conversation.id,
      direction: "note",
      kind: "message",
      channel: conversation.channel,
      text,
      fullText: text,
      author,
    },
    select: { id: true },
  });
  return { messageId: note.id };
}

async function changeConversation(
  db: Db,
  shop: string,
  conversationId: number,
  event: string,
  author: string,
  at: Date,
  data: (
    conversation: Awaited<ReturnType<typeof conversationOf>>,
  ) => Parameters<Tx["conversation"]["update"]>[0]["data"] | null,
) {
  const who = cleanAuthor(author);
  await inTransaction(db, async (tx) => {
    const conversation = await conversationOf(tx, shop, conversationId);
    const change = data(conversation);
    if (!change) return;
    await tx.conversation.update({ where: { id: conversation.id }, data: change });
    await recordEvent(tx, shop, conversation, event, who, at);
  });
}

export async function resolveConversation(
  db: Db,
  shop: string,
  conversationId: number,
  author: string,
  at = new Date(),
) {
  await changeConversation(db, shop, conversationId, "resolved", author, at, (conversation) =>
    conversation.status === "resolved"
      ? null
      : { status: "resolved", resolvedAt: at, waitingSince: null, snoozedUntil: null, unread: 0 },
  );
}

export async function reopenConversation(
  db: Db,
  shop: string,
  conversationId: number,
  author: string,
  at = new Date(),
) {
  await changeConversation(db, shop, conversationId, "reopened", author, at, (conversation) =>
    conversation.status === "open" ? null : { status: "open", resolvedAt: null, snoozedUntil: null },
  );
}

/** Out of the way until `until` (a moment the page computed in the shop's time zone); a new customer message wakes it. */
export async function snoozeConversation(
  db: Db,
  shop: string,
  conversationId: number,
  until: Date,
  author: string,
  at = new Date(),
) {
  if (!(until instanceof Date) || Number.isNaN(until.getTime()) || until <= at)
    throw new InboxError("invalid", "snooze until a time in the future");
  if (until.getTime() - at.getTime() > 366 * 24 * 60 * 60 * 1000)
    throw new InboxError("invalid", "snooze for a year at most");
  await changeConversation(db, shop, conversationId, `snoozed:${until.toISOString()}`, author, at, () => ({
    status: "snoozed",
    snoozedUntil: until,
  }));
}

/** Snoozed conversations whose time came are open again (the worker's periodic job calls this). */
export async function wakeSnoozedConversations(db: Db, now = new Date()): Promise<number> {
  const woken = await db.conversation.updateMany({
    where: { status: "snoozed", snoozedUntil: { lte: now } },
    data: { status: "open", snoozedUntil: null },
  });
  return woken.count;
}

export async function assignConversation(
  db: Db,
  shop: string,
  conversationId: number,
  assignee: string | null,
  author: string,
  at = new Date(),
) {
  const name = assignee?.trim().slice(0, 200) || null;
  await changeConversation(
    db,
    shop,
    conversationId,
    name ? `assigned:${name}` : "unassigned",
    author,
    at,
    (conversation) => (conversation.assignee === name ? null : { assignee: name }),
  );
}

/** Tags as stored: trimmed, lower-cased, without quotes or commas, at most 20 of 40 characters each, each once. */
export function cleanTags(tags: readonly string[]): string[] {
  const clean = tags
    .map((tag) =>
      tag
        .normalize("NFKC")
        .replace(/["\\,]/g, "")
        .trim()
        .toLowerCase()
        .slice(0, 40),
    )
    .filter(Boolean);
  return [...new Set(clean)].slice(0, 20);
}

export async function tagConversation(db: Db, shop: string, conversationId: number, tags: readonly string[]) {
  const clean = cleanTags(tags);
  const conversation = await conversationOf(db, shop, conversationId);
  await db.conversation.update({ where: { id: conversation.id }, data: { tags: JSON.stringify(clean) } });
  return clean;
}

/** Staff opened it: nothing unread. */
export async function markConversationRead(db: Db, shop: string, conversationId: number) {
  const conversation = await conversationOf(db, shop, conversationId);
  if (conversation.unread > 0) await db.conversation.update({ where: { id: conversation.id }, data: { unread: 0 } });
}
