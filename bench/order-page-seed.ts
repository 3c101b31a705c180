// The mirror of one shop for `npm run bench -- order-page`: N orders with
// their customers, line items, fulfillments, carrier scans, some delay cases
// and some return requests, written by the database itself (INSERT … SELECT
// over a number series: a recursive CTE on SQLite, generate_series on
// PostgreSQL), so 1,000,000 orders take seconds, not minutes. The tables and
// their indexes are the migrations' (the database is migrated first).
//
// Order i (0 ≤ i < N), placed one minute after order i-1, the newest just now:
//   - id 7000000000000+i, name #(1001+i), customer 8000000000000+(i mod C);
//   - 1 + (i mod 3) line items of ¥3,300;
//   - i mod 10 = 3: not shipped yet (no fulfillment) — 10%;
//   - otherwise one fulfillment (Yamato, a tracking number and URL) shipped
//     6 h after the order, with its scans: CONFIRMED at 6 h, IN_TRANSIT at
//     1 day, DELIVERED at 2 days (each only once that time has passed);
//   - i mod 30 = 29: a delay case (carrier_exception / DELAYED), half resolved;
//   - i mod 200 = 199: a return requested by the customer on the order page.
import Database from "better-sqlite3";
import pg from "pg";
import type { DbProvider } from "../app/db.server.ts";
import { sqlitePath } from "../app/db.server.ts";

export const SHOP = "kizuna-bench.myshopify.com";
export const FIRST_ORDER = 7_000_000_000_000;
const FIRST_CUSTOMER = 8_000_000_000_000;
const FIRST_FULFILLMENT = 9_000_000_000_000;
const FIRST_RETURN = 5_000_000_000_000;
const MINUTE = 60;
const DAY = 86_400;

export interface SeedCounts {
  customers: number;
  orders: number;
  lineItems: number;
  fulfillments: number;
  fulfillmentEvents: number;
  delayCases: number;
  returns: number;
}

interface Dialect {
  /** INSERT INTO <head> SELECT <select> FROM <the series i = 0..n-1>[, <from>] [WHERE <where>] */
  insert(head: string, n: number, select: string, extra?: { from?: string; where?: string }): string;
  /** A DateTime value from unix seconds. */
  time(seconds: string): string;
}

const sqliteDialect: Dialect = {
  insert: (head, n, select, extra = {}) =>
    `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) ` +
    `INSERT INTO ${head} SELECT ${select} FROM s${extra.from ? `, ${extra.from}` : ""}` +
    `${extra.where ? ` WHERE ${extra.where}` : ""}`,
  // Prisma's SQLite DateTime text (as bench/delays.ts writes it).
  time: (seconds) => `strftime('%Y-%m-%dT%H:%M:%f+00:00', ${seconds}, 'unixepoch')`,
};

const postgresDialect: Dialect = {
  insert: (head, n, select, extra = {}) =>
    `INSERT INTO ${head} SELECT ${select} FROM generate_series(0, ${n - 1}) AS s(i)${extra.from ? `, ${extra.from}` : ""}` +
    `${extra.where ? ` WHERE ${extra.where}` : ""}`,
  time: (seconds) => `(to_timestamp(${seconds}) AT TIME ZONE 'UTC')`,
};

const text = (expression: string) => `CAST(${expression} AS TEXT)`;

/** The statements, in order, with what each fills. */
function statements(d: Dialect, orders: number, customers: number, nowS: number): [keyof SeedCounts | null, string][] {
  const shop = `'${SHOP}'`;
  const now = d.time(String(nowS));
  // Order i was placed (orders - i) minutes ago.
  const placed = `(${nowS} - (${orders} - i) * ${MINUTE})`;
  const shipped = `(${placed} + ${6 * 3600})`;
  const orderId = text(`${FIRST_ORDER} + i`);
  const fulfillmentId = text(`${FIRST_FULFILLMENT} + i`);
  const fulfilled = `i % 10 <> 3`;
  // i is at least this many minutes from the newest order when a scan that far after the order has happened.
  const happened = (seconds: number) => `i < ${orders} - ${Math.ceil(seconds / MINUTE)}`;
  const address = `'{"city":"渋谷区","province":"Tokyo","province_code":"JP-13","country":"Japan","country_code":"JP","zip":"150-0001","first_name":"花子","last_name":"山田"}'`;
  const three = "(SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) AS ks";
  return [
    [
      null,
      `INSERT INTO "Shop" (domain, name, email, currency, timezone, locale, "installedAt", "syncStatus", "updatedAt")
       VALUES (${shop}, 'Kizuna Bench 藍染め工房', 'shop@kizuna-bench.example', 'JPY', 'Asia/Tokyo', 'ja', ${now}, 'idle', ${now})`,
    ],
    [
      "customers",
      d.insert(
        `"Customer" (shop, id, email, "firstName", "lastName", locale, "emailConsent", "updatedAt")`,
        customers,
        `${shop}, ${text(`${FIRST_CUSTOMER} + i`)}, 'shopper' || ${text("i")} || '@example.jp',
         CASE WHEN i % 3 = 0 THEN 'Emma' ELSE '花子' END, CASE WHEN i % 3 = 0 THEN 'Clark' ELSE '山田' END,
         CASE WHEN i % 3 = 0 THEN 'en' ELSE 'ja' END, 'SUBSCRIBED', ${now}`,
      ),
    ],
    [
      "orders",
      d.insert(
        `"Order" (shop, id, name, "customerId", email, currency, "totalPrice", "financialStatus", "fulfillmentStatus",
                  "shippingAddress", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")`,
        orders,
        `${shop}, ${orderId}, '#' || ${text("1001 + i")}, ${text(`${FIRST_CUSTOMER} + i % ${customers}`)},
         'shopper' || ${text(`i % ${customers}`)} || '@example.jp', 'JPY', ${text("(1 + i % 3) * 3300")}, 'PAID',
         CASE WHEN ${fulfilled} THEN 'FULFILLED' ELSE NULL END, ${address},
         ${d.time(placed)}, ${d.time(placed)}, ${now}`,
      ),
    ],
    [
      "lineItems",
      d.insert(
        `"LineItem" (shop, id, "orderId", "productId", "variantId", title, "variantTitle", sku, quantity, price)`,
        orders,
        `${shop}, ${text(`(${FIRST_ORDER} + i) * 10 + k`)}, ${orderId}, ${text("43000000000000 + k")},
         ${text("44000000000000 + k * 10 + i % 4")},
         CASE k WHEN 0 THEN '藍染めトートバッグ' WHEN 1 THEN '手ぬぐい 麻の葉' ELSE '帆布ポーチ' END,
         CASE i % 4 WHEN 0 THEN 'Indigo' WHEN 1 THEN 'Navy' WHEN 2 THEN 'Sand' ELSE NULL END,
         'SKU-' || ${text("k")} || '-' || ${text("i % 4")}, 1, '3300'`,
        { from: three, where: "k <= i % 3" },
      ),
    ],
    [
      "fulfillments",
      d.insert(
        `"Fulfillment" (shop, id, "orderId", status, "shipmentStatus", "trackingCompany", "trackingNumbers", "trackingUrls",
                        "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")`,
        orders,
        `${shop}, ${fulfillmentId}, ${orderId}, 'SUCCESS',
         CASE WHEN ${happened(6 * 3600 + 2 * DAY)} THEN 'DELIVERED' ELSE 'IN_TRANSIT' END, 'Yamato (JA)',
         '["' || ${text("400000000000 + i")} || '"]',
         '["https://track.kuronekoyamato.co.jp/?number=' || ${text("400000000000 + i")} || '"]',
         ${d.time(shipped)}, ${d.time(shipped)}, ${now}`,
        { where: fulfilled },
      ),
    ],
    [
      "fulfillmentEvents",
      d.insert(
        `"FulfillmentEvent" (shop, id, "fulfillmentId", "orderId", status, message, "happenedAt", "estimatedDeliveryAt", city, province, country, zip)`,
        orders,
        `${shop}, ${text("i * 3 + k")}, ${fulfillmentId}, ${orderId},
         CASE k WHEN 0 THEN 'CONFIRMED' WHEN 1 THEN 'IN_TRANSIT' ELSE 'DELIVERED' END,
         CASE k WHEN 1 THEN '羽田クロノゲートベースを出発しました' ELSE NULL END,
         ${d.time(`${shipped} + CASE k WHEN 0 THEN 0 WHEN 1 THEN ${DAY - 6 * 3600} ELSE ${2 * DAY - 6 * 3600} END`)},
         ${d.time(`${shipped} + ${3 * DAY}`)}, CASE k WHEN 1 THEN '大田区' ELSE '渋谷区' END, 'Tokyo', 'JP', '150-0001'`,
        {
          from: three,
          where: `${fulfilled} AND (k = 0 AND ${happened(6 * 3600)} OR k = 1 AND ${happened(DAY)} OR k = 2 AND ${happened(2 * DAY)})`,
        },
      ),
    ],
    [
      "delayCases",
      d.insert(
        `"DelayCase" (shop, "orderId", subject, rule, reason, status, "openedAt", "resolvedAt", "notifiedAt", details, "updatedAt")`,
        orders,
        `${shop}, ${orderId}, ${fulfillmentId}, 'carrier_exception', 'DELAYED',
         CASE WHEN i % 60 = 59 THEN 'resolved' ELSE 'open' END, ${d.time(`${shipped} + ${DAY / 2}`)},
         CASE WHEN i % 60 = 59 THEN ${d.time(`${shipped} + ${DAY}`)} ELSE NULL END, ${d.time(`${shipped} + ${DAY / 2}`)},
         '{}', ${now}`,
        { where: `i % 30 = 29 AND ${happened(DAY)}` },
      ),
    ],
    [
      "returns",
      d.insert(
        `"Return" (shop, id, "orderId", name, status, "lineItems", "requestedAt", "reverseDeliveries", source, resolution,
                   "requestedLines", "customerNote", locale, "updatedAt")`,
        orders,
        `${shop}, ${text(`${FIRST_RETURN} + i`)}, ${orderId}, '#' || ${text("1001 + i")} || '-R1', 'REQUESTED', '[]',
         ${d.time(`${shipped} + ${3 * DAY}`)}, '[]', 'order_page', 'refund',
         '[{"lineItemId":"' || ${text(`(${FIRST_ORDER} + i) * 10`)} || '","quantity":1,"reasonHandle":"size-too-small","note":null}]',
         'サイズが合いませんでした', 'ja', ${now}`,
        { where: `i % 200 = 199 AND ${happened(3 * DAY)}` },
      ),
    ],
    [
      null,
      d.insert(
        `"ReturnEvent" (shop, "returnId", "orderId", action, actor, detail, at)`,
        orders,
        `${shop}, ${text(`${FIRST_RETURN} + i`)}, ${orderId}, 'requested', 'customer', 'サイズが合いませんでした',
         ${d.time(`${shipped} + ${3 * DAY}`)}`,
        { where: `i % 200 = 199 AND ${happened(3 * DAY)}` },
      ),
    ],
  ];
}

export interface Seeded {
  counts: SeedCounts;
  seconds: number;
}

export async function seedMirror(
  provider: DbProvider,
  url: string,
  orders: number,
  customers: number,
  nowS: number,
): Promise<Seeded> {
  const started = performance.now();
  const counts: SeedCounts = {
    customers: 0,
    orders: 0,
    lineItems: 0,
    fulfillments: 0,
    fulfillmentEvents: 0,
    delayCases: 0,
    returns: 0,
  };
  if (provider === "sqlite") {
    const sqlite = new Database(sqlitePath(url));
    try {
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = OFF");
      sqlite.transaction(() => {
        for (const [table, sql] of statements(sqliteDialect, orders, customers, nowS)) {
          const { changes } = sqlite.prepare(sql).run();
          if (table) counts[table] = changes;
        }
      })();
      // Checkpoint, so the web process starts from a compact database file.
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      sqlite.close();
    }
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("BEGIN");
      for (const [table, sql] of statements(postgresDialect, orders, customers, nowS)) {
        const { rowCount } = await client.query(sql);
        if (table) counts[table] = rowCount ?? 0;
      }
      await client.query("COMMIT");
      // What autovacuum does on its own soon after a bulk load: the planner's statistics.
      await client.query("VACUUM ANALYZE");
    } finally {
      await client.end();
    }
  }
  return { counts, seconds: (performance.now() - started) / 1000 };
}
