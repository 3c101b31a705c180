// /app/orders/<id> — one order: the customer, what was bought, and one
// timeline (ordered, shipped, carrier scans, delay cases, every notice sent),
// with a link to the order in Shopify's admin. Another shop's id is a 404.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, BlockStack, Card, InlineStack, Layout, Link, Page, Text, type BadgeProps } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { humanize, useFormat } from "../components/format.ts";
import { db } from "../db.server.ts";
import { getOrderDetail, type TimelineEntry } from "../orders/order-detail.server.ts";
import { authenticate } from "../shopify.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { OrderMoneyCard } from "../components/OrderMoneyCard.tsx";
import { ActionResult } from "../components/MoneyActions.tsx";
import { answerAdminForm, handleOrderMoneyAction } from "../returns/admin-actions.server.ts";
import { moneyActionsOfOrder } from "../returns/money-actions.server.ts";
import { cancelSubject, moneyActionsDone, refundSubject } from "../returns/return-actions.server.ts";
import { suggestOrderRefund } from "../returns/shopify-returns.server.ts";
import { adminApiForShop } from "../shopify/admin-for-shop.server.ts";

/** What Shopify says can be refunded now (the refund form opened), or null when it cannot be asked. */
async function refundable(shop: string, orderId: string) {
  const api = await adminApiForShop(shop);
  if (!api) return null;
  try {
    const suggestion = await suggestOrderRefund(api, orderId);
    return { maximum: suggestion.maximum, currency: suggestion.currency };
  } catch {
    return null;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  // An id is digits (Shopify) or a short token: anything else cannot be an order of this shop.
  if (!/^(etsy:\d{1,20}|[A-Za-z0-9_-]{1,64})$/.test(id)) throw new Response("Not found", { status: 404 });
  const database = db();
  const [order, shop] = await Promise.all([
    getOrderDetail(database, session.shop, id),
    getShopProfile(database, session.shop),
  ]);
  if (!order) throw new Response("Not found", { status: 404 });
  // An Etsy order's money is never asked of Shopify.
  const wantsRefund = new URL(request.url).searchParams.get("refund") === "1" && order.source !== "etsy";
  const [money, refundsSeen, returns, fulfillments, cancel] = await Promise.all([
    moneyActionsOfOrder(database, session.shop, id),
    moneyActionsDone(database, session.shop, refundSubject(id)),
    database.return.findMany({
      where: { shop: session.shop, orderId: id },
      select: { id: true, name: true, status: true },
    }),
    database.fulfillment.count({ where: { shop: session.shop, orderId: id } }),
    database.moneyAction.findUnique({
      where: { shop_subjectKey: { shop: session.shop, subjectKey: cancelSubject(id) } },
    }),
  ]);
  const cancelled = order.timeline.some((entry) => entry.kind === "cancelled");
  return {
    order,
    timezone: shop.timezone,
    moneyCard: {
      orderId: id,
      currency: order.currency,
      refundable: wantsRefund ? await refundable(session.shop, id) : null,
      refundsSeen,
      canCancel: !cancelled && fulfillments === 0 && !cancel,
      cancelling: !cancelled && cancel?.state === "succeeded",
      money,
      returns,
    },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { session, sessionToken } = await authenticate.admin(request);
  const id = params.id ?? "";
  const database = db();
  const known = /^\d{1,24}$/.test(id)
    ? await database.order.findUnique({ where: { shop_id: { shop: session.shop, id } }, select: { id: true } })
    : null;
  if (!known) throw new Response("Not found", { status: 404 });
  const answer = await answerAdminForm(
    request,
    { shop: session.shop, staffUserId: sessionToken?.sub ?? null },
    (fields, context) => handleOrderMoneyAction(database, context.api, session.shop, id, fields, context),
  );
  return data(answer, { status: answer.status });
}

const NOTICE_TONE: Record<string, BadgeProps["tone"]> = {
  sent: "success",
  failed: "critical",
  dead: "critical",
  suppressed: undefined,
  queued: "info",
  deferred: "info",
  sending: "info",
};

export default function OrderDetailPage() {
  const { order, timezone, moneyCard } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const label = (group: string, value: string) => t(group + "." + value, { defaultValue: humanize(value) });

  const describe = (entry: TimelineEntry) => {
    switch (entry.kind) {
      case "ordered":
        return <Text as="span">{t("orders.detail.timeline.ordered")}</Text>;
      case "cancelled":
        return <Text as="span">{t("orders.detail.timeline.cancelled")}</Text>;
      case "shipped":
        return (
          <BlockStack gap="050">
            <Text as="span">
              {entry.carrier
                ? t("orders.detail.timeline.shippedWith", { carrier: entry.carrier })
                : t("orders.detail.timeline.shipped")}
            </Text>
            {entry.trackingUrl ? (
              <Link url={entry.trackingUrl} target="_blank">
                {entry.trackingNumber ?? t("orders.detail.timeline.track")}
              </Link>
            ) : entry.trackingNumber ? (
              <Text as="span" tone="subdued">
                {entry.trackingNumber}
              </Text>
            ) : null}
          </BlockStack>
        );
      case "scan":
        return (
          <BlockStack gap="050">
            <Text as="span">{label("orders.shipment", entry.status)}</Text>
            {entry.message || entry.place ? (
              <Text as="span" tone="subdued">
                {[entry.message, entry.place].filter(Boolean).join(" · ")}
              </Text>
            ) : null}
          </BlockStack>
        );
      case "delay_opened":
        return (
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">{t("orders.detail.timeline.delayOpened")}</Text>
            <Badge tone="warning">{label("delays.rules", entry.rule)}</Badge>
          </InlineStack>
        );
      case "delay_resolved":
        return (
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">{t("orders.detail.timeline.delayResolved")}</Text>
            <Badge>{label("delays.rules", entry.rule)}</Badge>
          </InlineStack>
        );
      case "notice":
        return (
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">
              {t("orders.detail.timeline.notice", {
                kind: label("notices.kinds", entry.noticeKind),
                channel: label("notices.channels", entry.channel),
              })}
            </Text>
            <Badge tone={NOTICE_TONE[entry.status]}>{label("notices.statuses", entry.status)}</Badge>
          </InlineStack>
        );
    }
  };

  return (
    <Page
      title={order.name}
      subtitle={format.date(order.createdAt)}
      backAction={{ content: t("orders.title"), url: "/app/orders" }}
      secondaryActions={
        order.etsyUrl
          ? [{ content: t("standalone.orders.openOnEtsy"), url: order.etsyUrl, target: "_blank", external: true }]
          : [{ content: t("orders.detail.openInShopify"), url: `shopify://admin/orders/${order.id}`, target: "_top" }]
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("orders.detail.items")}
                </Text>
                {order.items.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("orders.detail.noItems")}
                  </Text>
                ) : (
                  order.items.map((item, index) => (
                    <InlineStack key={index} align="space-between" gap="200" wrap={false}>
                      <Text as="span">
                        {item.variantTitle && item.variantTitle !== "Default Title"
                          ? `${item.title} (${item.variantTitle})`
                          : item.title}{" "}
                        × {format.number(item.quantity)}
                      </Text>
                      <Text as="span" numeric>
                        {format.money(item.price, order.currency)}
                      </Text>
                    </InlineStack>
                  ))
                )}
                <InlineStack align="space-between">
                  <Text as="span" fontWeight="semibold">
                    {t("orders.columns.total")}
                  </Text>
                  <Text as="span" fontWeight="semibold" numeric>
                    {format.money(order.totalPrice, order.currency)}
                  </Text>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("orders.detail.timeline.heading")}
                </Text>
                {order.timeline.map((entry, index) => (
                  <InlineStack key={index} gap="400" wrap={false} blockAlign="start">
                    <div style={{ minWidth: "9rem" }}>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {format.date(entry.at)}
                      </Text>
                    </div>
                    {describe(entry)}
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ActionResult answer={answer} />
            {order.source === "etsy" ? (
              // Refunds, cancellations and returns of an Etsy order are made on Etsy, never through Shopify.
              <div data-etsy-money>
                <Card>
                  <BlockStack gap="200">
                    <Text as="p">{t("standalone.orders.etsyMoney")}</Text>
                    {order.etsyUrl ? (
                      <Link url={order.etsyUrl} target="_blank">
                        {t("standalone.orders.openOnEtsy")}
                      </Link>
                    ) : null}
                  </BlockStack>
                </Card>
              </div>
            ) : (
              <OrderMoneyCard {...moneyCard} timezone={timezone} />
            )}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("orders.columns.customer")}
                </Text>
                <Text as="p">{order.customer ?? t("common.guest")}</Text>
                {order.email ? <Text as="p">{order.email}</Text> : null}
                {order.phone ? <Text as="p">{order.phone}</Text> : null}
                {order.statusUrl ? (
                  <Link url={order.statusUrl} target="_blank">
                    {t("orders.detail.statusPage")}
                  </Link>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("orders.detail.status")}
                </Text>
                <InlineStack gap="200">
                  {order.financialStatus ? <Badge>{label("orders.financial", order.financialStatus)}</Badge> : null}
                  {order.fulfillmentStatus ? (
                    <Badge>{label("orders.fulfillment", order.fulfillmentStatus)}</Badge>
                  ) : null}
                </InlineStack>
                {order.openDelays > 0 ? (
                  <Link url={`/app/delays`}>{t("orders.detail.openDelays", { count: order.openDelays })}</Link>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
