// Everything one customer order page shows, in ONE statement through the
// driver (app/database/hot-reads.server.ts): the shop, the order, its customer,
// items, parcels and their scans, delay cases, returns with their history,
// money actions and the return policy, each part a JSON array built by the
// database. One round trip on PostgreSQL; one prepared statement on SQLite.
import type { Db } from "../db.server.ts";
import { hotReader, timeOf, timeOrEpoch, type HotReader } from "../database/hot-reads.server.ts";
import { policyFromRow, type ReturnPolicyRow } from "../returns/return-policy.server.ts";
import type { ReturnPolicyRules } from "../returns/policy.ts";
import { shopFactsOf, type ShopFacts } from "./order-page-context.server.ts";

export interface PageOrder {
  id: string;
  name: string;
  customerId: string | null;
  locale: string | null;
  currency: string;
  totalPrice: string;
  fulfillmentStatus: string | null;
  cancelledAt: Date | null;
  shopifyCreatedAt: Date;
}

export interface PageLineItem {
  id: string;
  title: string;
  variantTitle: string | null;
  quantity: number;
  price: string;
}

export interface PageParcel {
  id: string;
  status: string | null;
  shipmentStatus: string | null;
  trackingCompany: string | null;
  trackingNumbers: string | null;
  trackingUrls: string | null;
  shopifyCreatedAt: Date | null;
  shopifyUpdatedAt: Date | null;
}

export interface PageScan {
  status: string;
  message: string | null;
  happenedAt: Date | null;
  city: string | null;
  province: string | null;
  country: string | null;
}

export interface PageDelayCase {
  id: number;
  rule: string;
  reason: string;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface PageReturn {
  id: string;
  name: string | null;
  status: string;
  lineItems: string;
  requestedLines: string | null;
  reverseDeliveries: string;
  declineReason: string | null;
  declineNote: string | null;
}

export interface PageReturnEvent {
  returnId: string;
  action: string;
  detail: string | null;
  at: Date;
}

export interface PageMoneyAction {
  returnId: string | null;
  kind: string;
  state: string;
  method: string | null;
  amount: string | null;
  currency: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface PageMessage {
  id: number;
  /** incoming: the customer's; outgoing: the shop's reply. */
  direction: "incoming" | "outgoing";
  text: string;
  createdAt: Date;
}

export interface PageAnswer {
  id: number;
  topic: string;
  locale: string;
  title: string;
  body: string;
}

export interface OrderPageData {
  shop: ShopFacts;
  order: PageOrder;
  customer: { firstName: string | null; lastName: string | null; locale: string | null } | null;
  items: PageLineItem[];
  fulfillments: PageParcel[];
  scans: PageScan[];
  cases: PageDelayCase[];
  returns: PageReturn[];
  returnEvents: PageReturnEvent[];
  actions: PageMoneyAction[];
  policy: ReturnPolicyRules;
  messages: PageMessage[];
  answers: PageAnswer[];
}

type Dialect = HotReader["dialect"];

/** A JSON array of `columns` of the rows of `from` (a FROM … WHERE … [ORDER BY … LIMIT …] tail). */
function rowsJson(dialect: Dialect, columns: readonly string[], from: string): string {
  const pairs = columns.map((column) => `'${column}', "${column}"`).join(", ");
  return dialect === "sqlite"
    ? `(SELECT json_group_array(json_object(${pairs})) FROM (SELECT * ${from}))`
    : `(SELECT coalesce(json_agg(json_build_object(${pairs})), '[]'::json) FROM (SELECT * ${from}) AS "r")`;
}

const ORDER = ["id", "name", "customerId", "locale", "currency", "totalPrice", "fulfillmentStatus", "cancelledAt"];
const POLICY = [
  "windowDays",
  "finalSaleTags",
  "finalSaleProductIds",
  "photoReasons",
  "noteReasons",
  "autoApprove",
  "autoApproveUpTo",
  "autoApproveExchanges",
  "restockingFeePercent",
  "returnShippingFee",
  "offerRefund",
  "offerExchanges",
  "offerStoreCredit",
  "storeCreditBonusPercent",
  "keepItemUpTo",
  "allowCancel",
];

/** The statement, and what each of its `$n` takes (numbered per use: SQLite binds positionally). */
export function orderPageStatement(dialect: Dialect): { sql: string; params: ("shop" | "order")[] } {
  const params: ("shop" | "order")[] = [];
  const shop = () => `$${params.push("shop")}`;
  const order = () => `$${params.push("order")}`;
  const orderScope = () => `"shop" = ${shop()} AND "orderId" = ${order()}`;
  const parts = [
    `${rowsJson(dialect, ["name", "locale", "timezone", "uninstalledAt"], `FROM "Shop" WHERE "domain" = ${shop()}`)} AS "shop"`,
    `${rowsJson(dialect, [...ORDER, "shopifyCreatedAt"], `FROM "Order" WHERE "shop" = ${shop()} AND "id" = ${order()}`)} AS "order"`,
    `${rowsJson(
      dialect,
      ["firstName", "lastName", "locale"],
      `FROM "Customer" WHERE "shop" = ${shop()} AND "id" = (SELECT "customerId" FROM "Order" WHERE "shop" = ${shop()} AND "id" = ${order()})`,
    )} AS "customer"`,
    `${rowsJson(dialect, ["id", "title", "variantTitle", "quantity", "price"], `FROM "LineItem" WHERE ${orderScope()}`)} AS "items"`,
    `${rowsJson(
      dialect,
      [
        "id",
        "status",
        "shipmentStatus",
        "trackingCompany",
        "trackingNumbers",
        "trackingUrls",
        "shopifyCreatedAt",
        "shopifyUpdatedAt",
      ],
      `FROM "Fulfillment" WHERE ${orderScope()}`,
    )} AS "fulfillments"`,
    // The index (shop, fulfillment, time, id): each parcel's scans in order.
    `${rowsJson(
      dialect,
      ["status", "message", "happenedAt", "city", "province", "country"],
      `FROM "FulfillmentEvent" WHERE "shop" = ${shop()} AND "fulfillmentId" IN (SELECT "id" FROM "Fulfillment" WHERE ${orderScope()}) ORDER BY "fulfillmentId", "happenedAt", "id" LIMIT 500`,
    )} AS "scans"`,
    `${rowsJson(dialect, ["id", "rule", "reason", "openedAt", "resolvedAt"], `FROM "DelayCase" WHERE ${orderScope()}`)} AS "cases"`,
    `${rowsJson(
      dialect,
      ["id", "name", "status", "lineItems", "requestedLines", "reverseDeliveries", "declineReason", "declineNote"],
      `FROM "Return" WHERE ${orderScope()} LIMIT 200`,
    )} AS "returns"`,
    `${rowsJson(dialect, ["returnId", "action", "detail", "at"], `FROM "ReturnEvent" WHERE ${orderScope()} ORDER BY "at", "id" LIMIT 200`)} AS "returnEvents"`,
    `${rowsJson(
      dialect,
      ["returnId", "kind", "state", "method", "amount", "currency", "createdAt", "finishedAt"],
      `FROM "MoneyAction" WHERE ${orderScope()} ORDER BY "id" DESC LIMIT 50`,
    )} AS "actions"`,
    `${rowsJson(dialect, POLICY, `FROM "ReturnPolicy" WHERE "shop" = ${shop()}`)} AS "policy"`,
    // The seller's self-help answers (a handful per shop: topics × two languages).
    `${rowsJson(dialect, ["id", "topic", "locale", "title", "body"], `FROM "SelfHelpAnswer" WHERE "shop" = ${shop()} LIMIT 60`)} AS "answers"`,
    // What the customer and the shop wrote from and to this page (no staff notes). A reply whose mail
    // failed is still the shop's answer: it shows here.
    `${rowsJson(
      dialect,
      ["id", "direction", "text", "createdAt"],
      `FROM "Message" WHERE "shop" = ${shop()} AND "conversationId" IN (SELECT "id" FROM "Conversation" WHERE ${orderScope()} AND "channel" = 'order_page') AND "direction" IN ('incoming', 'outgoing') AND "kind" = 'message' ORDER BY "conversationId", "createdAt" LIMIT 100`,
    )} AS "messages"`,
  ];
  // No ORDER BY on a primary key (shop, id) in a part: SQLite would walk every
  // row of the shop by it instead of the (shop, orderId) index. Those sort here.
  return { sql: `SELECT ${parts.join(",\n  ")}`, params };
}

const statements: Partial<Record<Dialect, ReturnType<typeof orderPageStatement>>> = {};

type Json = Record<string, unknown>;

function list(value: unknown): Json[] {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as Json[]) : [];
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const str = (value: unknown): string => (value === null || value === undefined ? "" : String(value));
const num = (value: unknown): number => Number(value ?? 0);
const bool = (value: unknown): boolean => value === true || value === 1 || value === "1" || value === "true";

function byId(rows: Json[], direction: 1 | -1): Json[] {
  return rows.sort((a, b) => (str(a.id) < str(b.id) ? -direction : str(a.id) > str(b.id) ? direction : 0));
}

/** The page's data, or null when the order is not this shop's. */
export async function readOrderPage(db: Db, shop: string, orderId: string): Promise<OrderPageData | null> {
  const reader = hotReader(db);
  const { sql, params } = (statements[reader.dialect] ??= orderPageStatement(reader.dialect));
  const row = await reader.one(
    sql,
    params.map((param) => (param === "shop" ? shop : orderId)),
  );
  if (!row) return null;
  const [order] = list(row.order);
  if (!order) return null;
  const [shopRow] = list(row.shop);
  const [customer] = list(row.customer);
  const [policy] = list(row.policy);
  return {
    shop: shopFactsOf(
      shop,
      shopRow
        ? {
            name: text(shopRow.name),
            locale: text(shopRow.locale),
            timezone: text(shopRow.timezone),
            uninstalledAt: timeOf(shopRow.uninstalledAt),
          }
        : null,
    ),
    order: {
      id: str(order.id),
      name: str(order.name),
      customerId: text(order.customerId),
      locale: text(order.locale),
      currency: str(order.currency),
      totalPrice: str(order.totalPrice),
      fulfillmentStatus: text(order.fulfillmentStatus),
      cancelledAt: timeOf(order.cancelledAt),
      shopifyCreatedAt: timeOrEpoch(order.shopifyCreatedAt),
    },
    customer: customer
      ? { firstName: text(customer.firstName), lastName: text(customer.lastName), locale: text(customer.locale) }
      : null,
    items: byId(list(row.items), 1).map((item) => ({
      id: str(item.id),
      title: str(item.title),
      variantTitle: text(item.variantTitle),
      quantity: num(item.quantity),
      price: str(item.price),
    })),
    fulfillments: list(row.fulfillments).map((parcel) => ({
      id: str(parcel.id),
      status: text(parcel.status),
      shipmentStatus: text(parcel.shipmentStatus),
      trackingCompany: text(parcel.trackingCompany),
      trackingNumbers: text(parcel.trackingNumbers),
      trackingUrls: text(parcel.trackingUrls),
      shopifyCreatedAt: timeOf(parcel.shopifyCreatedAt),
      shopifyUpdatedAt: timeOf(parcel.shopifyUpdatedAt),
    })),
    scans: list(row.scans).map((scan) => ({
      status: str(scan.status),
      message: text(scan.message),
      happenedAt: timeOf(scan.happenedAt),
      city: text(scan.city),
      province: text(scan.province),
      country: text(scan.country),
    })),
    cases: list(row.cases).map((delay) => ({
      id: num(delay.id),
      rule: str(delay.rule),
      reason: str(delay.reason),
      openedAt: timeOrEpoch(delay.openedAt),
      resolvedAt: timeOf(delay.resolvedAt),
    })),
    // The 20 newest.
    returns: byId(list(row.returns), -1)
      .slice(0, 20)
      .map((ret) => ({
        id: str(ret.id),
        name: text(ret.name),
        status: str(ret.status),
        lineItems: str(ret.lineItems) || "[]",
        requestedLines: text(ret.requestedLines),
        reverseDeliveries: str(ret.reverseDeliveries) || "[]",
        declineReason: text(ret.declineReason),
        declineNote: text(ret.declineNote),
      })),
    returnEvents: list(row.returnEvents).map((event) => ({
      returnId: str(event.returnId),
      action: str(event.action),
      detail: text(event.detail),
      at: timeOrEpoch(event.at),
    })),
    actions: list(row.actions).map((action) => ({
      returnId: text(action.returnId),
      kind: str(action.kind),
      state: str(action.state),
      method: text(action.method),
      amount: text(action.amount),
      currency: text(action.currency),
      createdAt: timeOrEpoch(action.createdAt),
      finishedAt: timeOf(action.finishedAt),
    })),
    answers: list(row.answers).map((answer) => ({
      id: num(answer.id),
      topic: str(answer.topic),
      locale: str(answer.locale),
      title: str(answer.title),
      body: str(answer.body),
    })),
    messages: list(row.messages).map((message) => ({
      id: num(message.id),
      direction: message.direction === "outgoing" ? "outgoing" : "incoming",
      text: str(message.text),
      createdAt: timeOrEpoch(message.createdAt),
    })),
    policy: policyFromRow(
      policy
        ? ({
            ...policy,
            windowDays: num(policy.windowDays),
            restockingFeePercent: num(policy.restockingFeePercent),
            storeCreditBonusPercent: num(policy.storeCreditBonusPercent),
            autoApprove: bool(policy.autoApprove),
            autoApproveExchanges: bool(policy.autoApproveExchanges),
            offerRefund: bool(policy.offerRefund),
            offerExchanges: bool(policy.offerExchanges),
            offerStoreCredit: bool(policy.offerStoreCredit),
            allowCancel: bool(policy.allowCancel),
          } as ReturnPolicyRow)
        : null,
    ),
  };
}
