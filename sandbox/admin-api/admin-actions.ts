// What a seller (or another app) does in Shopify's own admin, outside Kizuna:
// the sandbox lets a test or a person do it over HTTP, and the app hears of it
// only through the webhooks Shopify would send — the same as for a return
// made in the real admin.
//
//   POST /admin/sandbox/returns   JSON (or a form) describing a return:
//     { "order": "#1012" | "<order id>" | "gid://shopify/Order/…",
//       "shop": "<myshopify domain>"            (default: the demo shop),
//       "open": false                           (true: created OPEN, as returnCreate; default: REQUESTED),
//       "lines": [{ "fulfillmentLineItemId": "…", "quantity": 1,
//                   "reason": "size-too-small", "customerNote": "…" }]
//                                               (default: everything still returnable, reason "other"),
//       "exchange": [{ "variantId": "…", "quantity": 1 }]   (only with open: true) }
//   → 201 { return: { id, name, status, orderId }, topics: [...] } and the webhooks
//     (returns/request, or returns/approve when open; then orders/updated);
//   → 400 { errors: [{ field, message, code }] } when the store refuses (nothing changes).
import type { IncomingMessage, ServerResponse } from "node:http";
import { readRequestBody, sendJson, type SandboxConfig } from "../http.ts";
import {
  createReturn,
  derive,
  gid,
  parseGid,
  requestReturn,
  StoreError,
  type Id,
  type Order,
  type ReturnLineInput,
  type SandboxStore,
  type ShopData,
} from "../store/index.ts";
import type { WebhookEmitter } from "../webhooks/emitter.ts";
import { orderPayload, returnPayload } from "../webhooks/payloads.ts";

export const ADMIN_RETURNS_PATH = "/admin/sandbox/returns";

type Body = Record<string, unknown>;

async function bodyOf(request: IncomingMessage): Promise<Body | null> {
  const raw = (await readRequestBody(request, 64 * 1024)).toString("utf8");
  if (String(request.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    const value: unknown = JSON.parse(raw || "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Body) : null;
  } catch {
    return null;
  }
}

/** The numeric id of a GID of `type` or of a bare id. */
function idOf(value: unknown, type: string): Id | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== "string") return null;
  if (/^\d+$/.test(value)) return value;
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : null;
}

function orderOf(data: ShopData, value: unknown): Order {
  const text = typeof value === "string" ? value.trim() : value;
  if (typeof text === "string" && /^#?\d{1,7}$/.test(text)) {
    const name = text.startsWith("#") ? text : `#${text}`;
    const byName = [...data.orders.values()].find((order) => order.name === name);
    if (byName) return byName;
  }
  const id = idOf(text, "Order");
  const order = id ? data.orders.get(id) : undefined;
  if (!order) throw new StoreError("Order does not exist", ["order"], "NOT_FOUND");
  return order;
}

function linesOf(data: ShopData, order: Order, body: Body): ReturnLineInput[] {
  const reasonId = (handle: unknown, field: string[]): Id | null => {
    if (handle == null || handle === "") return null;
    const definition = typeof handle === "string" ? data.returnReasonByHandle(handle) : undefined;
    const byId = definition ?? data.returnReasonDefinitions.get(idOf(handle, "ReturnReasonDefinition") ?? "");
    if (!byId) throw new StoreError(`Unknown return reason ${String(handle)}`, field, "NOT_FOUND");
    return byId.id;
  };
  if (Array.isArray(body.lines)) {
    return (body.lines as Body[]).map((line, index) => {
      const field = ["lines", String(index)];
      const fulfillmentLineItemId = idOf(line.fulfillmentLineItemId, "FulfillmentLineItem");
      if (!fulfillmentLineItemId) {
        throw new StoreError("Fulfillment line item is required", [...field, "fulfillmentLineItemId"], "BLANK");
      }
      return {
        fulfillmentLineItemId,
        quantity: Number(line.quantity ?? 1),
        returnReasonDefinitionId: reasonId(line.reason ?? "other", [...field, "reason"]),
        customerNote: typeof line.customerNote === "string" ? line.customerNote : null,
      };
    });
  }
  // Everything still returnable on the order.
  const reason = reasonId(body.reason ?? "other", ["reason"]);
  const note = typeof body.customerNote === "string" ? body.customerNote : null;
  const lines = data
    .fulfillmentsOf(order.id)
    .flatMap((fulfillment) => derive.returnableLines(data, fulfillment))
    .map((line) => ({
      fulfillmentLineItemId: line.fulfillmentLineItemId,
      quantity: line.quantity,
      returnReasonDefinitionId: reason,
      customerNote: note,
    }));
  if (lines.length === 0) throw new StoreError("Nothing on the order can be returned", ["order"], "INVALID");
  return lines;
}

export async function answerAdminReturn(
  request: IncomingMessage,
  response: ServerResponse,
  context: { store: SandboxStore; config: SandboxConfig; emit?: WebhookEmitter },
): Promise<void> {
  if (request.method !== "POST") {
    sendJson(response, 405, { errors: "Method Not Allowed" }, { Allow: "POST" });
    return;
  }
  const body = await bodyOf(request);
  if (!body) {
    sendJson(response, 400, { errors: [{ field: null, message: "The body must be a JSON object", code: "INVALID" }] });
    return;
  }
  const shop = typeof body.shop === "string" && body.shop ? body.shop : context.config.shop;
  const data = context.store.shop(shop);
  if (!data) {
    sendJson(response, 404, { errors: [{ field: ["shop"], message: `No shop ${shop}`, code: "NOT_FOUND" }] });
    return;
  }
  try {
    const order = orderOf(data, body.order ?? body.orderId);
    const open = body.open === true || body.open === "true";
    const lines = linesOf(data, order, body);
    const exchangeLines = Array.isArray(body.exchange)
      ? (body.exchange as Body[]).map((line, index) => {
          const variantId = idOf(line.variantId, "ProductVariant");
          if (!variantId) {
            throw new StoreError("Variant is required", ["exchange", String(index), "variantId"], "BLANK");
          }
          return { variantId, quantity: Number(line.quantity ?? 1) };
        })
      : [];
    const ret = open
      ? createReturn(data, { orderId: order.id, lines, exchangeLines })
      : requestReturn(data, { orderId: order.id, lines, exchangeLines });
    const topic = open ? "returns/approve" : "returns/request";
    const emit = (name: string, payload: string) =>
      context.emit?.emit({ topic: name, shop, body: payload, apiVersion: context.config.apiVersion });
    emit(topic, returnPayload(context.store, shop, ret.id, { topic }));
    emit("orders/updated", orderPayload(context.store, shop, order.id));
    sendJson(response, 201, {
      return: { id: gid("Return", ret.id), name: ret.name, status: ret.status, orderId: gid("Order", order.id) },
      topics: [topic, "orders/updated"],
    });
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    sendJson(response, 400, { errors: [{ field: error.field, message: error.message, code: error.code }] });
  }
}
