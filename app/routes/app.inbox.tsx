// /app/inbox — every conversation of the shop on every channel (email, SMS,
// the order page, Etsy): those waiting on an answer first, the longest
// waiting first, then the rest by their latest message. Filter by status,
// channel, assignee and tag; search by customer, address, subject or order.
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  BlockStack,
  Card,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { EmptyCard } from "../components/EmptyCard.tsx";
import { useFormat } from "../components/format.ts";
import { useInboxFrame } from "../components/InboxFrame.tsx";
import { ChannelBadge, StatusBadge, staffName } from "../components/InboxLabels.tsx";
import { db } from "../db.server.ts";
import { inboxListPage, ListQuery } from "../inbox/inbox-pages.server.ts";
import { authenticate } from "../shopify.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const database = db();
  const [page, shop] = await Promise.all([
    inboxListPage(database, session.shop, query),
    getShopProfile(database, session.shop),
  ]);
  return { ...page, query, timezone: shop.timezone };
}

const TABS = ["all", "open", "waiting", "snoozed", "resolved"] as const;
const CHANNELS = ["all", "email", "sms", "order_page", "etsy"] as const;

export default function Inbox() {
  const { rows, nextCursor, counts, assignees, tags, inboundAddress, query, timezone } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const frame = useInboxFrame();
  const format = useFormat(timezone);
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const form = useRef<HTMLFormElement>(null);
  const [search, setSearch] = useState(query.q);
  useEffect(() => {
    if (search.trim() === query.q.trim()) return;
    const timer = setTimeout(() => form.current && submit(form.current, { replace: true }), 300);
    return () => clearTimeout(timer);
  }, [search, query.q, submit]);

  const setFilter = (key: string, value: string) => {
    const updated = new URLSearchParams(params);
    if (value && value !== "all") updated.set(key, value);
    else updated.delete(key);
    updated.delete("cursor");
    setParams(updated);
  };
  const goTo = (cursor: string | null) => {
    const updated = new URLSearchParams(params);
    if (cursor) updated.set("cursor", cursor);
    else updated.delete("cursor");
    setParams(updated);
  };

  const tabs = TABS.map((tab) => ({
    id: `inbox-${tab}`,
    content:
      tab === "all" ? t("inbox.status.all") : `${t(`inbox.status.${tab}`)}${counts[tab] ? ` (${counts[tab]})` : ""}`,
  }));
  const filtered =
    query.q || query.status !== "all" || query.channel !== "all" || query.assignee !== "" || query.tag !== "";
  const loading = navigation.state === "loading";

  return (
    <Page
      title={t("inbox.title")}
      subtitle={counts.unread ? t("inbox.unreadCount", { count: counts.unread }) : t("inbox.subtitle")}
      secondaryActions={frame.shopify ? [{ content: t("inbox.replies.title"), url: `${frame.base}/replies` }] : []}
    >
      <BlockStack gap="400">
        <Card padding="0">
          <Tabs
            tabs={tabs}
            selected={Math.max(0, TABS.indexOf(query.status))}
            onSelect={(index) => setFilter("status", TABS[index] ?? "all")}
          />
          <div style={{ padding: "12px" }}>
            <BlockStack gap="300">
              <Form method="get" ref={form}>
                {[...params.entries()]
                  .filter(([key]) => key !== "q" && key !== "cursor")
                  .map(([key, value]) => (
                    <input key={key} type="hidden" name={key} value={value} />
                  ))}
                <TextField
                  label={t("inbox.search")}
                  labelHidden
                  name="q"
                  value={search}
                  onChange={setSearch}
                  placeholder={t("inbox.searchPlaceholder")}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => setSearch("")}
                />
              </Form>
              <InlineStack gap="300" wrap>
                <Select
                  label={t("inbox.filters.channel")}
                  labelInline
                  options={CHANNELS.map((channel) => ({
                    value: channel,
                    label: channel === "all" ? t("inbox.filters.any") : t(`inbox.channel.${channel}`),
                  }))}
                  value={query.channel}
                  onChange={(value) => setFilter("channel", value)}
                />
                <Select
                  label={t("inbox.filters.assignee")}
                  labelInline
                  options={[
                    { value: "", label: t("inbox.filters.any") },
                    { value: "none", label: t("inbox.unassigned") },
                    ...assignees.map((name) => ({ value: name, label: staffName(t, name) })),
                  ]}
                  value={query.assignee}
                  onChange={(value) => setFilter("assignee", value)}
                />
                <Select
                  label={t("inbox.filters.tag")}
                  labelInline
                  options={[
                    { value: "", label: t("inbox.filters.any") },
                    ...(query.tag && !tags.includes(query.tag) ? [query.tag] : []).concat(tags).map((tag) => ({
                      value: tag,
                      label: tag,
                    })),
                  ]}
                  value={query.tag}
                  onChange={(value) => setFilter("tag", value)}
                />
              </InlineStack>
            </BlockStack>
          </div>
          {rows.length === 0 ? (
            <EmptyCard heading={filtered ? t("inbox.emptyFiltered") : t("inbox.empty")}>
              {filtered ? null : (
                <BlockStack gap="200">
                  <Text as="p">{t("inbox.emptyHelp")}</Text>
                  {inboundAddress ? (
                    <Text as="p" fontWeight="semibold">
                      <span data-inbound-address>{inboundAddress}</span>
                    </Text>
                  ) : null}
                  <Text as="p" tone="subdued">
                    {t("inbox.emptyHelpMore")}
                  </Text>
                </BlockStack>
              )}
            </EmptyCard>
          ) : (
            <IndexTable
              resourceName={{ singular: t("inbox.one"), plural: t("inbox.many") }}
              itemCount={rows.length}
              selectable={false}
              loading={loading}
              headings={[
                { title: t("inbox.columns.customer") },
                { title: t("inbox.columns.message") },
                { title: t("inbox.columns.channel") },
                { title: t("inbox.columns.status") },
                { title: t("inbox.columns.assignee") },
                { title: t("inbox.columns.waiting") },
              ]}
              pagination={{
                hasPrevious: Boolean(query.cursor),
                hasNext: Boolean(nextCursor),
                onPrevious: () => goTo(null),
                onNext: () => goTo(nextCursor),
              }}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={String(row.id)} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <InlineStack gap="200" blockAlign="center" wrap={false}>
                      <Link dataPrimaryLink url={`${frame.base}/${row.id}`} removeUnderline monochrome>
                        <Text as="span" fontWeight={row.unread ? "bold" : "semibold"}>
                          {row.contact.name ?? t("inbox.unknownCustomer")}
                        </Text>
                      </Link>
                      {row.unread ? (
                        <Badge tone="info" size="small">
                          {t("inbox.unreadBadge", { count: row.unread })}
                        </Badge>
                      ) : null}
                      {row.flagged ? (
                        <Badge tone="warning" size="small">
                          {t("inbox.flaggedBadge")}
                        </Badge>
                      ) : null}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div style={{ maxWidth: 340, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
                      {row.subject ? (
                        <Text as="span" fontWeight="medium">
                          {row.subject}
                          {" — "}
                        </Text>
                      ) : null}
                      <Text as="span" tone="subdued">
                        {row.previewDirection === "outgoing" ? `${t("inbox.you")}: ` : ""}
                        {row.preview ?? ""}
                      </Text>
                    </div>
                    {row.tags.length ? (
                      <InlineStack gap="100">
                        {row.tags.map((tag) => (
                          <Badge key={tag} size="small">
                            {tag}
                          </Badge>
                        ))}
                      </InlineStack>
                    ) : null}
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <ChannelBadge channel={row.channel} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <StatusBadge status={row.status} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.assignee ? staffName(t, row.assignee) : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.waitingSince ? (
                      <Text as="span" tone="caution">
                        {format.date(row.waitingSince)}
                      </Text>
                    ) : (
                      <Text as="span" tone="subdued">
                        {format.date(row.lastMessageAt)}
                      </Text>
                    )}
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
