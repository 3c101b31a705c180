// /app/notices — recent notices with their status, and the dead-letter list
// (sends that failed after every retry) with "Resend": the same notice, never
// a second dedupe key.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  type BadgeProps,
  type IndexTableProps,
} from "@shopify/polaris";
import { randomBytes } from "node:crypto";
import { useState } from "react";
import { z } from "zod";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { humanize, useFormat, type Formatters } from "../components/format.ts";
import { rowIdField } from "../i18n/form-fields.server.ts";
import { formError, requestT } from "../i18n/i18n.server.ts";
import { db } from "../db.server.ts";
import { listNotices, type NoticeRowView } from "../notices/list-notices.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { resendAndEnqueue, sendAgain } from "../notices/resend-notice.server.ts";
import { authenticate } from "../shopify.server.ts";
import { firstIssue, readAdminForm } from "../admin/form-input.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { EmptyCard } from "../components/EmptyCard.tsx";
import { useListParams } from "../components/use-list-params.ts";

const NOTICE_STATUSES = ["queued", "deferred", "sending", "sent", "failed", "suppressed", "dead"] as const;

const Query = z.object({
  status: z.enum(NOTICE_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { status, page } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const database = db();
  const [notices, shop] = await Promise.all([
    listNotices(database, session.shop, { status, page }),
    getShopProfile(database, session.shop),
  ]);
  // Names this page load for "Send again" (a double click from it sends once).
  const attempt = `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
  return { ...notices, status: status ?? "", timezone: shop.timezone, attempt };
}

const resendForm = (t: TFunction) =>
  z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("resend"), noticeId: rowIdField(t, t("notices.noticeLabel")) }),
    // A sent notice sent again: `attempt` names the page the seller clicked on, so a double click sends once.
    z.object({
      intent: z.literal("send-again"),
      noticeId: rowIdField(t, t("notices.noticeLabel")),
      attempt: z.string().regex(/^[0-9a-z]{1,40}$/, t("errors.notUnderstood")),
    }),
  ]);

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const t = await requestT(request, session.shop);
  const form = await readAdminForm(request);
  if (!form.ok) return data({ ok: false, message: formError(t, form.status) }, { status: form.status });
  const parsed = resendForm(t).safeParse(form.fields);
  if (!parsed.success)
    return data({ ok: false, message: firstIssue(parsed.error, t("errors.notUnderstood")) }, { status: 400 });
  if (parsed.data.intent === "send-again") {
    const again = await sendAgain(db(), session.shop, parsed.data.noticeId, parsed.data.attempt);
    if (!again.ok)
      return data(
        { ok: false, message: again.status === 404 ? t("notices.resend.notFound") : t("notices.again.notSent") },
        { status: again.status },
      );
    if (!again.created) return { ok: true, message: t("notices.again.already") };
    // Redis away: the copy is stored as queued, and the notice sweep sends it.
    await enqueueNoticeDelivery(await noticeQueue(), again.noticeId).catch(() => undefined);
    return { ok: true, message: t("notices.again.queued") };
  }
  const result = await resendAndEnqueue(
    db(),
    async (noticeId) => enqueueNoticeDelivery(await noticeQueue(), noticeId),
    session.shop,
    parsed.data.noticeId,
  );
  if (!result.ok) {
    const message =
      result.status === 404
        ? t("notices.resend.notFound")
        : result.status === 409
          ? t("notices.resend.notFailed")
          : t("notices.resend.unavailable");
    return data({ ok: false, message }, { status: result.status });
  }
  return { ok: true, message: t("notices.resend.queued") };
}

const STATUS_TONE: Record<string, BadgeProps["tone"]> = {
  sent: "success",
  queued: "info",
  sending: "info",
  deferred: "attention",
  failed: "warning",
  suppressed: undefined,
  dead: "critical",
};

/** A notice's status reason: Kizuna's codes in words ("daily_cap:3", "suppressed:sms_stop"), anything else as it came. */
function reasonText(t: TFunction, reason: string | null, format: Formatters): string {
  if (!reason) return "";
  const match = /^([a-z_]+)(?::([a-z_0-9]+))?$/.exec(reason);
  if (!match) return reason;
  const [, code, value = ""] = match;
  if (code === "daily_cap") return t("notices.reasons.daily_cap", { cap: format.number(Number(value)) });
  const key = value ? `${code}_${value}` : code;
  return t(`notices.reasons.${key}`, { defaultValue: reason });
}

interface NoticeTableProps {
  rows: NoticeRowView[];
  timezone: string | null;
  resend: boolean;
  pagination?: IndexTableProps["pagination"];
  /** Names this page load: "Send again" clicks from it count once. */
  attempt?: string;
}

/** "Send again" for a sent notice: asks first, then posts once. */
function SendAgain({ row, attempt }: { row: NoticeRowView; attempt: string }) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button size="slim" variant="plain" onClick={() => setAsking(true)}>
        {t("notices.again.button")}
      </Button>
    );
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="send-again" />
      <input type="hidden" name="noticeId" value={row.id} />
      <input type="hidden" name="attempt" value={attempt} />
      <BlockStack gap="100">
        <Text as="span" variant="bodySm">
          {t("notices.again.confirm", { to: row.recipientName ?? row.recipient ?? "—" })}
        </Text>
        <InlineStack gap="100">
          <Button submit size="slim" variant="primary" loading={navigation.state === "submitting"}>
            {t("notices.again.yes")}
          </Button>
          <Button size="slim" onClick={() => setAsking(false)}>
            {t("notices.again.cancel")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function NoticeTable({ rows, timezone, resend, pagination, attempt }: NoticeTableProps) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  return (
    <IndexTable
      resourceName={{ singular: t("notices.resource.singular"), plural: t("notices.resource.plural") }}
      itemCount={rows.length}
      selectable={false}
      loading={navigation.state === "loading"}
      pagination={pagination}
      emptyState={
        <EmptyCard heading={t("notices.emptyStatus.heading")}>
          <p>{t("notices.emptyStatus.body")}</p>
        </EmptyCard>
      }
      headings={[
        { title: t("notices.columns.created") },
        { title: t("notices.columns.notice") },
        { title: t("notices.columns.to") },
        { title: t("notices.columns.status") },
        { title: t("notices.columns.why") },
        { title: resend ? "" : t("notices.columns.sent") },
      ]}
    >
      {rows.map((row, index) => (
        <IndexTable.Row id={String(row.id)} key={row.id} position={index}>
          <IndexTable.Cell>{format.date(row.createdAt)}</IndexTable.Cell>
          <IndexTable.Cell>
            <BlockStack gap="050">
              <Text as="span" fontWeight="semibold">
                {t(`notices.kinds.${row.kind}`, { defaultValue: humanize(row.kind) })}
              </Text>
              <Text as="span" tone="subdued">
                {row.channel === "sms" ? t("notices.channels.sms") : t("notices.channels.email")} ·{" "}
                {row.locale === "ja" ? t("notices.languages.ja") : t("notices.languages.en")}
              </Text>
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>{row.recipientName ?? row.recipient ?? "—"}</IndexTable.Cell>
          <IndexTable.Cell>
            <Badge tone={STATUS_TONE[row.status]}>
              {t(`notices.statuses.${row.status}`, { defaultValue: humanize(row.status) })}
            </Badge>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" tone="subdued" breakWord>
              {row.status === "deferred" && row.sendAfter
                ? t("notices.waitsUntil", { date: format.date(row.sendAfter) })
                : reasonText(t, row.statusReason, format)}
              {row.attempts > 1 ? t("notices.attempts", { count: row.attempts }) : ""}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {resend ? (
              <Form method="post">
                <input type="hidden" name="intent" value="resend" />
                <input type="hidden" name="noticeId" value={row.id} />
                <Button
                  submit
                  size="slim"
                  loading={navigation.state === "submitting" && navigation.formData?.get("noticeId") === String(row.id)}
                >
                  {t("notices.resend.button")}
                </Button>
              </Form>
            ) : row.sentAt ? (
              <BlockStack gap="100" inlineAlign="start">
                <span>{format.date(row.sentAt)}</span>
                {row.status === "sent" && attempt ? <SendAgain row={row} attempt={attempt} /> : null}
              </BlockStack>
            ) : (
              "—"
            )}
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

export default function Notices() {
  const { recent, dead, counts, status, page, hasNext, timezone, attempt } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { setFilter, pagination } = useListParams();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return (
    <Page
      title={t("notices.title")}
      subtitle={t("notices.subtitle", {
        sent: format.number(counts.sent ?? 0),
        deferred: format.number(counts.deferred ?? 0),
        suppressed: format.number(counts.suppressed ?? 0),
      })}
      secondaryActions={[{ content: t("nav.settings"), url: "/app/settings" }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            {dead.length ? (
              <Card padding="0">
                <BlockStack gap="200">
                  <div style={{ padding: "16px 16px 0" }}>
                    <Text as="h2" variant="headingMd">
                      {t("notices.dead.heading", { count: dead.length })}
                    </Text>
                    <Text as="p" tone="subdued">
                      {t("notices.dead.body")}
                    </Text>
                  </div>
                  <NoticeTable rows={dead} timezone={timezone} resend />
                </BlockStack>
              </Card>
            ) : null}
            {total > 0 ? (
              <InlineStack>
                <Select
                  label={t("notices.columns.status")}
                  options={[
                    { label: t("notices.filter.all", { total: format.number(total) }), value: "" },
                    ...NOTICE_STATUSES.map((value) => ({
                      label: t("notices.filter.status", {
                        status: t(`notices.statuses.${value}`),
                        total: format.number(counts[value] ?? 0),
                      }),
                      value,
                    })),
                  ]}
                  value={status}
                  onChange={(value) => setFilter("status", value)}
                />
              </InlineStack>
            ) : null}
            <Card padding="0">
              {total === 0 ? (
                <EmptyCard heading={t("notices.empty.heading")}>
                  <p>{t("notices.empty.body")}</p>
                </EmptyCard>
              ) : (
                <NoticeTable
                  rows={recent}
                  timezone={timezone}
                  resend={false}
                  pagination={pagination(page, hasNext)}
                  attempt={attempt}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
