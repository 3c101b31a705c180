// "Contact us about this order" (POST /proxy/orders/<id>/contact?t=…): the
// customer writes from their order page; the message opens (or continues) the
// order's conversation in the inbox, and the shop's replies show on the same
// page. A double submit is stored once (the form carries a submission id);
// an order takes at most MAX_PER_HOUR messages an hour.
import { MAX_ORDER_PAGE_MESSAGE, receiveOrderPageMessage } from "../inbox/channels/order-page.server.ts";
import { notFoundPage, openOrderRequest } from "./order-lookup.server.ts";
import {
  customerLocale,
  field,
  messagePage,
  orderPath,
  pagePath,
  readForm,
  seeOther,
  shopFacts,
  translator,
  type OrderPageDeps,
  type RequestInfo,
} from "./order-page-context.server.ts";

export const MAX_PER_HOUR = 10;
const SUBMISSION = /^[A-Za-z0-9_-]{8,64}$/;

export async function handleContactPost(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const opened = await openOrderRequest(request, deps, info);
  if (opened instanceof Response) return opened;
  const { req, token } = opened;
  const shop = req.shop;
  const [facts, order] = await Promise.all([
    shopFacts(deps.db, shop),
    deps.db.order.findUnique({
      where: { shop_id: { shop, id: info.orderId } },
      select: { id: true, locale: true, customerId: true },
    }),
  ]);
  if (!order || !facts.installed) return notFoundPage(req, deps);
  const customer = order.customerId
    ? await deps.db.customer.findUnique({
        where: { shop_id: { shop, id: order.customerId } },
        select: { locale: true },
      })
    : null;
  const locale = customerLocale(req, { customer: customer?.locale, order: order.locale, shop: facts.locale });
  const t = translator(locale);
  const back = { href: `${orderPath(req, info.orderId, token, locale)}#messages`, label: t("orderPage.back") };
  const read = await readForm(request, 64 * 1024);
  if (!read.ok)
    return messagePage(req, locale, facts.name, read.status, t(`orderPage.errors.form${read.status}`), back);
  const copy = read.form.get("t");
  if (copy !== null && copy !== token) return notFoundPage(req, deps);
  const text = field(read.form, "message").replace(/\r\n?/g, "\n").trim();
  if (!text) return messagePage(req, locale, facts.name, 400, t("orderPage.contact.empty"), back);
  if (text.length > MAX_ORDER_PAGE_MESSAGE)
    return messagePage(
      req,
      locale,
      facts.name,
      400,
      t("orderPage.contact.tooLong", { max: String(MAX_ORDER_PAGE_MESSAGE) }),
      back,
    );
  const submission = field(read.form, "submission");
  const recent = await deps.db.message.count({
    where: {
      shop,
      channel: "order_page",
      direction: "incoming",
      createdAt: { gt: new Date(Date.now() - 3_600_000) },
      conversationId: {
        in: (
          await deps.db.conversation.findMany({
            where: { shop, orderId: order.id, channel: "order_page" },
            select: { id: true },
          })
        ).map((conversation) => conversation.id),
      },
    },
  });
  if (recent >= MAX_PER_HOUR) return messagePage(req, locale, facts.name, 429, t("orderPage.contact.tooMany"), back);
  await receiveOrderPageMessage(deps.db, shop, {
    orderId: order.id,
    text,
    submissionId: SUBMISSION.test(submission) ? submission : null,
  });
  return seeOther(
    `${pagePath(req, `/orders/${encodeURIComponent(info.orderId)}`, { t: token, locale, notice: "message_sent" })}#messages`,
  );
}
