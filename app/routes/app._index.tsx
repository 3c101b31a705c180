import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { formatDate } from "../components/format.ts";
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
import { firstIssue, readAdminForm, rowId } from "../admin/form-input.server.ts";
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

const HomeForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("replay"), eventId: rowId("Event") }),
  z.object({ intent: z.literal("sync") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await readAdminForm(request);
  if (!form.ok) return data({ ok: false, message: form.message }, { status: form.status });
  const parsed = HomeForm.safeParse(form.fields);
  if (!parsed.success) return data({ ok: false, message: firstIssue(parsed.error) }, { status: 400 });
  if (parsed.data.intent === "sync") {
    const job = backfillJob(session.shop);
    const queued = await syncQueue()
      .then((queue) => queue.add(job.name, job.data, job.opts))
      .then(() => true)
      .catch(() => false);
    return queued
      ? { ok: true, message: "Kizuna is reading your store again. This page shows the progress." }
      : data(
          { ok: false, message: "The sync could not start right now. Please try again in a minute." },
          { status: 503 },
        );
  }
  const replayed = await replayShopEvent(db(), await webhookQueue(), session.shop, parsed.data.eventId);
  if (!replayed) return data({ ok: false, message: "That event does not exist." }, { status: 404 });
  return { ok: true, message: "The event is queued again." };
}

const MIRROR_LABELS: Record<string, string> = {
  customers: "Customers",
  orders: "Orders",
  lineItems: "Line items",
  fulfillmentOrders: "Fulfillment orders",
  fulfillments: "Fulfillments",
  fulfillmentEvents: "Carrier events",
  products: "Products",
  variants: "Variants",
  inventoryLevels: "Inventory levels",
  returns: "Returns",
  refunds: "Refunds",
  dataExports: "Customer data exports",
};

const SYNC_LABEL: Record<string, string> = { idle: "Up to date", running: "Syncing", failed: "Needs attention" };
const SYNC_TONE: Record<string, "success" | "info" | "critical"> = {
  idle: "success",
  running: "info",
  failed: "critical",
};

/** {"orders":20,"customers":10} → "20 orders, 10 customers" */
function describeSummary(summary: Record<string, number>): string {
  const words: Record<string, string> = {
    orders: "orders",
    customers: "customers",
    products: "products",
    variants: "variants",
    inventoryLevels: "stock levels",
  };
  return Object.entries(summary)
    .filter(([key]) => key in words)
    .map(([key, count]) => `${count.toLocaleString("en")} ${words[key]}`)
    .join(", ");
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: "critical" | "success" }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" tone={tone}>
          {value.toLocaleString("en")}
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
  const waiting = events.received + events.enqueued;
  const total = waiting + events.processed + events.failed;
  return (
    <Page title="Kizuna" subtitle={shop}>
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Store events
            </Text>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
              <Stat label="Received" value={total} />
              <Stat label="Processed" value={events.processed} tone="success" />
              <Stat label="Waiting" value={waiting} />
              <Stat label="Failed" value={events.failed} tone={events.failed > 0 ? "critical" : undefined} />
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Delayed orders
                </Text>
                <Text as="p" tone={delays.open > 0 ? undefined : "subdued"}>
                  {delays.open === 0
                    ? "No order is late or likely late right now."
                    : `${delays.open.toLocaleString("en")} open, ${delays.notNotified.toLocaleString("en")} of them not told yet.`}
                </Text>
              </BlockStack>
              <Button url="/app/delays">Review delays</Button>
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Store sync
                  </Text>
                  <Badge
                    tone={SYNC_TONE[sync.status]}
                    progress={sync.status === "running" ? "partiallyComplete" : undefined}
                  >
                    {SYNC_LABEL[sync.status] ?? sync.status}
                  </Badge>
                </InlineStack>
                <Text as="p" tone="subdued">
                  {sync.status === "running"
                    ? `Reading your store: ${describeSummary(sync.summary) || "starting"}…`
                    : sync.status === "failed"
                      ? `The last sync stopped: ${sync.error ?? "unknown error"}. Kizuna tries again daily, or sync now.`
                      : sync.syncedAt
                        ? `Last synced ${formatDate(sync.syncedAt, sync.timezone)}: ${describeSummary(sync.summary)}. Kizuna checks again every day.`
                        : "Kizuna reads your orders of the last 60 days, products, stock and customers when it is installed."}
                </Text>
              </BlockStack>
              <Form method="post">
                <input type="hidden" name="intent" value="sync" />
                <Button
                  submit
                  disabled={sync.status === "running"}
                  loading={navigation.formData?.get("intent") === "sync"}
                >
                  Sync now
                </Button>
              </Form>
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Failed events
              </Text>
              {failed.length === 0 ? (
                <Text as="p" tone="subdued">
                  No failed events. Every event Shopify sent has been processed or is on its way.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "text"]}
                  headings={["Topic", "Error", "Tries", ""]}
                  rows={failed.map((event) => [
                    <Badge key="t" tone="critical">
                      {event.topic}
                    </Badge>,
                    <Text key="e" as="span" breakWord>
                      {event.lastError ?? "unknown error"}
                    </Text>,
                    event.attempts,
                    <Form key="r" method="post">
                      <input type="hidden" name="intent" value="replay" />
                      <input type="hidden" name="eventId" value={event.id} />
                      <Button submit loading={navigation.formData?.get("eventId") === String(event.id)}>
                        Replay
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
                What Kizuna knows about your store
              </Text>
              {Object.values(mirror).every((count) => count === 0) ? (
                <EmptyCard heading="Nothing here yet">
                  <p>Orders, customers and stock appear here as Shopify tells Kizuna about them.</p>
                </EmptyCard>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["", "Count"]}
                  rows={Object.entries(mirror).map(([key, count]) => [
                    MIRROR_LABELS[key] ?? key,
                    count.toLocaleString("en"),
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
                Customer data requests
              </Text>
              {exports.length === 0 ? (
                <Text as="p" tone="subdued">
                  When a customer asks Shopify for their data, Kizuna prepares an export of everything it holds on them
                  here.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text"]}
                  headings={["Customer", "Prepared"]}
                  rows={exports.map((item) => [
                    item.customerId ?? "unknown",
                    new Date(item.createdAt).toLocaleString("en"),
                  ])}
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
