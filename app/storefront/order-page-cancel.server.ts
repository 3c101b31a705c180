// Cancelling an order that has not shipped (GET/POST /proxy/orders/<id>/cancel?t=…),
// when the shop's return policy allows it: a confirm step, then Shopify's
// orderCancel through the money-action state machine (refund to the original
// payment, restock), once however often it is sent. orderCancel is
// asynchronous: the order page shows "cancellation requested" until the
// mirror has the order's cancelledAt.
import { getReturnPolicy } from "../returns/return-policy.server.ts";
import { notFoundPage } from "./order-lookup.server.ts";
import {
  customerLocale,
  field,
  htmlPage,
  messagePage,
  orderPath,
  pagePath,
  proxyRequest,
  readForm,
  seeOther,
  shopFacts,
  tokenOpens,
  translator,
  type OrderPageDeps,
  type RequestInfo,
} from "./order-page-context.server.ts";
import { h } from "./order-page-html.ts";
import { formatMoney } from "../money/decimal.ts";

async function openForCancel(request: Request, deps: OrderPageDeps, info: RequestInfo & { orderId: string }) {
  const req = proxyRequest(request, deps, info);
  if (req instanceof Response) return req;
  const token = tokenOpens(req, info.orderId, deps);
  if (!token) return notFoundPage(req, deps);
  const shop = req.shop;
  const [facts, order, parcels, policy, action] = await Promise.all([
    shopFacts(deps.db, shop),
    deps.db.order.findUnique({ where: { shop_id: { shop, id: info.orderId } } }),
    deps.db.fulfillment.count({ where: { shop, orderId: info.orderId, NOT: { status: "cancelled" } } }),
    getReturnPolicy(deps.db, shop),
    deps.db.moneyAction.findFirst({ where: { shop, orderId: info.orderId, kind: "order_cancel" } }),
  ]);
  if (!order || !facts.installed) return notFoundPage(req, deps);
  const customer = order.customerId
    ? await deps.db.customer.findUnique({
        where: { shop_id: { shop, id: order.customerId } },
        select: { locale: true },
      })
    : null;
  const locale = customerLocale(req, { customer: customer?.locale, order: order.locale, shop: facts.locale });
  const fulfilled = ["fulfilled", "partial", "partially_fulfilled"].includes(
    (order.fulfillmentStatus ?? "").toLowerCase(),
  );
  const requested = action !== null && action.state !== "failed";
  return {
    req,
    token,
    locale,
    shopName: facts.name,
    order,
    allowed: policy.allowCancel && !order.cancelledAt && parcels === 0 && !fulfilled,
    requested,
  };
}

export async function handleCancelForm(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const open = await openForCancel(request, deps, info);
  if (open instanceof Response) return open;
  const { req, token, locale, order } = open;
  const toOrder = orderPath(req, info.orderId, token, locale);
  if (!open.allowed || open.requested) return seeOther(toOrder);
  const t = translator(locale);
  const action = pagePath(req, `/orders/${encodeURIComponent(info.orderId)}/cancel`, { t: token, locale });
  const total = formatMoney(order.totalPrice, order.currency, locale === "ja" ? "ja-JP" : "en");
  return htmlPage({
    req,
    locale,
    shopName: open.shopName,
    title: t("orderPage.cancel.title", { name: order.name }),
    body: `<h1>${h(t("orderPage.cancel.title", { name: order.name }))}</h1>
<div class="card"><p>${h(t("orderPage.cancel.confirm", { amount: total }))}</p>
<form method="post" action="${h(action)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit">${h(t("orderPage.cancel.submit"))}</button>
</form>
<a class="button secondary" href="${h(toOrder)}">${h(t("orderPage.cancel.keep"))}</a></div>`,
  });
}

export async function handleCancelPost(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const open = await openForCancel(request, deps, info);
  if (open instanceof Response) return open;
  const { req, token, locale } = open;
  const t = translator(locale);
  const back = { href: orderPath(req, info.orderId, token, locale), label: t("orderPage.back") };
  const read = await readForm(request, 16 * 1024);
  if (!read.ok)
    return messagePage(req, locale, open.shopName, read.status, t(`orderPage.errors.form${read.status}`), back);
  const copy = read.form.get("t");
  if (copy !== null && copy !== token) return notFoundPage(req, deps);
  if (field(read.form, "confirm") !== "yes")
    return messagePage(req, locale, open.shopName, 400, t("orderPage.cancel.notConfirmed"), back);
  const notice = pagePath(req, `/orders/${encodeURIComponent(info.orderId)}`, {
    t: token,
    locale,
    notice: "cancel_requested",
  });
  if (open.requested) return seeOther(notice);
  if (!open.allowed) return messagePage(req, locale, open.shopName, 409, t("orderPage.cancel.notAllowed"), back);
  const api = await deps.adminApi(req.shop);
  if (!api) return messagePage(req, locale, open.shopName, 503, t("orderPage.errors.unavailable"), back);
  const { cancelOrder } = await import("../returns/return-actions.server.ts");
  try {
    const outcome = await cancelOrder(
      deps.db,
      api,
      req.shop,
      info.orderId,
      {
        refund: true,
        restock: true,
        reason: "CUSTOMER",
        staffNote: "Cancelled by the customer on the order page",
      },
      { id: "customer" },
    );
    if (outcome.status === "failed")
      return messagePage(req, locale, open.shopName, 409, t("orderPage.cancel.failed"), back);
    return seeOther(notice);
  } catch (error) {
    console.error("order page: cancel failed", error instanceof Error ? error.message : error);
    return messagePage(req, locale, open.shopName, 502, t("orderPage.cancel.failed"), back);
  }
}
