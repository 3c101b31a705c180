// Install and daily reconciliation: rebuild the shop's mirror from the Admin
// API — orders of the last 60 days, products and variants, inventory,
// customers — because webhooks can be late, lost or out of order. Every node
// goes through the webhook projections (see rest-shape.server.ts), which keep
// the newest version of each row, so a backfill never overwrites fresher data.
import type { Db } from "../db.server.ts";
import { CUSTOMERS_PAGE_SIZE, CustomersQuery } from "../graphql/customers.ts";
import { ORDERS_PAGE_SIZE, OrdersBackfillQuery, ordersSinceFilter } from "../graphql/orders.ts";
import { refreshReturn } from "../returns/refresh-return.server.ts";
import { fromGid } from "../returns/shopify-returns.server.ts";
import {
  INVENTORY_ITEMS_PER_QUERY,
  InventoryLevelsQuery,
  PRODUCT_VARIANTS_PAGE_SIZE,
  ProductVariantsQuery,
} from "../graphql/products.ts";
import { ShopQuery } from "../graphql/shop.ts";
import { projectEvent } from "../mirror/project-event.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import type { Topic } from "../webhooks/topics.ts";
import type { Json, JsonObject } from "../webhooks/payload.server.ts";
import { isObject } from "../webhooks/payload.server.ts";
import {
  restCustomer,
  restFulfillmentEvent,
  restFulfillmentOrder,
  restInventoryLevel,
  restOrder,
  restProduct,
} from "./rest-shape.server.ts";

export const BACKFILL_DAYS = 60;

export interface BackfillSummary {
  orders: number;
  customers: number;
  products: number;
  variants: number;
  inventoryLevels: number;
}

export interface BackfillOptions {
  days?: number;
  now?: Date;
  /** Told after each page, for progress shown to the seller. */
  onProgress?: (summary: BackfillSummary) => void | Promise<void>;
}

interface Page {
  nodes: JsonObject[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function pageOf(data: Json, field: string): Page {
  const connection = isObject(data) ? data[field] : null;
  if (!isObject(connection)) throw new Error(`Admin API answer has no ${field}`);
  const info = isObject(connection.pageInfo) ? connection.pageInfo : {};
  return {
    nodes: Array.isArray(connection.nodes) ? connection.nodes.filter(isObject) : [],
    pageInfo: {
      hasNextPage: info.hasNextPage === true,
      endCursor: typeof info.endCursor === "string" ? info.endCursor : null,
    },
  };
}

/** Every node of a paginated connection, page by page. */
async function* paginate(
  api: AdminApi,
  query: string,
  field: string,
  variables: Record<string, unknown>,
): AsyncGenerator<JsonObject[]> {
  let after: string | null = null;
  for (;;) {
    const { data } = await api.request<Json>(query, { ...variables, after });
    const page = pageOf(data, field);
    yield page.nodes;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}

function project(db: Db, shop: string, topic: Topic, payload: JsonObject) {
  return projectEvent(db, { shop, topic, payload, triggeredAt: null });
}

async function backfillShopFacts(db: Db, api: AdminApi, shop: string): Promise<void> {
  const { data } = await api.request<{
    shop: { name: string; email: string; currencyCode: string; ianaTimezone: string };
  }>(ShopQuery);
  const facts = {
    name: data.shop.name,
    email: data.shop.email,
    currency: data.shop.currencyCode,
    timezone: data.shop.ianaTimezone,
  };
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop, ...facts }, update: facts });
}

async function backfillCatalogue(
  db: Db,
  api: AdminApi,
  shop: string,
  summary: BackfillSummary,
  progress: () => Promise<void>,
) {
  // Variants arrive flat; a product is written once all of its variants are read,
  // because products/update replaces the product's variant list.
  const products = new Map<string, { product: JsonObject; variants: JsonObject[] }>();
  const inventoryItems: string[] = [];
  for await (const variants of paginate(api, ProductVariantsQuery, "productVariants", {
    first: PRODUCT_VARIANTS_PAGE_SIZE,
  })) {
    for (const variant of variants) {
      const product = isObject(variant.product) ? variant.product : null;
      if (!product || typeof product.id !== "string") continue;
      const entry = products.get(product.id) ?? { product, variants: [] };
      entry.variants.push(variant);
      products.set(product.id, entry);
      const item = isObject(variant.inventoryItem) ? variant.inventoryItem.id : null;
      if (typeof item === "string") inventoryItems.push(item);
    }
  }
  for (const { product, variants } of products.values()) {
    await project(db, shop, "products/update", restProduct(product, variants));
    summary.products += 1;
    summary.variants += variants.length;
  }
  await progress();
  summary.inventoryLevels += await backfillInventoryLevels(db, api, shop, inventoryItems, progress);
}

/**
 * Reads the stock of `inventoryItemGids` at every location and projects it as
 * inventory_levels/update would. Returns how many levels it read. (Also the
 * restock reconciliation's way to catch a missed inventory webhook.)
 */
export async function backfillInventoryLevels(
  db: Db,
  api: AdminApi,
  shop: string,
  inventoryItemGids: string[],
  progress: () => Promise<void> = async () => undefined,
): Promise<number> {
  let count = 0;
  for (let i = 0; i < inventoryItemGids.length; i += INVENTORY_ITEMS_PER_QUERY) {
    const batch = inventoryItemGids.slice(i, i + INVENTORY_ITEMS_PER_QUERY);
    const { data } = await api.request<{ nodes: Json[] }>(InventoryLevelsQuery, { inventoryItemIds: batch });
    for (const item of data.nodes.filter(isObject)) {
      for (const level of nodeList(item.inventoryLevels)) {
        await project(db, shop, "inventory_levels/update", restInventoryLevel(level, String(item.id)));
        count += 1;
      }
    }
    await progress();
  }
  return count;
}

async function backfillCustomers(
  db: Db,
  api: AdminApi,
  shop: string,
  summary: BackfillSummary,
  progress: () => Promise<void>,
) {
  for await (const customers of paginate(api, CustomersQuery, "customers", { first: CUSTOMERS_PAGE_SIZE })) {
    for (const customer of customers) await project(db, shop, "customers/update", restCustomer(customer));
    summary.customers += customers.length;
    await progress();
  }
}

async function backfillOrders(
  db: Db,
  api: AdminApi,
  shop: string,
  filter: string,
  summary: BackfillSummary,
  progress: () => Promise<void>,
) {
  for await (const orders of paginate(api, OrdersBackfillQuery, "orders", { first: ORDERS_PAGE_SIZE, query: filter })) {
    for (const order of orders) {
      const payload = restOrder(order);
      const orderId = typeof payload.id === "string" ? payload.id : null;
      await project(db, shop, "orders/updated", payload);
      for (const fulfillmentOrder of nodeList(order.fulfillmentOrders)) {
        await project(db, shop, "fulfillment_orders/placed_on_hold", restFulfillmentOrder(fulfillmentOrder, orderId));
      }
      for (const fulfillment of nodeList(order.fulfillments)) {
        const fulfillmentId = typeof fulfillment.id === "string" ? fulfillment.id : null;
        for (const event of nodeList(fulfillment.events)) {
          await project(db, shop, "fulfillment_events/create", restFulfillmentEvent(event, fulfillmentId, orderId));
        }
      }
      // Returns made in Shopify's admin or by other apps before the install: the same list as later ones.
      for (const ret of nodeList(order.returns)) {
        if (typeof ret.id === "string") await refreshReturn(db, api, shop, fromGid(ret.id));
      }
    }
    summary.orders += orders.length;
    await progress();
  }
}

function nodeList(value: Json | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) && Array.isArray(value.nodes) ? value.nodes.filter(isObject) : [];
}

export async function backfillShop(
  db: Db,
  api: AdminApi,
  shop: string,
  options: BackfillOptions = {},
): Promise<BackfillSummary> {
  const summary: BackfillSummary = { orders: 0, customers: 0, products: 0, variants: 0, inventoryLevels: 0 };
  const progress = async () => void (await options.onProgress?.({ ...summary }));
  await backfillShopFacts(db, api, shop);
  await backfillCatalogue(db, api, shop, summary, progress);
  await backfillCustomers(db, api, shop, summary, progress);
  await backfillOrders(db, api, shop, ordersSinceFilter(options.days ?? BACKFILL_DAYS, options.now), summary, progress);
  return summary;
}
