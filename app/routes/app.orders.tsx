import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useListParams } from "../components/use-list-params.ts";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, BlockStack, Card, IndexTable, Link, Page, Text, TextField, type BadgeProps } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import { humanize, useFormat } from "../components/format.ts";
import { db } from "../db.server.ts";
import { listOrders } from "../orders/list-orders.server.ts";
import { authenticate } from "../shopify.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { EmptyCard } from "../components/EmptyCard.tsx";

const Query = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  q: z.string().max(100).catch(""),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { page, q } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const database = db();
  const [orders, shop] = await Promise.all([
    listOrders(database, session.shop, { page, search: q }),
    getShopProfile(database, session.shop),
  ]);
  return { ...orders, search: q, timezone: shop.timezone, syncing: shop.syncStatus === "running" };
}

const FINANCIAL_TONE: Record<string, BadgeProps["tone"]> = {
  PAID: "success",
  PARTIALLY_REFUNDED: "warning",
  REFUNDED: "info",
  PENDING: "attention",
  VOIDED: undefined,
};

const SHIPMENT_TONE: Record<string, BadgeProps["tone"]> = {
  DELIVERED: "success",
  IN_TRANSIT: "info",
  OUT_FOR_DELIVERY: "info",
  DELAYED: "warning",
  ATTEMPTED_DELIVERY: "warning",
  FAILURE: "critical",
};

export default function Orders() {
  const { orders, page, hasNext, total, search, timezone, syncing } = useLoaderData<typeof loader>();
  const { pagination } = useListParams();
  const navigation = useNavigation();
  const [query, setQuery] = useState(search);
  const submit = useSubmit();
  const form = useRef<HTMLFormElement>(null);
  // Search as you type: the list follows the box a moment after the seller stops typing.
  useEffect(() => {
    if (query.trim() === search.trim()) return;
    const timer = setTimeout(() => {
      if (form.current) submit(form.current, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [query, search, submit]);
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const status = (group: string, value: string) => t(`orders.${group}.${value}`, { defaultValue: humanize(value) });

  const rows = orders.map((order, index) => (
    <IndexTable.Row id={order.id} key={order.id} position={index}>
      <IndexTable.Cell>
        {/* The row's primary link: clicking anywhere on the row opens the order. */}
        <Link dataPrimaryLink url={`/app/orders/${encodeURIComponent(order.id)}`} removeUnderline monochrome>
          <Text as="span" variant="bodyMd" fontWeight="semibold">
            {order.name}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>{format.date(order.createdAt)}</IndexTable.Cell>
      <IndexTable.Cell>{order.customer ?? order.email ?? t("common.guest")}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {format.money(order.totalPrice, order.currency)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {order.cancelled ? (
          <Badge>{t("orders.cancelled")}</Badge>
        ) : order.financialStatus ? (
          <Badge tone={FINANCIAL_TONE[order.financialStatus]}>{status("financial", order.financialStatus)}</Badge>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {order.fulfillmentStatus ? (
          <Badge tone={order.fulfillmentStatus === "FULFILLED" ? undefined : "attention"}>
            {status("fulfillment", order.fulfillmentStatus)}
          </Badge>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {order.shipmentStatus ? (
          <Badge tone={SHIPMENT_TONE[order.shipmentStatus]}>{status("shipment", order.shipmentStatus)}</Badge>
        ) : (
          <Text as="span" tone="subdued">
            —
          </Text>
        )}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page title={t("orders.title")} subtitle={t("orders.subtitle", { count: total, total: format.number(total) })}>
      <BlockStack gap="300">
        <Form method="get" ref={form}>
          {/* A GET form replaces the query: the admin's language goes along. */}
          <input type="hidden" name="locale" value={format.locale} />
          <TextField
            label={t("orders.search.label")}
            labelHidden
            name="q"
            value={query}
            onChange={setQuery}
            placeholder={t("orders.search.placeholder")}
            autoComplete="off"
            clearButton
            onClearButtonClick={() => setQuery("")}
          />
        </Form>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: t("orders.resource.singular"), plural: t("orders.resource.plural") }}
            itemCount={orders.length}
            selectable={false}
            loading={navigation.state === "loading"}
            emptyState={
              <EmptyCard
                heading={
                  search ? t("orders.empty.noMatch") : syncing ? t("orders.empty.syncing") : t("orders.empty.none")
                }
              >
                <p>{search ? t("orders.empty.noMatchHelp") : t("orders.empty.noneHelp")}</p>
              </EmptyCard>
            }
            headings={[
              { title: t("orders.columns.order") },
              { title: t("orders.columns.date") },
              { title: t("orders.columns.customer") },
              { title: t("orders.columns.total"), alignment: "end" },
              { title: t("orders.columns.payment") },
              { title: t("orders.columns.fulfillment") },
              { title: t("orders.columns.delivery") },
            ]}
            pagination={pagination(page, hasNext)}
          >
            {rows}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
