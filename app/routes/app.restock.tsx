// /app/restock — back-in-stock demand: the most-wanted sold-out variants
// (waiting, alerts sent, purchases within 7 days, revenue attributed) and the
// restock episodes, newest first.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Badge, BlockStack, Card, IndexTable, InlineGrid, Layout, Page, Text, type BadgeProps } from "@shopify/polaris";
import { formatDate, humanize } from "../components/format.ts";
import { formatMoney } from "../money/decimal.ts";
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
  const count = (n: number) => n.toLocaleString("en");

  if (variants.length === 0 && episodes.length === 0) {
    return (
      <Page title="Back in stock">
        <Card>
          <EmptyCard heading="No one is waiting for a sold-out item yet">
            <p>
              Add the “Notify me when available” block to your product page in the theme editor. Shoppers who sign up on
              a sold-out variant appear here, and Kizuna emails them in waves when it is back in stock.
            </p>
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
          <Badge tone="success">{`${count(variant.available)} in stock`}</Badge>
        ) : (
          <Badge tone="attention">Sold out</Badge>
        )}
      </IndexTable.Cell>
      <NumericCell>{count(variant.waiting)}</NumericCell>
      <NumericCell>{count(variant.sent)}</NumericCell>
      <NumericCell>{count(variant.converted)}</NumericCell>
      <NumericCell>{formatMoney(variant.revenue, currency)}</NumericCell>
    </IndexTable.Row>
  ));

  const episodeRows = episodes.map((episode, index) => (
    <IndexTable.Row id={String(episode.id)} key={episode.id} position={index}>
      <IndexTable.Cell>{episode.title}</IndexTable.Cell>
      <IndexTable.Cell>
        <Badge tone={EPISODE_TONE[episode.status]}>{humanize(episode.status)}</Badge>
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDate(episode.startedAt, timezone)}</IndexTable.Cell>
      <NumericCell>{count(episode.availableAtStart)}</NumericCell>
      <NumericCell>{count(episode.notified)}</NumericCell>
      <IndexTable.Cell>{episode.endedAt ? formatDate(episode.endedAt, timezone) : "—"}</IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page
      title="Back in stock"
      subtitle="Shoppers are told oldest first, in waves sized to the stock; purchases within 7 days count as converted."
    >
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
            <Stat label="Waiting" value={count(totals.waiting)} />
            <Stat label="Alerts sent" value={count(totals.sent)} />
            <Stat label="Converted" value={count(totals.converted)} />
            <Stat label="Revenue attributed" value={formatMoney(totals.revenue, currency)} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "variant", plural: "variants" }}
              itemCount={variants.length}
              selectable={false}
              headings={[
                { title: "Most wanted" },
                { title: "Stock" },
                { title: "Waiting", alignment: "end" },
                { title: "Sent", alignment: "end" },
                { title: "Converted", alignment: "end" },
                { title: "Revenue", alignment: "end" },
              ]}
            >
              {variantRows}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "episode", plural: "episodes" }}
              itemCount={episodes.length}
              selectable={false}
              emptyState={
                <EmptyCard heading="No restock yet">
                  <p>When a wanted variant comes back in stock, its alert waves show here.</p>
                </EmptyCard>
              }
              headings={[
                { title: "Restock" },
                { title: "Status" },
                { title: "Started" },
                { title: "Units back", alignment: "end" },
                { title: "Told", alignment: "end" },
                { title: "Ended" },
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
