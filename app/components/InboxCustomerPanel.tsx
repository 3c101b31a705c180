// The customer beside the conversation: how they are known, their orders
// from Shopify and Etsy with status, open delays, returns, the notices they
// were sent, earlier conversations and one timeline of what they were already
// told — with the actions at hand: refund (the order page's money card),
// start a return and send the order page (a reply prefilled with the signed
// link), resend the tracking notice.
import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Divider, InlineStack, Link, Text } from "@shopify/polaris";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { humanize, useFormat } from "./format.ts";
import { useInboxFrame } from "./InboxFrame.tsx";
import { ChannelBadge, StatusBadge, staffName } from "./InboxLabels.tsx";

export interface PanelOrder {
  id: string;
  name: string;
  source: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  cancelled: boolean;
  totalPrice: string;
  currency: string;
  createdAt: string;
  orderPageUrl: string | null;
  returnPageUrl: string | null;
  resendNoticeId: number | null;
}

export type PanelTimelineItem =
  | {
      kind: "message";
      at: string;
      id: number;
      conversationId: number;
      channel: string;
      direction: string;
      messageKind: string;
      author: string | null;
      status: string | null;
      text: string;
    }
  | {
      kind: "notice";
      at: string;
      id: number;
      noticeKind: string;
      channel: string;
      orderId: string | null;
      status: string;
      subject: string | null;
    }
  | { kind: "return_event"; at: string; id: number; returnId: string; orderId: string; action: string; actor: string }
  | {
      kind: "money_action";
      at: string;
      id: number;
      orderId: string;
      returnId: string | null;
      action: string;
      state: string;
      method: string | null;
      amount: string | null;
      currency: string | null;
    };

export interface CustomerPanelProps {
  contact: {
    id: number;
    name: string | null;
    locale: string | null;
    redacted: boolean;
    identities: { kind: string; value: string }[];
  };
  orders: PanelOrder[];
  delays: { id: number; orderId: string; rule: string; reason: string; status: string; openedAt: string }[];
  returns: { id: string; orderId: string | null; name: string | null; status: string; requestedAt: string | null }[];
  earlier: { id: number; channel: string; status: string; subject: string | null; lastMessageAt: string }[];
  timeline: PanelTimelineItem[];
  timezone: string | null;
  /** A fresh id per page load: "resend" twice from one page sends once. */
  attempt: string;
  /** Puts text in the reply box (the seller reads and sends it). */
  prefill: (text: string) => void;
}

function orderStatus(t: TFunction, order: PanelOrder): string {
  if (order.cancelled) return t("inbox.panel.cancelled");
  const parts = [order.financialStatus, order.fulfillmentStatus ?? "UNFULFILLED"]
    .filter((part): part is string => Boolean(part))
    .map((part) => t(`inbox.panel.orderStatus.${part.toUpperCase()}`, { defaultValue: humanize(part) }));
  return parts.join(" · ");
}

function timelineText(
  t: TFunction,
  item: PanelTimelineItem,
  money: (amount: string, currency: string) => string,
): string {
  switch (item.kind) {
    case "message":
      return `${t(`inbox.panel.direction.${item.direction}`, { defaultValue: item.direction })} · ${t(`inbox.channel.${item.channel}`, { defaultValue: item.channel })}: ${item.text.slice(0, 140)}`;
    case "notice":
      return t("inbox.panel.noticeSent", {
        kind: t(`notices.kinds.${item.noticeKind}`, { defaultValue: item.noticeKind }),
        channel: t(`inbox.channel.${item.channel}`, { defaultValue: item.channel }),
      });
    case "return_event":
      return t("inbox.panel.returnEvent", {
        action: t(`returns.events.${item.action}`, { defaultValue: humanize(item.action) }),
        who: staffName(t, item.actor),
      });
    case "money_action":
      return t("inbox.panel.moneyAction", {
        action: t(`inbox.panel.money.${item.action}`, { defaultValue: humanize(item.action) }),
        amount: item.amount && item.currency ? money(item.amount, item.currency) : "",
        state: t(`inbox.panel.moneyState.${item.state}`, { defaultValue: item.state }),
      });
  }
}

function Section({ title, children, empty }: { title: string; children: React.ReactNode; empty?: string | null }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          {title}
        </Text>
        {empty ? (
          <Text as="p" tone="subdued">
            {empty}
          </Text>
        ) : (
          children
        )}
      </BlockStack>
    </Card>
  );
}

export function InboxCustomerPanel(props: CustomerPanelProps) {
  const { contact, orders, delays, returns, earlier, timeline, timezone, attempt, prefill } = props;
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const navigation = useNavigation();
  const [allTimeline, setAllTimeline] = useState(false);
  const notices = timeline.filter((item) => item.kind === "notice");
  const shownTimeline = allTimeline ? timeline : timeline.slice(0, 8);
  const orderName = (id: string | null) => orders.find((order) => order.id === id)?.name ?? id ?? "";
  // The standalone inbox (Etsy-only seller) has no Shopify order, refund or return pages.
  const frame = useInboxFrame();

  return (
    <BlockStack gap="400">
      <Section title={contact.name ?? t("inbox.unknownCustomer")}>
        {contact.redacted ? (
          <Text as="p" tone="subdued">
            {t("inbox.panel.redacted")}
          </Text>
        ) : null}
        {contact.identities.map((identity) => (
          <InlineStack key={`${identity.kind}:${identity.value}`} gap="200" blockAlign="center">
            <Text as="span" tone="subdued" variant="bodySm">
              {t(`inbox.panel.identity.${identity.kind}`, { defaultValue: identity.kind })}
            </Text>
            <Text as="span" breakWord>
              {identity.value}
            </Text>
          </InlineStack>
        ))}
      </Section>

      <Section title={t("inbox.panel.orders")} empty={orders.length ? null : t("inbox.panel.noOrders")}>
        {orders.map((order, index) => (
          <BlockStack gap="150" key={order.id}>
            {index > 0 ? <Divider /> : null}
            <InlineStack gap="200" blockAlign="center" wrap>
              {order.source === "etsy" || !frame.shopify ? (
                <Text as="span" fontWeight="semibold">
                  {order.name}
                </Text>
              ) : (
                <Link url={`/app/orders/${encodeURIComponent(order.id)}`}>{order.name}</Link>
              )}
              <Badge tone={order.source === "etsy" ? "warning" : "info"}>
                {order.source === "etsy" ? "Etsy" : "Shopify"}
              </Badge>
              <Text as="span" variant="bodySm" tone="subdued">
                {format.money(order.totalPrice, order.currency)}
              </Text>
            </InlineStack>
            <Text as="p" variant="bodySm">
              {format.date(order.createdAt)} · {orderStatus(t, order)}
            </Text>
            {order.source !== "etsy" && frame.shopify ? (
              <InlineStack gap="200" wrap>
                <Button size="slim" url={`/app/orders/${encodeURIComponent(order.id)}#money`}>
                  {t("inbox.panel.refund")}
                </Button>
                {order.returnPageUrl ? (
                  <Button
                    size="slim"
                    onClick={() =>
                      prefill(t("inbox.panel.returnText", { order: order.name, link: order.returnPageUrl }))
                    }
                  >
                    {t("inbox.panel.startReturn")}
                  </Button>
                ) : null}
                {order.orderPageUrl ? (
                  <Button
                    size="slim"
                    onClick={() =>
                      prefill(t("inbox.panel.orderPageText", { order: order.name, link: order.orderPageUrl }))
                    }
                  >
                    {t("inbox.panel.sendOrderPage")}
                  </Button>
                ) : null}
                {order.resendNoticeId ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="resend-tracking" />
                    <input type="hidden" name="noticeId" value={order.resendNoticeId} />
                    <input type="hidden" name="attempt" value={attempt} />
                    <Button submit size="slim" disabled={navigation.state === "submitting"}>
                      {t("inbox.panel.resendTracking")}
                    </Button>
                  </Form>
                ) : null}
              </InlineStack>
            ) : null}
          </BlockStack>
        ))}
      </Section>

      {delays.length ? (
        <Section title={t("inbox.panel.delays")}>
          {delays.map((delay) => (
            <Text as="p" key={delay.id}>
              {orderName(delay.orderId)} · {t(`delays.rules.${delay.rule}`, { defaultValue: humanize(delay.rule) })} ·{" "}
              {format.date(delay.openedAt)}
            </Text>
          ))}
        </Section>
      ) : null}

      <Section title={t("inbox.panel.returns")} empty={returns.length ? null : t("inbox.panel.noReturns")}>
        {returns.map((ret) => (
          <InlineStack gap="200" key={ret.id} blockAlign="center">
            {frame.shopify ? (
              <Link url={`/app/returns/${encodeURIComponent(ret.id)}`}>{ret.name ?? ret.id}</Link>
            ) : (
              <Text as="span">{ret.name ?? ret.id}</Text>
            )}
            <Badge>{t(`returns.status.${ret.status}`, { defaultValue: ret.status })}</Badge>
            <Text as="span" variant="bodySm" tone="subdued">
              {orderName(ret.orderId)}
            </Text>
          </InlineStack>
        ))}
      </Section>

      <Section title={t("inbox.panel.notices")} empty={notices.length ? null : t("inbox.panel.noNotices")}>
        {notices.slice(0, 10).map((item) => (
          <Text as="p" key={`${item.kind}:${item.id}`} variant="bodySm">
            {format.date(item.at)} · {timelineText(t, item, format.money)}
            {item.kind === "notice" && item.orderId ? ` · ${orderName(item.orderId)}` : ""}
          </Text>
        ))}
      </Section>

      {earlier.length ? (
        <Section title={t("inbox.panel.earlier")}>
          {earlier.map((row) => (
            <InlineStack gap="200" key={row.id} blockAlign="center" wrap={false}>
              <Link url={`${frame.base}/${row.id}`}>{row.subject || t("inbox.noSubject")}</Link>
              <ChannelBadge channel={row.channel} />
              <StatusBadge status={row.status} />
            </InlineStack>
          ))}
        </Section>
      ) : null}

      <Section title={t("inbox.panel.timeline")} empty={timeline.length ? null : t("inbox.panel.noTimeline")}>
        {shownTimeline.map((item) => (
          <Text as="p" key={`${item.kind}:${item.id}`} variant="bodySm">
            <Text as="span" tone="subdued">
              {format.date(item.at)}
            </Text>{" "}
            {timelineText(t, item, format.money)}
          </Text>
        ))}
        {timeline.length > 8 ? (
          <Button variant="plain" onClick={() => setAllTimeline(!allTimeline)}>
            {allTimeline ? t("inbox.panel.showLess") : t("inbox.panel.showAll", { count: timeline.length })}
          </Button>
        ) : null}
      </Section>
    </BlockStack>
  );
}
