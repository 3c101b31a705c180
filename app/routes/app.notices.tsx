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
import { z } from "zod";
import { formatDate, humanize } from "../components/format.ts";
import { db } from "../db.server.ts";
import { isNoticeKind, KINDS } from "../notices/kinds.ts";
import { listNotices, type NoticeRowView } from "../notices/list-notices.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { resendAndEnqueue } from "../notices/resend-notice.server.ts";
import { authenticate } from "../shopify.server.ts";
import { firstIssue, readAdminForm, rowId } from "../admin/form-input.server.ts";
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
  return { ...notices, status: status ?? "", timezone: shop.timezone };
}

const ResendForm = z.object({
  intent: z.literal("resend", { errorMap: () => ({ message: "That request was not understood." }) }),
  noticeId: rowId("Notice"),
});

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await readAdminForm(request);
  if (!form.ok) return data({ ok: false, message: form.message }, { status: form.status });
  const parsed = ResendForm.safeParse(form.fields);
  if (!parsed.success) return data({ ok: false, message: firstIssue(parsed.error) }, { status: 400 });
  const result = await resendAndEnqueue(
    db(),
    async (noticeId) => enqueueNoticeDelivery(await noticeQueue(), noticeId),
    session.shop,
    parsed.data.noticeId,
  );
  if (!result.ok) return data({ ok: false, message: result.message }, { status: result.status });
  return { ok: true, message: "The notice is queued again." };
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

function kindLabel(kind: string): string {
  return isNoticeKind(kind) ? KINDS[kind].label : humanize(kind);
}

interface NoticeTableProps {
  rows: NoticeRowView[];
  timezone: string | null;
  resend: boolean;
  pagination?: IndexTableProps["pagination"];
}

function NoticeTable({ rows, timezone, resend, pagination }: NoticeTableProps) {
  const navigation = useNavigation();
  return (
    <IndexTable
      resourceName={{ singular: "notice", plural: "notices" }}
      itemCount={rows.length}
      selectable={false}
      loading={navigation.state === "loading"}
      pagination={pagination}
      emptyState={
        <EmptyCard heading="No notices with this status">
          <p>Choose another status to see more.</p>
        </EmptyCard>
      }
      headings={[
        { title: "Created" },
        { title: "Notice" },
        { title: "To" },
        { title: "Status" },
        { title: "Why" },
        { title: resend ? "" : "Sent" },
      ]}
    >
      {rows.map((row, index) => (
        <IndexTable.Row id={String(row.id)} key={row.id} position={index}>
          <IndexTable.Cell>{formatDate(row.createdAt, timezone)}</IndexTable.Cell>
          <IndexTable.Cell>
            <BlockStack gap="050">
              <Text as="span" fontWeight="semibold">
                {kindLabel(row.kind)}
              </Text>
              <Text as="span" tone="subdued">
                {row.channel === "sms" ? "SMS" : "Email"} · {row.locale === "ja" ? "日本語" : "English"}
              </Text>
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>{row.recipientName ?? row.recipient ?? "—"}</IndexTable.Cell>
          <IndexTable.Cell>
            <Badge tone={STATUS_TONE[row.status]}>{humanize(row.status)}</Badge>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" tone="subdued" breakWord>
              {row.status === "deferred" && row.sendAfter
                ? `Waits until ${formatDate(row.sendAfter, timezone)}`
                : (row.statusReason ?? "")}
              {row.attempts > 1 ? ` (${row.attempts} attempts)` : ""}
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
                  Resend
                </Button>
              </Form>
            ) : row.sentAt ? (
              formatDate(row.sentAt, timezone)
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
  const { recent, dead, counts, status, page, hasNext, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { setFilter, pagination } = useListParams();
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return (
    <Page
      title="Notices"
      subtitle={`${(counts.sent ?? 0).toLocaleString("en")} sent · ${(counts.deferred ?? 0).toLocaleString("en")} waiting for quiet hours to end · ${(counts.suppressed ?? 0).toLocaleString("en")} not sent (consent, unsubscribe or limits)`}
      secondaryActions={[{ content: "Settings", url: "/app/settings" }]}
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
                      Could not be delivered ({dead.length})
                    </Text>
                    <Text as="p" tone="subdued">
                      These failed after every retry. Check the reason, then resend: the customer gets this same notice
                      once.
                    </Text>
                  </div>
                  <NoticeTable rows={dead} timezone={timezone} resend />
                </BlockStack>
              </Card>
            ) : null}
            {total > 0 ? (
              <InlineStack>
                <Select
                  label="Status"
                  options={[
                    { label: `All (${total.toLocaleString("en")})`, value: "" },
                    ...NOTICE_STATUSES.map((value) => ({
                      label: `${humanize(value)} (${(counts[value] ?? 0).toLocaleString("en")})`,
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
                <EmptyCard heading="No notices yet">
                  <p>Delay alerts, back-in-stock alerts and order updates appear here as Kizuna sends them.</p>
                </EmptyCard>
              ) : (
                <NoticeTable rows={recent} timezone={timezone} resend={false} pagination={pagination(page, hasNext)} />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
