// Two years of one shop for `npm run bench -- analytics`: N orders, C
// conversations and M messages, with the surveys, notices, delay cases and
// returns the Analytics page counts, written by the database itself (INSERT …
// SELECT over a number series: a recursive CTE on SQLite, generate_series on
// PostgreSQL, as bench/order-page-seed.ts). The database is migrated first:
// the tables and indexes are the migrations'. Shop time zone Asia/Tokyo.
//
// Over D = 730 shop days ending today:
//   - order i: placed i·D/N days into the span (evenly), 1–3 line items of
//     ¥3,300, shipped (Yamato or Japan Post) unless i mod 10 = 3; a delay case
//     when i mod 30 = 29 (told first unless i mod 90 = 89), a return when
//     i mod 200 = 199, a sent delay notice for each told case, a follow-up
//     email for i mod 7 = 0 (1 in 50 of them failed);
//   - conversation c: on day c·D/C at the hours customers write (mostly
//     business hours, some evenings), contact c mod C/2, channel by c mod 10
//     (6 email, 2 SMS, 1 order page, 1 Etsy), topic tag by c mod 10, about an
//     order of that day when c mod 3 = 0; 60% resolved after its last message;
//   - messages: message j is the (j div C)-th of conversation j mod C,
//     alternating customer / staff reply, a gap of 20 min–8 h between them
//     (the first response time), an auto-reply or a note now and then;
//     messages that would fall after now are not written;
//   - surveys: every 4th resolved conversation (not Etsy) is sent one, half
//     answered (mostly 4–5), every 5th answer with a comment.
import Database from "better-sqlite3";
import pg from "pg";
import type { DbProvider } from "../app/db.server.ts";
import { sqlitePath } from "../app/db.server.ts";

export const SHOP = "kizuna-bench-analytics.myshopify.com";
export const TIME_ZONE = "Asia/Tokyo";
export const SPAN_DAYS = 730;
const FIRST_ORDER = 7_000_000_000_000;
const FIRST_FULFILLMENT = 9_000_000_000_000;
const FIRST_RETURN = 5_000_000_000_000;
const DAY = 86_400;
/** Asia/Tokyo has no daylight saving: a shop day starts at 15:00 UTC the day before. */
const TOKYO_OFFSET_S = 9 * 3600;

export interface AnalyticsSeedCounts {
  orders: number;
  lineItems: number;
  delayCases: number;
  returns: number;
  notices: number;
  contacts: number;
  conversations: number;
  messages: number;
  surveys: number;
}

export interface AnalyticsSeeded {
  counts: AnalyticsSeedCounts;
  seconds: number;
}

interface Dialect {
  insert(head: string, n: number, select: string, extra?: { from?: string; where?: string }): string;
  time(seconds: string): string;
  least(a: string, b: string): string;
}

const sqliteDialect: Dialect = {
  insert: (head, n, select, extra = {}) =>
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) ` +
    `INSERT INTO ${head} SELECT ${select} FROM s${extra.from ? `, ${extra.from}` : ""}` +
    `${extra.where ? ` WHERE ${extra.where}` : ""}`,
  time: (seconds) => `strftime('%Y-%m-%dT%H:%M:%f+00:00', ${seconds}, 'unixepoch')`,
  least: (a, b) => `MIN(${a}, ${b})`,
};

const postgresDialect: Dialect = {
  // bigint: c · span and order ids overflow a 32-bit integer.
  insert: (head, n, select, extra = {}) =>
    `INSERT INTO ${head} SELECT ${select} FROM generate_series(0::bigint, ${n - 1}::bigint) AS s(i)` +
    `${extra.from ? `, ${extra.from}` : ""}${extra.where ? ` WHERE ${extra.where}` : ""}`,
  time: (seconds) => `(to_timestamp(${seconds}) AT TIME ZONE 'UTC')`,
  least: (a, b) => `LEAST(${a}, ${b})`,
};

const text = (expression: string) => `CAST(${expression} AS TEXT)`;

/** The unix second today's shop day (Asia/Tokyo) began. */
export function todayStartS(nowS: number): number {
  return Math.floor((nowS + TOKYO_OFFSET_S) / DAY) * DAY - TOKYO_OFFSET_S;
}

export interface Scale {
  orders: number;
  conversations: number;
  messages: number;
}

/** Shared SQL expressions of conversation `c` (a column or expression). */
function conversationExpressions(d: Dialect, scale: Scale, nowS: number, c: string) {
  const C = scale.conversations;
  const M = scale.messages;
  const spanStart = todayStartS(nowS) - (SPAN_DAYS - 1) * DAY;
  // Hours customers write, in shop time: mostly the working day, an evening peak, a few at night.
  const hour = `CASE (${c} * 7) % 20 WHEN 0 THEN 9 WHEN 1 THEN 10 WHEN 2 THEN 10 WHEN 3 THEN 11 WHEN 4 THEN 11
    WHEN 5 THEN 12 WHEN 6 THEN 13 WHEN 7 THEN 14 WHEN 8 THEN 14 WHEN 9 THEN 15 WHEN 10 THEN 16 WHEN 11 THEN 17
    WHEN 12 THEN 20 WHEN 13 THEN 21 WHEN 14 THEN 21 WHEN 15 THEN 22 WHEN 16 THEN 23 WHEN 17 THEN 7 WHEN 18 THEN 8 ELSE 1 END`;
  const day = `(${c} * ${SPAN_DAYS} / ${C})`;
  const raw = `(${spanStart} + ${day} * ${DAY} + (${hour}) * 3600 + ((${c} * 13) % 60) * 60)`;
  // Today's conversations at hours still to come are moved to before now.
  const first = `${d.least(raw, `${nowS - 60} - (${c} % 3600)`)}`;
  const gap = `((20 + (${c} * 17) % 460) * 60)`;
  const count = `(${Math.floor(M / C)} + CASE WHEN ${c} < ${M % C} THEN 1 ELSE 0 END)`;
  const resolvedAt = `(${first} + ${count} * ${gap})`;
  const resolved = `((${c}) % 20 < 12 AND ${resolvedAt} <= ${nowS})`;
  return { first, gap, count, resolvedAt, resolved, day };
}

function statements(d: Dialect, scale: Scale, nowS: number): [keyof AnalyticsSeedCounts | null, string][] {
  const shop = `'${SHOP}'`;
  const now = d.time(String(nowS));
  const N = scale.orders;
  const C = scale.conversations;
  const K = Math.max(1, Math.floor(C / 2));
  const spanStart = todayStartS(nowS) - (SPAN_DAYS - 1) * DAY;
  const spanS = nowS - spanStart;
  const placed = `(${spanStart} + i * ${spanS} / ${N})`;
  const shipped = `(${placed} + 6 * 3600)`;
  const orderId = text(`${FIRST_ORDER} + i`);
  const fulfillmentId = text(`${FIRST_FULFILLMENT} + i`);
  const fulfilled = `i % 10 <> 3`;
  const delayed = `i % 30 = 29 AND ${shipped} + ${DAY / 2} <= ${nowS}`;
  const told = `i % 90 <> 89`;
  const three = "(SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) AS ks";
  const address = (province: string, code: string) =>
    `'{"city":"市","province":"${province}","province_code":"${code}","country":"Japan","country_code":"JP","zip":"100-0001"}'`;
  const conv = conversationExpressions(d, scale, nowS, "i");
  // Conversation c is about an order placed on its day (c mod 3 = 0).
  const orderOfConversation = text(`${FIRST_ORDER} + i * ${N} / ${C}`);
  // Message j: conversation j mod C, p = j div C its position in the thread.
  const c = `(i % ${C})`;
  const p = `(i / ${C})`;
  const mc = conversationExpressions(d, scale, nowS, c);
  const at = `(${mc.first} + ${p} * ${mc.gap})`;
  const staff = `${p} % 2 = 1`;
  const autoReply = `${p} = 1 AND ${c} % 10 = 0`;
  const note = `${p} % 2 = 1 AND ${c} % 25 = 0`;
  const surveyed = `${conv.resolved} AND i % 4 = 0 AND i % 10 <> 9`;
  const answered = `i % 8 = 0`;
  return [
    [
      null,
      `INSERT INTO "Shop" (domain, name, email, currency, timezone, locale, "installedAt", "syncStatus", "updatedAt")
       VALUES (${shop}, 'Kizuna Bench 藍染め工房', 'shop@kizuna-bench.example', 'JPY', '${TIME_ZONE}', 'ja',
               ${d.time(String(spanStart - 30 * DAY))}, 'idle', ${now})`,
    ],
    [
      null,
      `INSERT INTO "ShopSettings" (shop, "holidayPreset", holidays, "updatedAt") VALUES (${shop}, 'jp', '["2026-08-13","2026-08-14"]', ${now})`,
    ],
    [
      "orders",
      d.insert(
        `"Order" (shop, id, name, email, currency, "totalPrice", "financialStatus", "fulfillmentStatus",
                  "shippingAddress", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt", source)`,
        N,
        `${shop}, ${orderId}, '#' || ${text("1001 + i")}, 'shopper' || ${text(`i % ${K}`)} || '@example.jp', 'JPY',
         ${text("(1 + i % 3) * 3300")}, 'PAID', CASE WHEN ${fulfilled} THEN 'FULFILLED' ELSE NULL END,
         CASE i % 4 WHEN 0 THEN ${address("Tokyo", "JP-13")} WHEN 1 THEN ${address("Osaka", "JP-27")}
           WHEN 2 THEN ${address("Hokkaido", "JP-01")} ELSE ${address("Okinawa", "JP-47")} END,
         ${d.time(placed)}, ${d.time(placed)}, ${now}, CASE WHEN i % 10 = 9 THEN 'etsy' ELSE 'shopify' END`,
      ),
    ],
    [
      "lineItems",
      d.insert(
        `"LineItem" (shop, id, "orderId", "productId", "variantId", title, quantity, price)`,
        N,
        `${shop}, ${text(`(${FIRST_ORDER} + i) * 10 + k`)}, ${orderId}, ${text("43000000000000 + k")},
         ${text("44000000000000 + k * 10 + i % 4")},
         CASE k WHEN 0 THEN '藍染めトートバッグ' WHEN 1 THEN '手ぬぐい 麻の葉' ELSE '帆布ポーチ' END, 1, '3300'`,
        { from: three, where: "k <= i % 3" },
      ),
    ],
    [
      null,
      d.insert(
        `"Fulfillment" (shop, id, "orderId", status, "shipmentStatus", "trackingCompany", "trackingNumbers", "trackingUrls",
                        "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")`,
        N,
        `${shop}, ${fulfillmentId}, ${orderId}, 'SUCCESS', 'DELIVERED',
         CASE WHEN i % 3 = 0 THEN 'Japan Post (JA)' ELSE 'Yamato (JA)' END, '[]', '[]',
         ${d.time(shipped)}, ${d.time(shipped)}, ${now}`,
        { where: fulfilled },
      ),
    ],
    [
      "delayCases",
      d.insert(
        `"DelayCase" (shop, "orderId", subject, rule, reason, status, "openedAt", "resolvedAt", "notifiedAt", details, "updatedAt")`,
        N,
        `${shop}, ${orderId}, ${fulfillmentId}, CASE WHEN i % 60 = 59 THEN 'stalled' ELSE 'carrier_exception' END,
         CASE WHEN i % 60 = 59 THEN 'STALLED' ELSE 'DELAYED' END, 'resolved', ${d.time(`${shipped} + ${DAY / 2}`)},
         ${d.time(`${shipped} + ${DAY}`)}, CASE WHEN ${told} THEN ${d.time(`${shipped} + ${DAY / 2} + 600`)} ELSE NULL END,
         '{}', ${now}`,
        { where: delayed },
      ),
    ],
    [
      "returns",
      d.insert(
        `"Return" (shop, id, "orderId", name, status, "lineItems", "requestedAt", "reverseDeliveries", source, resolution,
                   "requestedLines", locale, "updatedAt")`,
        N,
        `${shop}, ${text(`${FIRST_RETURN} + i`)}, ${orderId}, '#' || ${text("1001 + i")} || '-R1', 'CLOSED',
         '[{"line_item_id":"' || ${text(`(${FIRST_ORDER} + i) * 10`)} || '","quantity":1,"return_reason_handle":"' ||
           CASE i % 3 WHEN 0 THEN 'size-too-small' WHEN 1 THEN 'color' ELSE 'defective' END || '"}]',
         ${d.time(`${shipped} + ${3 * DAY}`)}, '[]', 'order_page', CASE WHEN i % 400 = 399 THEN 'exchange' ELSE 'refund' END,
         '[]', 'ja', ${d.time(`${shipped} + ${3 * DAY}`)}`,
        { where: `i % 200 = 199 AND ${shipped} + ${3 * DAY} <= ${nowS}` },
      ),
    ],
    [
      "notices",
      d.insert(
        `"Notice" (shop, kind, "dedupeKey", "orderId", channel, locale, status, "sentAt", "createdAt", "updatedAt")`,
        N,
        `${shop}, CASE WHEN i % 30 = 29 THEN 'delay' ELSE 'order_followup' END, 'bench:' || ${text("i")}, ${orderId},
         CASE WHEN i % 4 = 1 THEN 'sms' ELSE 'email' END, 'ja',
         CASE WHEN i % 350 = 0 THEN 'failed' ELSE 'sent' END,
         CASE WHEN i % 350 = 0 THEN NULL ELSE ${d.time(`${shipped} + ${DAY / 2} + 600`)} END,
         ${d.time(`${shipped} + ${DAY / 2} + 600`)}, ${now}`,
        { where: `(${delayed} AND ${told} OR i % 7 = 0) AND ${shipped} + ${DAY / 2} + 600 <= ${nowS}` },
      ),
    ],
    [
      "contacts",
      d.insert(
        `"Contact" (id, shop, name, locale, "createdAt", "updatedAt")`,
        K,
        `i + 1, ${shop}, CASE WHEN i % 3 = 0 THEN 'Emma Clark' ELSE '山田 花子' END,
         CASE WHEN i % 3 = 0 THEN 'en' ELSE 'ja' END, ${d.time(String(spanStart))}, ${now}`,
      ),
    ],
    [
      "conversations",
      d.insert(
        `"Conversation" (id, shop, "contactId", channel, status, subject, "orderId", tags, "replyToken", "firstMessageAt",
                         "firstResponseAt", "resolvedAt", "lastMessageAt", exchanges, "createdAt", "updatedAt")`,
        C,
        `i + 1, ${shop}, i % ${K} + 1,
         CASE WHEN i % 10 < 6 THEN 'email' WHEN i % 10 < 8 THEN 'sms' WHEN i % 10 = 8 THEN 'order_page' ELSE 'etsy' END,
         CASE WHEN ${conv.resolved} THEN 'resolved' ELSE 'open' END, '注文について',
         CASE WHEN i % 3 = 0 THEN ${orderOfConversation} ELSE NULL END,
         CASE i % 10 WHEN 0 THEN '["where-is-my-order"]' WHEN 1 THEN '["where-is-my-order"]' WHEN 2 THEN '["where-is-my-order"]'
           WHEN 3 THEN '["returns"]' WHEN 4 THEN '["returns","where-is-my-order"]' WHEN 5 THEN '["product-question"]'
           WHEN 6 THEN '["product-question"]' WHEN 7 THEN '["sizes"]' ELSE '[]' END,
         'benchan' || ${text("i")}, ${d.time(conv.first)},
         CASE WHEN ${conv.count} > 1 AND ${conv.first} + ${conv.gap} <= ${nowS} THEN ${d.time(`${conv.first} + ${conv.gap}`)} ELSE NULL END,
         CASE WHEN ${conv.resolved} THEN ${d.time(conv.resolvedAt)} ELSE NULL END,
         ${d.time(d.least(`${conv.first} + (${conv.count} - 1) * ${conv.gap}`, String(nowS)))},
         ${conv.count} / 2, ${d.time(conv.first)}, ${d.time(d.least(conv.resolvedAt, String(nowS)))}`,
      ),
    ],
    [
      "messages",
      d.insert(
        `"Message" (id, shop, "conversationId", direction, kind, channel, text, author, status, "sentAt", "createdAt")`,
        scale.messages,
        `i + 1, ${shop}, ${c} + 1,
         CASE WHEN ${note} THEN 'note' WHEN ${staff} THEN 'outgoing' ELSE 'incoming' END,
         CASE WHEN ${autoReply} THEN 'auto_reply' ELSE 'message' END,
         CASE WHEN ${c} % 10 < 6 THEN 'email' WHEN ${c} % 10 < 8 THEN 'sms' WHEN ${c} % 10 = 8 THEN 'order_page' ELSE 'etsy' END,
         CASE WHEN ${staff} THEN 'お問い合わせありがとうございます。' ELSE '注文した商品はいつ届きますか？' END,
         CASE WHEN ${autoReply} THEN 'kizuna' WHEN ${staff} THEN 'Aiko' ELSE 'customer' END,
         CASE WHEN ${staff} AND NOT (${note}) THEN 'sent' ELSE NULL END,
         CASE WHEN ${staff} AND NOT (${note}) THEN ${d.time(at)} ELSE NULL END, ${d.time(at)}`,
        { where: `${at} <= ${nowS}` },
      ),
    ],
    [
      "surveys",
      d.insert(
        `"SatisfactionSurvey" (shop, "conversationId", "contactId", token, rating, comment, "sentAt", "answeredAt", "createdAt")`,
        C,
        `${shop}, i + 1, i % ${K} + 1, 'benchsurvey' || ${text("i")},
         CASE WHEN ${answered} THEN CASE (i / 8) % 10 WHEN 0 THEN 2 WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 4 ELSE 5 END ELSE NULL END,
         CASE WHEN ${answered} AND i % 40 = 0 THEN '丁寧な対応でした' ELSE NULL END,
         ${d.time(conv.resolvedAt)},
         CASE WHEN ${answered} AND ${conv.resolvedAt} + 3600 <= ${nowS} THEN ${d.time(`${conv.resolvedAt} + 3600`)} ELSE NULL END,
         ${d.time(conv.resolvedAt)}`,
        { where: surveyed },
      ),
    ],
  ];
}

const emptyCounts = (): AnalyticsSeedCounts => ({
  orders: 0,
  lineItems: 0,
  delayCases: 0,
  returns: 0,
  notices: 0,
  contacts: 0,
  conversations: 0,
  messages: 0,
  surveys: 0,
});

/** Runs `sql` statements in one transaction on either database; returns the rows each changed. */
async function runSql(provider: DbProvider, url: string, sqls: readonly string[]): Promise<number[]> {
  if (provider === "sqlite") {
    const sqlite = new Database(sqlitePath(url));
    try {
      sqlite.pragma("journal_mode = WAL");
      const changed = sqlite.transaction(() => sqls.map((sql) => sqlite.prepare(sql).run().changes))();
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
      return changed;
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    const changed: number[] = [];
    for (const sql of sqls) changed.push((await client.query(sql)).rowCount ?? 0);
    await client.query("COMMIT");
    return changed;
  } finally {
    await client.end();
  }
}

export async function seedAnalytics(
  provider: DbProvider,
  url: string,
  scale: Scale,
  nowS: number,
): Promise<AnalyticsSeeded> {
  const started = performance.now();
  const counts = emptyCounts();
  const list = statements(provider === "sqlite" ? sqliteDialect : postgresDialect, scale, nowS);
  const changed = await runSql(
    provider,
    url,
    list.map(([, sql]) => sql),
  );
  list.forEach(([table], index) => {
    if (table) counts[table] = changed[index]!;
  });
  await analyze(provider, url);
  return { counts, seconds: (performance.now() - started) / 1000 };
}

/** The planner's statistics, as autovacuum / a periodic ANALYZE leaves them after a bulk load. */
export async function analyze(provider: DbProvider, url: string): Promise<void> {
  if (provider === "sqlite") {
    const sqlite = new Database(sqlitePath(url));
    try {
      sqlite.exec("ANALYZE");
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
}

/**
 * `count` new messages written today, as the inbox would have received and
 * answered them: count / 4 new conversations, each a customer message, a
 * reply, a follow-up and a reply (the first message at least an hour ago).
 */
export async function addMessagesToday(
  provider: DbProvider,
  url: string,
  scale: Scale,
  count: number,
  nowS: number,
): Promise<number> {
  const d = provider === "sqlite" ? sqliteDialect : postgresDialect;
  const shop = `'${SHOP}'`;
  const threads = Math.max(1, Math.ceil(count / 4));
  const base = scale.conversations + 1_000_000;
  const firstMessageId = scale.messages + 10_000_000;
  const since = Math.max(todayStartS(nowS), nowS - 6 * 3600);
  const first = `(${since} + (i * 7919) % ${Math.max(60, nowS - 3600 - since)})`;
  const c = `(i / 4)`;
  const p = `(i % 4)`;
  const cFirst = `(${since} + (${c} * 7919) % ${Math.max(60, nowS - 3600 - since)})`;
  const at = `(${cFirst} + ${p} * 600)`;
  const channel = `CASE WHEN i % 10 < 6 THEN 'email' WHEN i % 10 < 8 THEN 'sms' WHEN i % 10 = 8 THEN 'order_page' ELSE 'etsy' END`;
  const messageChannel = channel.replaceAll("i % 10", `${c} % 10`);
  const contacts = Math.max(1, Math.floor(scale.conversations / 2));
  const [, written] = await runSql(provider, url, [
    d.insert(
      `"Conversation" (id, shop, "contactId", channel, status, tags, "replyToken", "firstMessageAt", "firstResponseAt",
                       "lastMessageAt", exchanges, "createdAt", "updatedAt")`,
      threads,
      `${base} + i, ${shop}, i % ${contacts} + 1, ${channel}, 'open', '["where-is-my-order"]', 'benchnew' || ${text(`${nowS} + i`)},
       ${d.time(first)}, ${d.time(`${first} + 600`)}, ${d.time(`${first} + 1800`)}, 2, ${d.time(first)}, ${d.time(`${first} + 1800`)}`,
    ),
    d.insert(
      `"Message" (id, shop, "conversationId", direction, kind, channel, text, author, status, "sentAt", "createdAt")`,
      threads * 4,
      `${firstMessageId} + i, ${shop}, ${base} + ${c}, CASE WHEN ${p} % 2 = 1 THEN 'outgoing' ELSE 'incoming' END, 'message',
       ${messageChannel}, 'まだ届きません', CASE WHEN ${p} % 2 = 1 THEN 'Aiko' ELSE 'customer' END,
       CASE WHEN ${p} % 2 = 1 THEN 'sent' ELSE NULL END, CASE WHEN ${p} % 2 = 1 THEN ${d.time(at)} ELSE NULL END, ${d.time(at)}`,
      { where: `i < ${count}` },
    ),
  ]);
  return written ?? 0;
}
