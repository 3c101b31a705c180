import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useListParams } from "../components/use-list-params.ts";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, BlockStack, Card, IndexTable, Page, Text, TextField, type BadgeProps } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { formatDate, humanize } from "../components/format.ts";
import { formatMoney } from "../money/decimal.ts";
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

  const rows = orders.map((order, index) => (
    <IndexTable.Row id={order.id} key={order.id} position={index}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          {order.name}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDate(order.createdAt, timezone)}</IndexTable.Cell>
      <IndexTable.Cell>{order.customer ?? order.email ?? "Guest"}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {formatMoney(order.totalPrice, order.currency)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {order.cancelled ? (
          <Badge>Cancelled</Badge>
        ) : order.financialStatus ? (
          <Badge tone={FINANCIAL_TONE[order.financialStatus]}>{humanize(order.financialStatus)}</Badge>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {order.fulfillmentStatus ? (
          <Badge tone={order.fulfillmentStatus === "FULFILLED" ? undefined : "attention"}>
            {humanize(order.fulfillmentStatus)}
          </Badge>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {order.shipmentStatus ? (
          <Badge tone={SHIPMENT_TONE[order.shipmentStatus]}>{humanize(order.shipmentStatus)}</Badge>
        ) : (
          <Text as="span" tone="subdued">
            —
          </Text>
        )}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page title="Orders" subtitle={`${total.toLocaleString("en")} orders`}>
      <BlockStack gap="300">
        <Form method="get">
          <TextField
            label="Search orders"
            labelHidden
            name="q"
            value={query}
            onChange={setQuery}
            placeholder="Search by order number or email"
            autoComplete="off"
            clearButton
            onClearButtonClick={() => setQuery("")}
          />
        </Form>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "order", plural: "orders" }}
            itemCount={orders.length}
            selectable={false}
            loading={navigation.state === "loading"}
            emptyState={
              <EmptyCard
                heading={search ? "No orders match your search" : syncing ? "Reading your orders…" : "No orders yet"}
              >
                <p>
                  {search
                    ? "Try another order number or email address."
                    : "Orders appear here as Shopify sends them; on install Kizuna also reads the last 60 days."}
                </p>
              </EmptyCard>
            }
            headings={[
              { title: "Order" },
              { title: "Date" },
              { title: "Customer" },
              { title: "Total", alignment: "end" },
              { title: "Payment" },
              { title: "Fulfillment" },
              { title: "Delivery" },
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
