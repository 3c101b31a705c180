import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  IndexTable,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { formatDate } from "../components/format.ts";
import { db } from "../db.server.ts";
import {
  DelayCaseNotFound,
  delayCounts,
  listCases,
  notifyCaseNow,
  resolveCase,
  snoozeCase,
} from "../delays/cases.server.ts";
import { queueNoticeNotifier } from "../delays/notify.server.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { RULE_LABELS } from "../delays/reasons.ts";
import { CASE_STATUSES, RULES } from "../delays/names.ts";
import { transitStats } from "../delays/transit.server.ts";
import { authenticate } from "../shopify.server.ts";
import { calendarDate, firstIssue, readAdminForm, rowId } from "../admin/form-input.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { useListParams } from "../components/use-list-params.ts";
import { EmptyCard } from "../components/EmptyCard.tsx";

const Query = z.object({
  status: z.enum(CASE_STATUSES).catch("open"),
  rule: z.enum(RULES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { status, rule, page } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const database = db();
  const now = new Date();
  const [list, counts, transit, shop] = await Promise.all([
    listCases(database, session.shop, { status, rule, page }),
    delayCounts(database, session.shop),
    transitStats(database, session.shop, now),
    getShopProfile(database, session.shop),
  ]);
  return {
    ...list,
    counts,
    transit,
    status,
    rule: rule ?? "",
    timezone: shop.timezone,
    now: now.toISOString(),
  };
}

const Action = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("notify"),
    id: rowId("Delay case"),
    message: z.string().max(1000, "The message: at most 1,000 characters.").optional(),
  }),
  z.object({ intent: z.literal("snooze"), id: rowId("Delay case"), until: calendarDate("Pick a date") }),
  z.object({ intent: z.literal("resolve"), id: rowId("Delay case") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await readAdminForm(request);
  if (!form.ok) return Response.json({ ok: false, message: form.message }, { status: form.status });
  const parsed = Action.safeParse(form.fields);
  if (!parsed.success) return Response.json({ ok: false, message: firstIssue(parsed.error) }, { status: 400 });
  const input = parsed.data;
  const database = db();
  try {
    if (input.intent === "notify") {
      const sendNow = async (noticeId: number) => enqueueNoticeDelivery(await noticeQueue(), noticeId);
      const notifier = queueNoticeNotifier(database, undefined, sendNow);
      const told = await notifyCaseNow(database, session.shop, input.id, notifier, input.message);
      return {
        ok: told,
        message: told ? "The customer will be told." : "This customer cannot be reached (notice off or no contact).",
      };
    }
    if (input.intent === "snooze") {
      const until = new Date(`${input.until}T00:00:00Z`);
      if (until.getTime() <= Date.now())
        return Response.json({ ok: false, message: "Pick a date in the future" }, { status: 400 });
      await snoozeCase(database, session.shop, input.id, until);
      return { ok: true, message: `Snoozed until ${input.until}.` };
    }
    await resolveCase(database, session.shop, input.id);
    return { ok: true, message: "Resolved." };
  } catch (error) {
    if (error instanceof DelayCaseNotFound)
      return Response.json({ ok: false, message: error.message }, { status: 404 });
    throw error;
  }
}

function age(openedAt: string, now: string): string {
  const hours = Math.max(0, Math.floor((Date.parse(now) - Date.parse(openedAt)) / 3_600_000));
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

const hoursOf = (minutes: number) => `${Math.round(minutes / 6) / 10} h`;

export default function Delays() {
  const { cases, counts, transit, status, rule, page, hasNext, timezone, now } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { setFilter, pagination } = useListParams();
  const [selected, setSelected] = useState<number | null>(null);
  const current = cases.find((row) => row.id === selected) ?? null;
  const [message, setMessage] = useState("");
  const [until, setUntil] = useState("");
  const busy = navigation.state !== "idle";

  const rows = cases.map((row, index) => (
    <IndexTable.Row
      id={String(row.id)}
      key={row.id}
      position={index}
      selected={row.id === selected}
      onClick={() => {
        setSelected(row.id);
        setMessage(row.customerMessage);
      }}
    >
      <IndexTable.Cell>
        <Text as="span" fontWeight="semibold">
          {row.orderName ?? row.orderId}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{row.customer ?? "Guest"}</IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="100">
          <Badge tone={row.rule === "likely_late" ? "attention" : "warning"}>{row.ruleLabel}</Badge>
          <Text as="span" variant="bodySm">
            {row.explanation}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{age(row.openedAt, now)}</IndexTable.Cell>
      <IndexTable.Cell>
        {row.notifiedAt ? (
          <Badge tone="success">{`Told ${formatDate(row.notifiedAt, timezone)}`}</Badge>
        ) : (
          <Badge tone="attention">Not told yet</Badge>
        )}
        {row.snoozedUntil ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {`Snoozed until ${formatDate(row.snoozedUntil, timezone)}`}
          </Text>
        ) : null}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page
      title="Delays"
      subtitle={`${counts.open} open · ${counts.snoozed} snoozed · ${counts.notNotified} customers not told yet`}
    >
      <BlockStack gap="400">
        {result?.message ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
        <InlineStack gap="300">
          <Select
            label="Status"
            options={CASE_STATUSES.map((value) => ({ label: value.charAt(0).toUpperCase() + value.slice(1), value }))}
            value={status}
            onChange={(value) => setFilter("status", value)}
          />
          <Select
            label="Rule"
            options={[
              { label: "All rules", value: "" },
              ...RULES.map((value) => ({ label: `${RULE_LABELS[value]} (${counts.byRule[value] ?? 0})`, value })),
            ]}
            value={rule}
            onChange={(value) => setFilter("rule", value)}
          />
        </InlineStack>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "delay", plural: "delays" }}
            itemCount={cases.length}
            selectable={false}
            loading={navigation.state === "loading"}
            emptyState={
              <EmptyCard heading={status === "open" ? "No delays right now" : `No ${status} delays`}>
                <p>
                  Kizuna checks every open order when Shopify reports a change and on a schedule, so silent parcels are
                  found too. Late orders appear here before customers have to ask.
                </p>
              </EmptyCard>
            }
            headings={[
              { title: "Order" },
              { title: "Customer" },
              { title: "Reason" },
              { title: "Age" },
              { title: "Customer told" },
            ]}
            pagination={pagination(page, hasNext)}
          >
            {rows}
          </IndexTable>
        </Card>
        {current && current.status !== "resolved" ? (
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {`${current.orderName ?? current.orderId}: ${current.ruleLabel}`}
              </Text>
              <Form method="post">
                <input type="hidden" name="intent" value="notify" />
                <input type="hidden" name="id" value={current.id} />
                <BlockStack gap="200">
                  <TextField
                    label="What the customer is told (the reason in the delay notice)"
                    name="message"
                    value={message}
                    onChange={setMessage}
                    multiline={3}
                    maxLength={1000}
                    autoComplete="off"
                  />
                  <InlineStack>
                    <Button submit variant="primary" loading={busy}>
                      Notify now
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="snooze" />
                <input type="hidden" name="id" value={current.id} />
                <InlineStack gap="200" blockAlign="end">
                  <TextField
                    label="Snooze until"
                    type="date"
                    name="until"
                    value={until}
                    onChange={setUntil}
                    autoComplete="off"
                  />
                  <Button submit disabled={!until || busy}>
                    Snooze
                  </Button>
                </InlineStack>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="resolve" />
                <input type="hidden" name="id" value={current.id} />
                <Button submit tone="critical" disabled={busy}>
                  Resolve
                </Button>
              </Form>
            </BlockStack>
          </Card>
        ) : null}
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Transit times learned from delivered parcels
            </Text>
            <Text as="p" tone="subdued">
              A parcel still in transit beyond its group&apos;s 90th percentile is flagged as likely late, once the
              group has at least 20 deliveries.
            </Text>
            {transit.length === 0 ? (
              <Text as="p">No deliveries recorded yet.</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric"]}
                headings={["Carrier", "Region", "Deliveries", "Median", "90th percentile"]}
                rows={transit.map((group) => [
                  group.carrier,
                  group.region,
                  group.samples < 20 ? `${group.samples} (not used yet)` : String(group.samples),
                  hoursOf(group.p50Minutes),
                  hoursOf(group.p90Minutes),
                ])}
              />
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
