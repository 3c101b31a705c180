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
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatDay, useFormat } from "../components/format.ts";
import { rowIdField } from "../i18n/form-fields.server.ts";
import { formError, requestLocale } from "../i18n/i18n.server.ts";
import { createI18n } from "../i18n/locales.ts";
import { sellerReasonText } from "../i18n/delay-reasons.ts";
import { detailsOf } from "../delays/sync-cases.server.ts";
import { db } from "../db.server.ts";
import {
  DelayCaseNotFound,
  delayCounts,
  listCases,
  notifyCaseNowOutcome,
  notifyMessage,
  resolveCase,
  snoozeCase,
} from "../delays/cases.server.ts";
import { queueNoticeNotifier } from "../delays/notify.server.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { CASE_STATUSES, RULES } from "../delays/names.ts";
import { transitStats } from "../delays/transit.server.ts";
import { authenticate } from "../shopify.server.ts";
import { calendarDate, firstIssue, readAdminForm } from "../admin/form-input.server.ts";
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
  // The reason's details, so the page can say it in the admin's language.
  const rows = await database.delayCase.findMany({
    where: { shop: session.shop, id: { in: list.cases.map((row) => row.id) } },
    select: { id: true, details: true },
  });
  const details = new Map(rows.map((row) => [row.id, detailsOf(row)]));
  return {
    ...list,
    cases: list.cases.map((row) => ({ ...row, details: details.get(row.id) ?? {} })),
    counts,
    transit,
    status,
    rule: rule ?? "",
    timezone: shop.timezone,
    now: now.toISOString(),
  };
}

const actionForm = (t: TFunction) =>
  z.discriminatedUnion("intent", [
    z.object({
      intent: z.literal("notify"),
      id: rowIdField(t, t("delays.caseLabel")),
      message: z.string().max(1000, t("delays.actions.messageTooLong")).optional(),
    }),
    z.object({
      intent: z.literal("snooze"),
      id: rowIdField(t, t("delays.caseLabel")),
      until: calendarDate(t("delays.actions.pickDate")),
    }),
    z.object({ intent: z.literal("resolve"), id: rowIdField(t, t("delays.caseLabel")) }),
  ]);

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const locale = await requestLocale(request, session.shop);
  const { t } = createI18n(locale);
  const form = await readAdminForm(request);
  if (!form.ok) return Response.json({ ok: false, message: formError(t, form.status) }, { status: form.status });
  const parsed = actionForm(t).safeParse(form.fields);
  if (!parsed.success)
    return Response.json({ ok: false, message: firstIssue(parsed.error, t("errors.notUnderstood")) }, { status: 400 });
  const input = parsed.data;
  const database = db();
  try {
    if (input.intent === "notify") {
      const sendNow = async (noticeId: number) => enqueueNoticeDelivery(await noticeQueue(), noticeId);
      const notifier = queueNoticeNotifier(database, undefined, sendNow);
      const outcome = await notifyCaseNowOutcome(database, session.shop, input.id, notifier, input.message);
      return { ok: outcome !== "unreachable", message: notifyMessage(t, outcome) };
    }
    if (input.intent === "snooze") {
      const until = new Date(`${input.until}T00:00:00Z`);
      if (until.getTime() <= Date.now())
        return Response.json({ ok: false, message: t("delays.actions.futureDate") }, { status: 400 });
      await snoozeCase(database, session.shop, input.id, until);
      return { ok: true, message: t("delays.actions.snoozed", { date: formatDay(input.until, locale) }) };
    }
    await resolveCase(database, session.shop, input.id);
    return { ok: true, message: t("delays.actions.resolved") };
  } catch (error) {
    if (error instanceof DelayCaseNotFound)
      return Response.json({ ok: false, message: t("delays.actions.notFound") }, { status: 404 });
    throw error;
  }
}

function age(t: TFunction, openedAt: string, now: string): string {
  const hours = Math.max(0, Math.floor((Date.parse(now) - Date.parse(openedAt)) / 3_600_000));
  return hours < 48 ? t("delays.age.hours", { count: hours }) : t("delays.age.days", { count: Math.floor(hours / 24) });
}

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
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const ruleLabel = (value: string) => t(`delays.rules.${value}`, { defaultValue: value });
  const hoursOf = (minutes: number) =>
    t("delays.transit.hours", { hours: format.number(Math.round(minutes / 6) / 10) });

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
      <IndexTable.Cell>{row.customer ?? t("common.guest")}</IndexTable.Cell>
      <IndexTable.Cell>
        {/* Table cells do not wrap: the reason wraps within a bounded width, so every column fits
            the embedded frame at 1024 px; the badge keeps the width of its text. */}
        <div style={{ whiteSpace: "normal", minWidth: "14rem", maxWidth: "26rem" }}>
          <BlockStack gap="100" inlineAlign="start">
            <Badge tone={row.rule === "likely_late" ? "attention" : "warning"}>{ruleLabel(row.rule)}</Badge>
            <Text as="span" variant="bodySm" breakWord>
              {sellerReasonText(t, format, row.rule, row.reason, row.details)}
            </Text>
          </BlockStack>
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>{age(t, row.openedAt, now)}</IndexTable.Cell>
      <IndexTable.Cell>
        {row.notifiedAt ? (
          <Badge tone="success">{t("delays.told", { date: format.date(row.notifiedAt) })}</Badge>
        ) : (
          <Badge tone="attention">{t("delays.notTold")}</Badge>
        )}
        {row.snoozedUntil ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {t("delays.snoozedUntil", { date: format.date(row.snoozedUntil) })}
          </Text>
        ) : null}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page
      title={t("delays.title")}
      subtitle={t("delays.subtitle", {
        open: format.number(counts.open),
        snoozed: format.number(counts.snoozed),
        notNotified: format.number(counts.notNotified),
      })}
    >
      <BlockStack gap="400">
        {result?.message ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
        <InlineStack gap="300">
          <Select
            label={t("delays.filters.status")}
            options={CASE_STATUSES.map((value) => ({ label: t(`delays.statuses.${value}`), value }))}
            value={status}
            onChange={(value) => setFilter("status", value)}
          />
          <Select
            label={t("delays.filters.rule")}
            options={[
              { label: t("delays.filters.allRules"), value: "" },
              ...RULES.map((value) => ({
                label: t("delays.filters.ruleCount", {
                  rule: ruleLabel(value),
                  n: format.number(counts.byRule[value] ?? 0),
                }),
                value,
              })),
            ]}
            value={rule}
            onChange={(value) => setFilter("rule", value)}
          />
        </InlineStack>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: t("delays.resource.singular"), plural: t("delays.resource.plural") }}
            itemCount={cases.length}
            selectable={false}
            loading={navigation.state === "loading"}
            emptyState={
              <EmptyCard heading={t(`delays.empty.${status}`)}>
                <p>{t("delays.empty.body")}</p>
              </EmptyCard>
            }
            headings={[
              { title: t("delays.columns.order") },
              { title: t("delays.columns.customer") },
              { title: t("delays.columns.reason") },
              { title: t("delays.columns.age") },
              { title: t("delays.columns.told") },
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
                {t("delays.panel.heading", {
                  order: current.orderName ?? current.orderId,
                  rule: ruleLabel(current.rule),
                })}
              </Text>
              <Link url={`/app/orders/${encodeURIComponent(current.orderId)}`}>{t("delays.panel.openOrder")}</Link>
              <Form method="post">
                <input type="hidden" name="intent" value="notify" />
                <input type="hidden" name="id" value={current.id} />
                <BlockStack gap="200">
                  <TextField
                    label={t("delays.panel.message")}
                    name="message"
                    value={message}
                    onChange={setMessage}
                    multiline={3}
                    maxLength={1000}
                    autoComplete="off"
                  />
                  <InlineStack gap="200">
                    <Button submit variant="primary" loading={busy}>
                      {t("delays.panel.notify")}
                    </Button>
                    {/* A late parcel may deserve money back: the order's refund form, Shopify's amount first. */}
                    <Button url={`/app/orders/${encodeURIComponent(current.orderId)}?refund=1`}>
                      {t("delays.panel.offerRefund")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="snooze" />
                <input type="hidden" name="id" value={current.id} />
                <InlineStack gap="200" blockAlign="end">
                  <TextField
                    label={t("delays.panel.snoozeUntil")}
                    type="date"
                    name="until"
                    value={until}
                    onChange={setUntil}
                    autoComplete="off"
                  />
                  <Button submit disabled={!until || busy}>
                    {t("delays.panel.snooze")}
                  </Button>
                </InlineStack>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="resolve" />
                <input type="hidden" name="id" value={current.id} />
                <Button submit tone="critical" disabled={busy}>
                  {t("delays.panel.resolve")}
                </Button>
              </Form>
            </BlockStack>
          </Card>
        ) : null}
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {t("delays.transit.heading")}
            </Text>
            <Text as="p" tone="subdued">
              {t("delays.transit.help")}
            </Text>
            {transit.length === 0 ? (
              <Text as="p">{t("delays.transit.none")}</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric"]}
                headings={[
                  t("delays.transit.carrier"),
                  t("delays.transit.region"),
                  t("delays.transit.deliveries"),
                  t("delays.transit.median"),
                  t("delays.transit.p90"),
                ]}
                rows={transit.map((group) => [
                  group.carrier,
                  group.region,
                  group.samples < 20
                    ? t("delays.transit.notUsedYet", { n: format.number(group.samples) })
                    : format.number(group.samples),
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
