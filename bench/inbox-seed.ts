// The inbox of one shop for `npm run bench -- inbox`: N conversations with M
// messages, their contacts and identities, the Shopify and Etsy orders some
// are about, and what the customer panel shows beside them (notices sent,
// delay cases, returns, return steps, refunds), written by the database itself
// (INSERT … SELECT over a number series, as bench/order-page-seed.ts), so
// 100,000 conversations and 1,000,000 messages take seconds. The database is
// migrated first: the tables and indexes are the migrations'.
//
// With K = N / 2 contacts (k = 0 … K-1) and conversation c = 0 … N-1:
//   - contact k: shopper<k>@example.jp; k even is Shopify customer 8…+k with
//     orders k and k+1 (order n is the customer 2·⌊n/2⌋'s); k mod 3 = 0 has a
//     phone; k mod 10 = 9 is an Etsy buyer with an Etsy receipt;
//   - conversation c: contact c mod K (two each), channel by c mod 10 (6 email,
//     2 SMS, 1 order page, 1 Etsy), status by c mod 20 (30% open and waiting
//     on an answer, 20% waiting on the customer, 5% snoozed, 45% resolved), the
//     newest 5 minutes after the one before, reply address reply+benchtok<c>;
//     an email conversation of a Shopify customer with c mod 3 = 0 is about
//     their order, every Etsy one about their receipt;
//   - messages: 80% spread evenly (8 a conversation), the other 20% on every
//     20th conversation (48 there), alternating customer / staff, an internal
//     note now and then; email ones carry Message-IDs <seed-<j>@mail.example.jp>;
//   - orders carry their search text (the worker would otherwise fill it for
//     every order at start, while the mail is measured);
//   - per order n: a sent shipping notice (n mod 5 = 0), an open delay case
//     (n mod 30 = 29), a return with its step (n mod 50 = 49), a refund
//     (n mod 100 = 99).
import Database from "better-sqlite3";
import pg from "pg";
import type { DbProvider } from "../app/db.server.ts";
import { sqlitePath } from "../app/db.server.ts";

export const SHOP = "kizuna-bench.myshopify.com";
export const INBOUND_KEY = "benchinboxkey";
export const INBOUND_DOMAIN = "in.kizuna-bench.example";
export const FIRST_ORDER = 7_000_000_000_000;
const FIRST_CUSTOMER = 8_000_000_000_000;
const FIRST_RECEIPT = 3_000_000_000;
const FIRST_RETURN = 5_000_000_000_000;
const MINUTE = 60;

/** The seeded conversation c's reply token: "benchtok" and c's digits as letters (a reply address allows a-z, 2-7). */
export function seededReplyToken(c: number): string {
  return `benchtok${String(c).replace(/\d/g, (digit) => "abcdefghij"[Number(digit)]!)}`;
}

export const seededContactEmail = (k: number) => `shopper${k}@example.jp`;
export const seededMessageId = (j: number) => `<seed-${j}@mail.example.jp>`;

/** The seed's shape, so the mail and the read benchmark can point at what exists. */
export interface InboxShape {
  conversations: number;
  messages: number;
  contacts: number;
  /** Messages on each conversation in the even spread (the first P·N messages). */
  perConversation: number;
}

export function inboxShape(conversations: number, messages: number): InboxShape {
  const n = Math.max(20, conversations);
  return {
    conversations: n,
    messages: Math.max(n, messages),
    contacts: Math.max(1, Math.floor(n / 2)),
    perConversation: Math.max(1, Math.floor((0.8 * Math.max(n, messages)) / n)),
  };
}

/** Channel of seeded conversation c (as the SQL below decides it). */
export function seededChannel(c: number): string {
  const r = c % 10;
  return r <= 5 ? "email" : r <= 7 ? "sms" : r === 8 ? "order_page" : "etsy";
}

/** An email message j of the even spread on conversation c (position p): j = p·N + c. */
export const seededMessageIndex = (shape: InboxShape, c: number, p: number) => p * shape.conversations + c;

export interface SeedCounts {
  contacts: number;
  identities: number;
  customers: number;
  orders: number;
  conversations: number;
  messages: number;
  attachments: number;
  notices: number;
  delayCases: number;
  returns: number;
  moneyActions: number;
}

interface Dialect {
  insert(head: string, n: number, select: string, extra?: { from?: string; where?: string }): string;
  /** INSERT INTO <head> SELECT <select> FROM (SELECT i, <inner> FROM <the series>) AS m: derived columns named once. */
  insertDerived(head: string, n: number, inner: string, select: string): string;
  time(seconds: string): string;
  blob(hex: string): string;
}

const sqliteDialect: Dialect = {
  insert: (head, n, select, extra = {}) =>
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) ` +
    `INSERT INTO ${head} SELECT ${select} FROM s${extra.from ? `, ${extra.from}` : ""}` +
    `${extra.where ? ` WHERE ${extra.where}` : ""}`,
  insertDerived: (head, n, inner, select) =>
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) ` +
    `INSERT INTO ${head} SELECT ${select} FROM (SELECT i, ${inner} FROM s) AS m`,
  time: (seconds) => `strftime('%Y-%m-%dT%H:%M:%f+00:00', ${seconds}, 'unixepoch')`,
  blob: (hex) => `X'${hex}'`,
};

const postgresDialect: Dialect = {
  insert: (head, n, select, extra = {}) =>
    `INSERT INTO ${head} SELECT ${select} FROM generate_series(0, ${n - 1}) AS s(i)${extra.from ? `, ${extra.from}` : ""}` +
    `${extra.where ? ` WHERE ${extra.where}` : ""}`,
  insertDerived: (head, n, inner, select) =>
    `INSERT INTO ${head} SELECT ${select} FROM (SELECT i, ${inner} FROM generate_series(0, ${n - 1}) AS s(i)) AS m`,
  time: (seconds) => `(to_timestamp(${seconds}) AT TIME ZONE 'UTC')`,
  blob: (hex) => `'\\x${hex}'::bytea`,
};

const text = (expression: string) => `CAST(${expression} AS TEXT)`;
/** Integer division that both databases agree on (non-negative operands). */
const div = (a: string, b: number | string) => `CAST((${a}) / (${b}) AS INTEGER)`;

/** SQL for seededReplyToken(expression). */
function replyTokenSql(expression: string): string {
  let sql = text(expression);
  for (let digit = 0; digit <= 9; digit++) sql = `REPLACE(${sql}, '${digit}', '${"abcdefghij"[digit]}')`;
  return `'benchtok' || ${sql}`;
}

function channelSql(c: string): string {
  return `CASE WHEN ${c} % 10 <= 5 THEN 'email' WHEN ${c} % 10 <= 7 THEN 'sms' WHEN ${c} % 10 = 8 THEN 'order_page' ELSE 'etsy' END`;
}

function statements(d: Dialect, shape: InboxShape, nowS: number): [keyof SeedCounts | null, string][] {
  const { conversations: N, messages: M, contacts: K, perConversation: P } = shape;
  const shop = `'${SHOP}'`;
  const now = d.time(String(nowS));
  const even = N * P;
  // The long tail: the remaining messages go to every 20th conversation.
  const longCount = Math.max(1, Math.ceil(N / 20));
  // Conversation c's last message, the newest just now.
  const lastAt = (c: string) => `(${nowS} - (${N} - ${c}) * ${5 * MINUTE})`;
  const orderPlaced = (n: string) => `(${nowS} - (${K} - ${n}) * ${10 * MINUTE} - 86400 * 3)`;
  const contactOf = (c: string) => `(${c} % ${K})`;
  const email = (k: string) => `'shopper' || ${text(k)} || '@example.jp'`;
  const name = (k: string) =>
    `CASE ${k} % 4 WHEN 0 THEN '山田 花子' WHEN 1 THEN 'Emma Clark' WHEN 2 THEN '佐藤 健' ELSE 'Lukas Meyer' END`;
  const orderOfConversation = (c: string) =>
    `CASE WHEN ${c} % 10 = 9 THEN 'etsy:' || ${text(`${FIRST_RECEIPT} + ${contactOf(c)}`)}
          WHEN ${contactOf(c)} % 2 = 0 AND (${c} % 10 = 8 OR (${c} % 10 <= 5 AND ${c} % 3 = 0))
            THEN ${text(`${FIRST_ORDER} + ${contactOf(c)}`)}
          ELSE NULL END`;
  const subject = (c: string) =>
    `CASE WHEN ${c} % 10 <= 5 THEN (CASE ${c} % 4 WHEN 0 THEN '注文 #' || ${text(`1001 + ${contactOf(c)}`)} || ' について'
            WHEN 1 THEN 'Re: Your order is running late' WHEN 2 THEN 'サイズ交換の相談' ELSE 'Question about shipping' END)
          WHEN ${c} % 10 = 9 THEN 'Etsy Conversation with ' || ${name(contactOf(c))}
          ELSE NULL END`;
  const status = (c: string) =>
    `CASE WHEN ${c} % 20 <= 5 THEN 'open' WHEN ${c} % 20 <= 9 THEN 'waiting' WHEN ${c} % 20 = 10 THEN 'snoozed' ELSE 'resolved' END`;
  // Message j: its conversation, its position in it.
  const convOf = `CASE WHEN i < ${even} THEN i % ${N} ELSE ((i - ${even}) % ${longCount}) * 20 % ${N} END`;
  const posOf = `CASE WHEN i < ${even} THEN ${div("i", N)} ELSE ${P} + ${div(`i - ${even}`, longCount)} END`;
  const incomingText = `CASE i % 4
      WHEN 0 THEN 'お世話になっております。注文した藍染めトートバッグがまだ届いていません。いつ頃届きますか？'
      WHEN 1 THEN 'Hi, my parcel still shows label created. Could you check with the carrier? Thanks, Emma'
      WHEN 2 THEN 'サイズが合わなかったので交換をお願いできますか。Mサイズを希望します。'
      ELSE 'The tote arrived today, but the strap is torn. Can I get a replacement or a refund?' END`;
  const outgoingText = `CASE i % 3
      WHEN 0 THEN 'ご連絡ありがとうございます。配送状況を確認しましたところ、明日お届けの予定です。'
      WHEN 1 THEN 'Thanks for writing. We have sent a replacement today; the tracking link follows by mail.'
      ELSE '交換を承りました。返品用の伝票をお送りしますので、届きましたらご返送ください。' END`;
  const three = "(SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) AS ks";
  return [
    [
      null,
      `INSERT INTO "Shop" (domain, name, email, currency, timezone, locale, "installedAt", "syncStatus", "updatedAt")
       VALUES (${shop}, 'Kizuna Bench 藍染め工房', 'shop@kizuna-bench.example', 'JPY', 'Asia/Tokyo', 'ja', ${now}, 'idle', ${now})`,
    ],
    [
      null,
      `INSERT INTO "InboxSettings" (shop, "inboundKey", "followUpDays", "updatedAt") VALUES (${shop}, '${INBOUND_KEY}', 3, ${now})`,
    ],
    [
      null,
      `INSERT INTO "SavedReply" (shop, locale, title, body, "updatedAt") VALUES
       (${shop}, 'ja', '発送のご案内', '{{name}} 様、ご注文 {{order}} は発送済みです。{{tracking_link}}', ${now}),
       (${shop}, 'ja', '交換のご案内', '{{name}} 様、交換を承りました。{{order_page}}', ${now}),
       (${shop}, 'en', 'Shipping update', 'Hi {{name}}, your order {{order}} is on its way: {{tracking_link}}', ${now}),
       (${shop}, 'en', 'Order page', 'Hi {{name}}, everything about {{order}} is here: {{order_page}}', ${now})`,
    ],
    [
      "contacts",
      d.insert(
        `"Contact" (id, shop, name, locale, "createdAt", "updatedAt")`,
        K,
        `i + 1, ${shop}, ${name("i")}, CASE WHEN i % 4 IN (1, 3) THEN 'en' ELSE 'ja' END, ${d.time(`${nowS} - 400 * 86400 + i`)}, ${now}`,
      ),
    ],
    [
      "identities",
      d.insert(
        `"ContactIdentity" (shop, "contactId", kind, value, "createdAt")`,
        K,
        `${shop}, i + 1, CASE k WHEN 0 THEN 'email' WHEN 1 THEN 'shopify_customer' ELSE 'phone' END,
         CASE k WHEN 0 THEN ${email("i")} WHEN 1 THEN ${text(`${FIRST_CUSTOMER} + i`)} ELSE '+8190' || ${text(`10000000 + i`)} END,
         ${now}`,
        { from: three, where: "k = 0 OR (k = 1 AND i % 2 = 0) OR (k = 2 AND i % 3 = 0)" },
      ),
    ],
    [
      "identities",
      d.insert(
        `"ContactIdentity" (shop, "contactId", kind, value, "createdAt")`,
        K,
        `${shop}, i + 1, 'etsy_buyer', ${text(`900000000 + i`)}, ${now}`,
        { where: "i % 10 = 9" },
      ),
    ],
    [
      "customers",
      d.insert(
        `"Customer" (shop, id, email, phone, "firstName", "lastName", locale, "emailConsent", "updatedAt")`,
        K,
        `${shop}, ${text(`${FIRST_CUSTOMER} + i`)}, ${email("i")},
         CASE WHEN i % 3 = 0 THEN '+8190' || ${text(`10000000 + i`)} ELSE NULL END,
         CASE WHEN i % 4 = 0 THEN '花子' ELSE '健' END, CASE WHEN i % 4 = 0 THEN '山田' ELSE '佐藤' END, 'ja', 'SUBSCRIBED', ${now}`,
        { where: "i % 2 = 0" },
      ),
    ],
    [
      "orders",
      d.insert(
        `"Order" (shop, id, name, "customerId", email, currency, "totalPrice", "financialStatus", "fulfillmentStatus",
                  source, "searchText", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")`,
        K,
        `${shop}, ${text(`${FIRST_ORDER} + i`)}, '#' || ${text("1001 + i")}, ${text(`${FIRST_CUSTOMER} + ${div("i", 2)} * 2`)},
         'shopper' || ${text(`${div("i", 2)} * 2`)} || '@example.jp', 'JPY', ${text("(1 + i % 3) * 3300")}, 'PAID', 'FULFILLED',
         'shopify', '#' || ${text("1001 + i")} || ' ' || ${text("1001 + i")} || ' shopper' || ${text(`${div("i", 2)} * 2`)} || '@example.jp',
         ${d.time(orderPlaced("i"))}, ${d.time(orderPlaced("i"))}, ${now}`,
      ),
    ],
    [
      "orders",
      d.insert(
        `"Order" (shop, id, name, email, currency, "totalPrice", "financialStatus", "fulfillmentStatus",
                  source, "buyerNote", "searchText", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")`,
        K,
        `${shop}, 'etsy:' || ${text(`${FIRST_RECEIPT} + i`)}, ${text(`${FIRST_RECEIPT} + i`)}, ${email("i")}, 'USD', '42.00',
         'PAID', NULL, 'etsy', 'Gift wrap please', ${text(`${FIRST_RECEIPT} + i`)} || ' ' || ${email("i")},
         ${d.time(orderPlaced("i"))}, ${d.time(orderPlaced("i"))}, ${now}`,
        { where: "i % 10 = 9" },
      ),
    ],
    [
      "conversations",
      d.insert(
        `"Conversation" (id, shop, "contactId", channel, status, subject, "orderId", assignee, tags, "replyToken", "etsyUrl",
                         "snoozedUntil", "waitingSince", "firstMessageAt", "firstResponseAt", "resolvedAt", "lastMessageAt",
                         exchanges, "flaggedAt", unread, "searchText", "createdAt", "updatedAt")`,
        N,
        `i + 1, ${shop}, ${contactOf("i")} + 1, ${channelSql("i")}, ${status("i")}, ${subject("i")}, ${orderOfConversation("i")},
         CASE i % 4 WHEN 0 THEN 'staff:alice' WHEN 1 THEN 'staff:ken' ELSE NULL END,
         CASE WHEN i % 25 = 0 THEN '["返品"]' WHEN i % 25 = 1 THEN '["vip"]' ELSE '[]' END,
         ${replyTokenSql("i")},
         CASE WHEN i % 10 = 9 THEN 'https://www.etsy.com/conversations/' || ${text(`700000000 + i`)} ELSE NULL END,
         CASE WHEN i % 20 = 10 THEN ${d.time(`${nowS} + CASE WHEN i % 40 = 10 THEN 86400 ELSE -3600 END`)} ELSE NULL END,
         CASE WHEN i % 20 <= 5 THEN ${d.time(lastAt("i"))} ELSE NULL END,
         ${d.time(`${lastAt("i")} - 60 * 600`)},
         CASE WHEN i % 20 <= 5 THEN NULL ELSE ${d.time(`${lastAt("i")} - 59 * 600`)} END,
         CASE WHEN i % 20 >= 11 THEN ${d.time(lastAt("i"))} ELSE NULL END,
         ${d.time(lastAt("i"))}, i % 7, CASE WHEN i % 7 = 6 THEN ${d.time(lastAt("i"))} ELSE NULL END,
         CASE WHEN i % 20 <= 5 THEN 1 + i % 3 ELSE 0 END,
         LOWER(${name(contactOf("i"))} || ' ' || ${email(contactOf("i"))} || COALESCE(' ' || ${subject("i")}, '')
               || CASE WHEN ${contactOf("i")} % 2 = 0 THEN ' #' || ${text(`1001 + ${contactOf("i")}`)} || ' ' || ${text(`1001 + ${contactOf("i")}`)} ELSE '' END),
         ${d.time(`${lastAt("i")} - 60 * 600`)}, ${d.time(lastAt("i"))}`,
      ),
    ],
    [
      "messages",
      d.insertDerived(
        `"Message" (id, shop, "conversationId", direction, kind, channel, "providerMessageId", "inReplyTo", "references",
                    "fromAddress", "fromName", "toAddress", subject, text, "fullText", author, status, "sentAt", "createdAt")`,
        M,
        `${convOf} AS c, ${posOf} AS p,
         CASE WHEN (${posOf}) % 9 = 5 THEN 'note' WHEN (${posOf}) % 2 = 0 THEN 'incoming' ELSE 'outgoing' END AS d`,
        `i + 1, ${shop}, c + 1, d, 'message', ${channelSql("c")},
         CASE WHEN d = 'note' THEN NULL
              WHEN ${channelSql("c")} = 'email' THEN
                CASE WHEN d = 'incoming' THEN '<seed-' || ${text("i")} || '@mail.example.jp>'
                     ELSE '<seed-' || ${text("i")} || '.reply@${INBOUND_DOMAIN}>' END
              WHEN ${channelSql("c")} = 'sms' THEN 'SMseed' || ${text("i")}
              ELSE NULL END,
         NULL, '[]',
         CASE WHEN d = 'incoming' THEN ${email(contactOf("c"))} ELSE NULL END,
         CASE WHEN d = 'incoming' THEN ${name(contactOf("c"))} ELSE NULL END,
         CASE WHEN d = 'incoming' THEN 'inbox+${INBOUND_KEY}@${INBOUND_DOMAIN}' ELSE ${email(contactOf("c"))} END,
         ${subject("c")},
         CASE d WHEN 'incoming' THEN ${incomingText} WHEN 'outgoing' THEN ${outgoingText} ELSE '返金は来週まで保留（倉庫確認中）' END,
         CASE WHEN d = 'incoming' AND ${channelSql("c")} = 'email'
              THEN ${incomingText} || '

2026年12月1日(火) 9:00 Kizuna Bench 藍染め工房 <reply+' || ${replyTokenSql("c")} || '@${INBOUND_DOMAIN}>:
> ' || ${outgoingText} ELSE NULL END,
         CASE d WHEN 'incoming' THEN 'customer' WHEN 'outgoing' THEN 'staff:alice' ELSE 'staff:ken' END,
         CASE WHEN d = 'outgoing' THEN 'sent' ELSE NULL END,
         CASE WHEN d = 'outgoing' THEN ${d.time(`${lastAt("c")} - (60 - p) * 600`)} ELSE NULL END,
         ${d.time(`${lastAt("c")} - (60 - p) * 600`)}`,
      ),
    ],
    [
      "attachments",
      d.insert(
        `"MessageAttachment" (shop, "messageId", filename, "contentType", size, data, refused, "createdAt")`,
        M,
        `${shop}, i + 1, CASE WHEN i % 100 = 0 THEN 'IMG_2041.HEIC' ELSE 'damage.jpg' END,
         CASE WHEN i % 100 = 0 THEN 'application/x-msdownload' ELSE 'image/jpeg' END, 48213,
         CASE WHEN i % 100 = 0 THEN NULL ELSE ${d.blob("ffd8ffe000104a464946")} END,
         CASE WHEN i % 100 = 0 THEN 'type' ELSE NULL END, ${now}`,
        { where: "i % 50 = 0" },
      ),
    ],
    [
      "notices",
      d.insert(
        `"Notice" (shop, kind, "dedupeKey", "customerId", "orderId", channel, locale, recipient, status, subject, "sentAt",
                   "providerMessageId", "createdAt", "updatedAt")`,
        K,
        `${shop}, 'order_shipped', 'seed-shipped-' || ${text("i")}, ${text(`${FIRST_CUSTOMER} + ${div("i", 2)} * 2`)},
         ${text(`${FIRST_ORDER} + i`)}, 'email', 'ja', 'shopper' || ${text(`${div("i", 2)} * 2`)} || '@example.jp', 'sent',
         'ご注文 #' || ${text("1001 + i")} || ' を発送しました', ${d.time(`${orderPlaced("i")} + 86400`)},
         '<notice-' || ${text("i")} || '@${INBOUND_DOMAIN}>', ${d.time(`${orderPlaced("i")} + 86400`)}, ${now}`,
        { where: "i % 5 = 0" },
      ),
    ],
    [
      "delayCases",
      d.insert(
        `"DelayCase" (shop, "orderId", subject, rule, reason, status, "openedAt", "notifiedAt", details, "updatedAt")`,
        K,
        `${shop}, ${text(`${FIRST_ORDER} + i`)}, ${text(`${FIRST_ORDER} + i`)}, 'carrier_exception', 'DELAYED', 'open',
         ${d.time(`${orderPlaced("i")} + 86400 * 2`)}, ${d.time(`${orderPlaced("i")} + 86400 * 2`)}, '{}', ${now}`,
        { where: "i % 30 = 29" },
      ),
    ],
    [
      "returns",
      d.insert(
        `"Return" (shop, id, "orderId", name, status, "lineItems", "requestedAt", "reverseDeliveries", source, resolution,
                   "requestedLines", "customerNote", locale, "updatedAt")`,
        K,
        `${shop}, ${text(`${FIRST_RETURN} + i`)}, ${text(`${FIRST_ORDER} + i`)}, '#' || ${text("1001 + i")} || '-R1', 'REQUESTED', '[]',
         ${d.time(`${orderPlaced("i")} + 86400 * 3`)}, '[]', 'order_page', 'refund', '[]', 'サイズが合いませんでした', 'ja', ${now}`,
        { where: "i % 50 = 49" },
      ),
    ],
    [
      null,
      d.insert(
        `"ReturnEvent" (shop, "returnId", "orderId", action, actor, detail, at)`,
        K,
        `${shop}, ${text(`${FIRST_RETURN} + i`)}, ${text(`${FIRST_ORDER} + i`)}, 'requested', 'customer', 'サイズが合いませんでした',
         ${d.time(`${orderPlaced("i")} + 86400 * 3`)}`,
        { where: "i % 50 = 49" },
      ),
    ],
    [
      "moneyActions",
      d.insert(
        `"MoneyAction" (shop, "orderId", kind, "subjectKey", "idempotencyKey", state, method, amount, currency, request, actor,
                        "createdAt", "finishedAt")`,
        K,
        `${shop}, ${text(`${FIRST_ORDER} + i`)}, 'refund', 'seed-refund-' || ${text("i")}, 'seed-refund-key-' || ${text("i")},
         'succeeded', 'original', '3300', 'JPY', '{}', 'staff:alice', ${d.time(`${orderPlaced("i")} + 86400 * 4`)},
         ${d.time(`${orderPlaced("i")} + 86400 * 4`)}`,
        { where: "i % 100 = 99" },
      ),
    ],
  ];
}

/** PostgreSQL's id sequences after rows written with explicit ids (SQLite's AUTOINCREMENT follows on its own). */
const SEQUENCED = [
  "Contact",
  "ContactIdentity",
  "Conversation",
  "Message",
  "MessageAttachment",
  "Notice",
  "DelayCase",
  "ReturnEvent",
  "MoneyAction",
  "SavedReply",
];

export interface Seeded {
  counts: SeedCounts;
  seconds: number;
}

export async function seedInbox(provider: DbProvider, url: string, shape: InboxShape, nowS: number): Promise<Seeded> {
  const started = performance.now();
  const counts: SeedCounts = {
    contacts: 0,
    identities: 0,
    customers: 0,
    orders: 0,
    conversations: 0,
    messages: 0,
    attachments: 0,
    notices: 0,
    delayCases: 0,
    returns: 0,
    moneyActions: 0,
  };
  if (provider === "sqlite") {
    const sqlite = new Database(sqlitePath(url));
    try {
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = OFF");
      sqlite.transaction(() => {
        for (const [table, sql] of statements(sqliteDialect, shape, nowS)) {
          const { changes } = sqlite.prepare(sql).run();
          if (table) counts[table] += changes;
        }
      })();
      // No ANALYZE: nothing runs it on a seller's SQLite file, so the planner works without statistics here too.
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      sqlite.close();
    }
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("BEGIN");
      for (const [table, sql] of statements(postgresDialect, shape, nowS)) {
        const { rowCount } = await client.query(sql);
        if (table) counts[table] += rowCount ?? 0;
      }
      for (const table of SEQUENCED)
        await client.query(
          `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM "${table}")))`,
        );
      await client.query("COMMIT");
      await client.query("VACUUM ANALYZE");
    } finally {
      await client.end();
    }
  }
  return { counts, seconds: (performance.now() - started) / 1000 };
}
