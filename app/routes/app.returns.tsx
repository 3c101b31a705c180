// /app/returns — every return of the shop, made in Kizuna, in Shopify's admin or by
// another app (the same records): requested first (they wait for the seller),
// waiting longest first; filter by status, search by order or customer.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, BlockStack, Card, IndexTable, Link, Page, Tabs, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { EmptyCard } from "../components/EmptyCard.tsx";
import { useFormat } from "../components/format.ts";
import { useListParams } from "../components/use-list-params.ts";
import { db } from "../db.server.ts";
import { listReturns } from "../returns/returns.server.ts";
import { RETURN_STATUSES, returnStatusTone } from "../returns/return-labels.ts";
import { authenticate } from "../shopify.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";

const Query = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  q: z.string().max(100).catch(""),
  status: z.enum(["all", ...RETURN_STATUSES]).catch("all"),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { page, q, status } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const database = db();
  const [list, shop] = await Promise.all([
    listReturns(database, session.shop, { page, query: q, status }),
    getShopProfile(database, session.shop),
  ]);
  return { ...list, page, search: q, status, timezone: shop.timezone };
}

const TABS = ["all", ...RETURN_STATUSES] as const;

export default function Returns() {
  const { rows, hasNext, counts, page, search, status, timezone } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const { pagination, setFilter } = useListParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const form = useRef<HTMLFormElement>(null);
  const [query, setQuery] = useState(search);
  useEffect(() => {
    if (query.trim() === search.trim()) return;
    const timer = setTimeout(() => form.current && submit(form.current, { replace: true }), 300);
    return () => clearTimeout(timer);
  }, [query, search, submit]);

  const tabs = TABS.map((tab) => ({
    id: tab,
    content:
      tab === "all"
        ? t("returns.status.all")
        : `${t(`returns.status.${tab}`)}${counts[tab] ? ` (${counts[tab]})` : ""}`,
  }));
  const loading = navigation.state === "loading";
  return (
    <Page title={t("returns.title")} subtitle={t("returns.subtitle")}>
      <BlockStack gap="400">
        <Card padding="0">
          <Tabs
            tabs={tabs}
            selected={Math.max(0, TABS.indexOf(status))}
            onSelect={(index) => setFilter("status", TABS[index] === "all" ? "" : (TABS[index] ?? ""))}
          />
          <div style={{ padding: "12px" }}>
            <Form method="get" ref={form}>
              {status !== "all" ? <input type="hidden" name="status" value={status} /> : null}
              <TextField
                label={t("returns.search")}
                labelHidden
                name="q"
                value={query}
                onChange={setQuery}
                placeholder={t("returns.searchPlaceholder")}
                autoComplete="off"
                clearButton
                onClearButtonClick={() => setQuery("")}
              />
            </Form>
          </div>
          {rows.length === 0 ? (
            <EmptyCard heading={search || status !== "all" ? t("returns.emptyFiltered") : t("returns.empty")}>
              {t("returns.emptyHelp")}
            </EmptyCard>
          ) : (
            <IndexTable
              resourceName={{ singular: t("returns.one"), plural: t("returns.many") }}
              itemCount={rows.length}
              selectable={false}
              loading={loading}
              headings={[
                { title: t("returns.columns.return") },
                { title: t("returns.columns.order") },
                { title: t("returns.columns.customer") },
                { title: t("returns.columns.requested") },
                { title: t("returns.columns.status") },
                { title: t("returns.columns.verdict") },
                { title: t("returns.columns.items"), alignment: "end" },
              ]}
              pagination={pagination(page, hasNext)}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <Link dataPrimaryLink url={`/app/returns/${encodeURIComponent(row.id)}`} removeUnderline monochrome>
                      <Text as="span" fontWeight="semibold">
                        {row.name ?? t("returns.unnamed")}
                      </Text>
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.orderName ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{row.customerName ?? t("common.guest")}</IndexTable.Cell>
                  <IndexTable.Cell>{row.requestedAt ? format.date(row.requestedAt) : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={returnStatusTone(row.status)}>
                      {t(`returns.status.${row.status}`, { defaultValue: row.status })}
                    </Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.decision
                      ? t(`returns.decision.${row.decision}`)
                      : row.source
                        ? "—"
                        : t("returns.madeInShopify")}
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.itemCount}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
