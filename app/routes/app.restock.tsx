// /app/restock — back-in-stock demand: the most-wanted sold-out variants
// (waiting, alerts sent, purchases within 7 days, revenue attributed) and the
// restock episodes, newest first.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, BlockStack, Card, IndexTable, InlineGrid, Layout, Page, Text, type BadgeProps } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { humanize, useFormat } from "../components/format.ts";
import { db } from "../db.server.ts";
import { restockReport } from "../restock/restock-report.server.ts";
import { authenticate } from "../shopify.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { EmptyCard } from "../components/EmptyCard.tsx";
import { NumericCell } from "../components/NumericCell.tsx";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const database = db();
  const [report, shop] = await Promise.all([
    restockReport(database, session.shop),
    getShopProfile(database, session.shop),
  ]);
  return { ...report, timezone: shop.timezone, currency: shop.currency ?? "JPY" };
}

const EPISODE_TONE: Record<string, BadgeProps["tone"]> = {
  running: "info",
  done: "success",
  sold_out: "warning",
};

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Restock() {
  const { variants, episodes, totals, timezone, currency } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const count = format.number;

  if (variants.length === 0 && episodes.length === 0) {
    return (
      <Page title={t("restock.title")}>
        <Card>
          <EmptyCard heading={t("restock.empty.heading")}>
            <p>{t("restock.empty.body")}</p>
          </EmptyCard>
        </Card>
      </Page>
    );
  }

  const variantRows = variants.map((variant, index) => (
    <IndexTable.Row id={variant.variantId} key={variant.variantId} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" variant="bodyMd" fontWeight="semibold">
            {variant.productTitle}
          </Text>
          {variant.variantTitle ? (
            <Text as="span" tone="subdued">
              {variant.variantTitle}
            </Text>
          ) : null}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {variant.available === null ? (
          <Text as="span" tone="subdued">
            —
          </Text>
        ) : variant.available > 0 ? (
          <Badge tone="success">
            {t("restock.inStock", { count: variant.available, available: count(variant.available) })}
          </Badge>
        ) : (
          <Badge tone="attention">{t("restock.soldOut")}</Badge>
        )}
      </IndexTable.Cell>
      <NumericCell>{count(variant.waiting)}</NumericCell>
      <NumericCell>{count(variant.sent)}</NumericCell>
      <NumericCell>{count(variant.converted)}</NumericCell>
      <NumericCell>{format.money(variant.revenue, currency)}</NumericCell>
    </IndexTable.Row>
  ));

  const episodeRows = episodes.map((episode, index) => (
    <IndexTable.Row id={String(episode.id)} key={episode.id} position={index}>
      <IndexTable.Cell>{episode.title}</IndexTable.Cell>
      <IndexTable.Cell>
        <Badge tone={EPISODE_TONE[episode.status]}>
          {t(`restock.episodeStatus.${episode.status}`, { defaultValue: humanize(episode.status) })}
        </Badge>
      </IndexTable.Cell>
      <IndexTable.Cell>{format.date(episode.startedAt)}</IndexTable.Cell>
      <NumericCell>{count(episode.availableAtStart)}</NumericCell>
      <NumericCell>{count(episode.notified)}</NumericCell>
      <IndexTable.Cell>{episode.endedAt ? format.date(episode.endedAt) : "—"}</IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page title={t("restock.title")} subtitle={t("restock.subtitle")}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
            <Stat label={t("restock.stats.waiting")} value={count(totals.waiting)} />
            <Stat label={t("restock.stats.sent")} value={count(totals.sent)} />
            <Stat label={t("restock.stats.converted")} value={count(totals.converted)} />
            <Stat label={t("restock.stats.revenue")} value={format.money(totals.revenue, currency)} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: t("restock.variants.singular"), plural: t("restock.variants.plural") }}
              itemCount={variants.length}
              selectable={false}
              headings={[
                { title: t("restock.variants.columns.product") },
                { title: t("restock.variants.columns.stock") },
                { title: t("restock.variants.columns.waiting"), alignment: "end" },
                { title: t("restock.variants.columns.sent"), alignment: "end" },
                { title: t("restock.variants.columns.converted"), alignment: "end" },
                { title: t("restock.variants.columns.revenue"), alignment: "end" },
              ]}
            >
              {variantRows}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: t("restock.episodes.singular"), plural: t("restock.episodes.plural") }}
              itemCount={episodes.length}
              selectable={false}
              emptyState={
                <EmptyCard heading={t("restock.episodes.empty.heading")}>
                  <p>{t("restock.episodes.empty.body")}</p>
                </EmptyCard>
              }
              headings={[
                { title: t("restock.episodes.columns.restock") },
                { title: t("restock.episodes.columns.status") },
                { title: t("restock.episodes.columns.started") },
                { title: t("restock.episodes.columns.unitsBack"), alignment: "end" },
                { title: t("restock.episodes.columns.told"), alignment: "end" },
                { title: t("restock.episodes.columns.ended") },
              ]}
            >
              {episodeRows}
            </IndexTable>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
