// /app — Home, in the seller's words: what Kizuna did for their customers
// (notices sent today and this week, delays told before anyone asked,
// back-in-stock sales) and what needs them now, each with a link. Pipeline
// internals are on the Activity page.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { humanize, useFormat } from "../components/format.ts";
import { EmptyCard } from "../components/EmptyCard.tsx";
import { db } from "../db.server.ts";
import { authenticate } from "../shopify.server.ts";
import { careSummary } from "../shops/care-summary.server.ts";
import { safeTimeZone } from "../notices/shop-time.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const database = db();
  const shop = await getShopProfile(database, session.shop);
  const summary = await careSummary(database, session.shop, new Date(), safeTimeZone(shop.timezone));
  return { summary, shop: shop.name ?? session.shop, timezone: shop.timezone, currency: shop.currency ?? "JPY" };
}

function Figure({ label, value, help }: { label: string; value: string; help: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      </BlockStack>
    </Card>
  );
}

/** One thing that needs the seller: a sentence and the page that settles it. */
function Need({ text, action, url }: { text: string; action: string; url: string }) {
  return (
    <InlineStack align="space-between" blockAlign="center" gap="200">
      <Text as="p">{text}</Text>
      <Button url={url}>{action}</Button>
    </InlineStack>
  );
}

export default function Home() {
  const { summary, shop, timezone, currency } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const count = format.number;
  const sentToday = summary.sent.reduce((n, row) => n + row.today, 0);
  const sentWeek = summary.sent.reduce((n, row) => n + row.week, 0);
  const { needs } = summary;
  const nothingNeeded = needs.delaysNotTold === 0 && needs.failedNotices === 0 && needs.restocksWaiting === 0;

  return (
    <Page title="Kizuna" subtitle={shop}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.needs.heading")}
              </Text>
              {nothingNeeded ? (
                <Text as="p" tone="subdued">
                  {t("home.needs.none")}
                </Text>
              ) : (
                <BlockStack gap="200">
                  {needs.delaysNotTold > 0 ? (
                    <Need
                      text={t("home.needs.delays", { count: needs.delaysNotTold, n: count(needs.delaysNotTold) })}
                      action={t("home.needs.delaysAction")}
                      url="/app/delays"
                    />
                  ) : null}
                  {needs.failedNotices > 0 ? (
                    <Need
                      text={t("home.needs.failed", { count: needs.failedNotices, n: count(needs.failedNotices) })}
                      action={t("home.needs.failedAction")}
                      url="/app/notices?status=dead"
                    />
                  ) : null}
                  {needs.restocksWaiting > 0 ? (
                    <Need
                      text={t("home.needs.restocks", { count: needs.restocksWaiting, n: count(needs.restocksWaiting) })}
                      action={t("home.needs.restocksAction")}
                      url="/app/restock"
                    />
                  ) : null}
                </BlockStack>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t("home.care.heading")}
            </Text>
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
              <Figure
                label={t("home.care.sent")}
                value={count(sentWeek)}
                help={t("home.care.sentHelp", { today: count(sentToday) })}
              />
              <Figure
                label={t("home.care.delaysTold")}
                value={count(summary.delaysTold)}
                help={t("home.care.delaysToldHelp")}
              />
              <Figure
                label={t("home.care.restockSales")}
                value={format.money(summary.restockSales.revenue, currency)}
                help={t("home.care.restockSalesHelp", {
                  count: summary.restockSales.orders,
                  n: count(summary.restockSales.orders),
                })}
              />
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card padding={summary.sent.length ? "0" : undefined}>
            {summary.sent.length === 0 ? (
              <EmptyCard heading={t("home.care.noneHeading")}>
                <p>{t("home.care.noneBody")}</p>
              </EmptyCard>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={[t("home.care.kind"), t("home.care.today"), t("home.care.week")]}
                rows={summary.sent.map((row) => [
                  t(`notices.kinds.${row.kind}`, { defaultValue: humanize(row.kind) }),
                  count(row.today),
                  count(row.week),
                ])}
              />
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
