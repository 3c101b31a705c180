// /app/activity — for operators: the pipeline as Kizuna sees it (events received,
// processed, failed, with replay), the store sync, what the mirror holds and
// the customers' data requests. The seller's own summary is Home (/app).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatNumber, useFormat, type Formatters } from "../components/format.ts";
import { rowIdField } from "../i18n/form-fields.server.ts";
import { formError, requestT } from "../i18n/i18n.server.ts";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
  Banner,
} from "@shopify/polaris";
import { z } from "zod";
import { db } from "../db.server.ts";
import { backfillJob, syncQueue, webhookQueue } from "../jobs/queues.server.ts";
import { listDataExports } from "../compliance/export-customer-data.server.ts";
import { authenticate } from "../shopify.server.ts";
import { delayCounts } from "../delays/index.server.ts";
import { eventCounts, failedEvents, getShopProfile, mirrorCounts } from "../shops/shop-overview.server.ts";
import { firstIssue, readAdminForm } from "../admin/form-input.server.ts";
import { replayShopEvent } from "../webhooks/sweep-events.server.ts";
import { EmptyCard } from "../components/EmptyCard.tsx";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const database = db();
  const [events, mirror, failed, exports, shop, delays] = await Promise.all([
    eventCounts(database, session.shop),
    mirrorCounts(database, session.shop),
    failedEvents(database, session.shop),
    listDataExports(database, session.shop),
    getShopProfile(database, session.shop),
    delayCounts(database, session.shop),
  ]);
  return {
    shop: session.shop,
    delays: { open: delays.open, notNotified: delays.notNotified },
    sync: {
      status: shop.syncStatus,
      syncedAt: shop.syncedAt?.toISOString() ?? null,
      summary: readSummary(shop.syncSummary),
      error: shop.syncError,
      timezone: shop.timezone,
    },
    events,
    mirror,
    failed: failed.map((event) => ({ ...event, receivedAt: event.receivedAt.toISOString() })),
    exports: exports.map((item) => ({
      id: item.id,
      customerId: item.customerId,
      createdAt: item.createdAt.toISOString(),
    })),
  };
}

function readSummary(text: string | null): Record<string, number> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, number>) : {};
  } catch {
    return {};
  }
}

const homeForm = (t: TFunction) =>
  z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("replay"), eventId: rowIdField(t, t("home.eventLabel")) }),
    z.object({ intent: z.literal("sync") }),
  ]);

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const t = await requestT(request, session.shop);
  const form = await readAdminForm(request);
  if (!form.ok) return data({ ok: false, message: formError(t, form.status) }, { status: form.status });
  const parsed = homeForm(t).safeParse(form.fields);
  if (!parsed.success)
    return data({ ok: false, message: firstIssue(parsed.error, t("errors.notUnderstood")) }, { status: 400 });
  if (parsed.data.intent === "sync") {
    const job = backfillJob(session.shop);
    const queued = await syncQueue()
      .then((queue) => queue.add(job.name, job.data, job.opts))
      .then(() => true)
      .catch(() => false);
    return queued
      ? { ok: true, message: t("home.sync.started") }
      : data({ ok: false, message: t("home.sync.notStarted") }, { status: 503 });
  }
  const replayed = await replayShopEvent(db(), await webhookQueue(), session.shop, parsed.data.eventId);
  if (!replayed) return data({ ok: false, message: t("home.failed.notFound") }, { status: 404 });
  return { ok: true, message: t("home.failed.replayed") };
}

const SYNC_TONE: Record<string, "success" | "info" | "critical"> = {
  idle: "success",
  running: "info",
  failed: "critical",
};

const SUMMARY_KEYS = ["orders", "customers", "products", "variants", "inventoryLevels"];

/** {"orders":20,"customers":10} → "20 orders, 10 customers" (in the page's language) */
function describeSummary(t: TFunction, format: Formatters, summary: Record<string, number>): string {
  return Object.entries(summary)
    .filter(([key]) => SUMMARY_KEYS.includes(key))
    .map(([key, count]) => t(`home.sync.summary.${key}`, { count, n: format.number(count) }))
    .join(t("home.sync.summary.separator"));
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: "critical" | "success" }) {
  const { i18n } = useTranslation();
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" tone={tone}>
          {formatNumber(value, i18n.language)}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const { shop, events, mirror, failed, exports, sync, delays } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  // While a sync runs, refresh its progress every few seconds.
  useEffect(() => {
    if (sync.status !== "running") return;
    const timer = setInterval(() => revalidator.revalidate(), 3_000);
    return () => clearInterval(timer);
  }, [sync.status, revalidator]);
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat(sync.timezone);
  const summary = describeSummary(t, format, sync.summary);
  const waiting = events.received + events.enqueued;
  const total = waiting + events.processed + events.failed;
  return (
    <Page title={t("activity.title")} subtitle={shop}>
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t("home.events.heading")}
            </Text>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
              <Stat label={t("home.events.received")} value={total} />
              <Stat label={t("home.events.processed")} value={events.processed} tone="success" />
              <Stat label={t("home.events.waiting")} value={waiting} />
              <Stat
                label={t("home.events.failed")}
                value={events.failed}
                tone={events.failed > 0 ? "critical" : undefined}
              />
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  {t("home.delays.heading")}
                </Text>
                <Text as="p" tone={delays.open > 0 ? undefined : "subdued"}>
                  {delays.open === 0
                    ? t("home.delays.none")
                    : t("home.delays.open", {
                        open: format.number(delays.open),
                        notNotified: format.number(delays.notNotified),
                      })}
                </Text>
              </BlockStack>
              <Button url="/app/delays">{t("home.delays.review")}</Button>
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    {t("home.sync.heading")}
                  </Text>
                  <Badge
                    tone={SYNC_TONE[sync.status]}
                    progress={sync.status === "running" ? "partiallyComplete" : undefined}
                  >
                    {t(`home.sync.status.${sync.status}`, { defaultValue: sync.status })}
                  </Badge>
                </InlineStack>
                <Text as="p" tone="subdued">
                  {sync.status === "running"
                    ? t("home.sync.running", { summary: summary || t("home.sync.starting") })
                    : sync.status === "failed"
                      ? t("home.sync.failed", { error: sync.error ?? t("common.unknownError") })
                      : sync.syncedAt
                        ? t("home.sync.synced", { date: format.date(sync.syncedAt), summary })
                        : t("home.sync.never")}
                </Text>
              </BlockStack>
              <Form method="post">
                <input type="hidden" name="intent" value="sync" />
                <Button
                  submit
                  disabled={sync.status === "running"}
                  loading={navigation.formData?.get("intent") === "sync"}
                >
                  {t("home.sync.button")}
                </Button>
              </Form>
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.failed.heading")}
              </Text>
              {failed.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("home.failed.none")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "text"]}
                  headings={[t("home.failed.topic"), t("home.failed.error"), t("home.failed.tries"), ""]}
                  rows={failed.map((event) => [
                    <Badge key="t" tone="critical">
                      {event.topic}
                    </Badge>,
                    <Text key="e" as="span" breakWord>
                      {event.lastError ?? t("common.unknownError")}
                    </Text>,
                    format.number(event.attempts),
                    <Form key="r" method="post">
                      <input type="hidden" name="intent" value="replay" />
                      <input type="hidden" name="eventId" value={event.id} />
                      <Button submit loading={navigation.formData?.get("eventId") === String(event.id)}>
                        {t("home.failed.replay")}
                      </Button>
                    </Form>,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.mirror.heading")}
              </Text>
              {Object.values(mirror).every((count) => count === 0) ? (
                <EmptyCard heading={t("home.mirror.empty.heading")}>
                  <p>{t("home.mirror.empty.body")}</p>
                </EmptyCard>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["", t("home.mirror.count")]}
                  rows={Object.entries(mirror).map(([key, count]) => [
                    t(`home.mirror.rows.${key}`, { defaultValue: key }),
                    format.number(count),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.exports.heading")}
              </Text>
              {exports.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("home.exports.none")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text"]}
                  headings={[t("home.exports.customer"), t("home.exports.prepared")]}
                  rows={exports.map((item) => [item.customerId ?? t("common.unknown"), format.date(item.createdAt)])}
                />
              )}
              <Box />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
