// /app/restock — back-in-stock demand: the most-wanted sold-out variants
// (waiting, alerts sent, purchases within 7 days, revenue attributed) and the
// restock episodes, newest first. A restock that orders on hold are waiting
// for is shown first, with "tell subscribers now" for the seller.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  IndexTable,
  InlineGrid,
  Layout,
  List,
  Page,
  Text,
  type BadgeProps,
} from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { firstIssue, readAdminForm } from "../admin/form-input.server.ts";
import { rowIdField } from "../i18n/form-fields.server.ts";
import { formError, requestT } from "../i18n/i18n.server.ts";
import { queueFirstWaves } from "../jobs/reactions.server.ts";
import { reactionQueue } from "../jobs/queues.server.ts";
import { resumeWaitingEpisodes } from "../restock/held-orders.server.ts";
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

/** "Tell subscribers now": the seller goes on without waiting for the held orders. */
export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const t = await requestT(request, session.shop);
  const form = await readAdminForm(request);
  if (!form.ok) return Response.json({ ok: false, message: formError(t, form.status) }, { status: form.status });
  const parsed = z
    .object({ intent: z.literal("tell-subscribers"), episodeId: rowIdField(t, t("restock.episodes.singular")) })
    .safeParse(form.fields);
  if (!parsed.success)
    return Response.json({ ok: false, message: firstIssue(parsed.error, t("errors.notUnderstood")) }, { status: 400 });
  const resumed = await resumeWaitingEpisodes(db(), session.shop, { episodeId: parsed.data.episodeId, force: true });
  if (resumed.length === 0) return Response.json({ ok: false, message: t("restock.held.notWaiting") }, { status: 409 });
  await queueFirstWaves({ reactions: await reactionQueue() }, session.shop, resumed);
  return { ok: true, message: t("restock.held.told", { units: resumed[0]!.availableAtStart }) };
}

const EPISODE_TONE: Record<string, BadgeProps["tone"]> = {
  waiting_for_orders: "attention",
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
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
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
        {result?.message ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        {episodes
          .filter((episode) => episode.status === "waiting_for_orders")
          .map((episode) => (
            <Layout.Section key={episode.id}>
              <Banner tone="warning" title={t("restock.held.heading", { product: episode.title })}>
                <BlockStack gap="200">
                  <p>{t("restock.held.body")}</p>
                  <List>
                    {episode.heldOrders.map((order) => (
                      <List.Item key={order.orderId}>
                        {t("restock.held.order", { order: order.name, count: order.quantity })}
                      </List.Item>
                    ))}
                  </List>
                  <Form method="post">
                    <input type="hidden" name="intent" value="tell-subscribers" />
                    <input type="hidden" name="episodeId" value={episode.id} />
                    <Button submit loading={busy}>
                      {t("restock.held.tellNow")}
                    </Button>
                  </Form>
                </BlockStack>
              </Banner>
            </Layout.Section>
          ))}
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
