// /app/inbox/<id> — one conversation: its messages oldest first (the
// customer's, ours, internal notes, what Kizuna told them, mail nobody wrote
// by hand shown as such), the reply box (saved replies, the tone check), and
// resolve / reopen, snooze until a day on the shop's clock, assign, tags.
// Beside it the customer panel. Who else has it open shows every ~10 s (the
// presence poll also brings in new messages). Another shop's id is a 404.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { randomBytes } from "node:crypto";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../components/format.ts";
import { InboxCustomerPanel } from "../components/InboxCustomerPanel.tsx";
import { useInboxFrame } from "../components/InboxFrame.tsx";
import { ChannelBadge, StatusBadge, staffName } from "../components/InboxLabels.tsx";
import { EtsyLink, InboxMessage } from "../components/InboxMessage.tsx";
import { InboxReplyBox } from "../components/InboxReplyBox.tsx";
import { db } from "../db.server.ts";
import { requestT } from "../i18n/i18n.server.ts";
import { conversationPage, handleConversationAction, shopToday, staffAuthor } from "../inbox/inbox-pages.server.ts";
import { authenticate } from "../shopify.server.ts";

const ID = /^[1-9]\d{0,9}$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session, sessionToken } = await authenticate.admin(request);
  const id = params.id ?? "";
  if (!ID.test(id) || Number(id) > 2_147_483_647) throw new Response("Not found", { status: 404 });
  const page = await conversationPage(db(), session.shop, Number(id));
  if (!page) throw new Response("Not found", { status: 404 });
  return {
    ...page,
    me: staffAuthor(sessionToken?.sub),
    today: shopToday(page.timezone),
    attempt: `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { session, sessionToken } = await authenticate.admin(request);
  const id = params.id ?? "";
  if (!ID.test(id) || Number(id) > 2_147_483_647) throw new Response("Not found", { status: 404 });
  const database = db();
  const owned = await database.conversation.findFirst({
    where: { shop: session.shop, id: Number(id) },
    select: { id: true },
  });
  if (!owned) throw new Response("Not found", { status: 404 });
  const answer = await handleConversationAction(database, request, session.shop, Number(id), {
    staffUserId: sessionToken?.sub ?? null,
    t: await requestT(request, session.shop),
  });
  return data(answer, { status: answer.status });
}

// The presence poll reloads the page's data (new messages) but not while a form is being sent.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "presence" ? true : defaultShouldRevalidate;

const POLL_MS = 10_000;

function ConversationControls({
  status,
  assignee,
  tags,
  today,
}: {
  status: string;
  assignee: string | null;
  tags: string[];
  today: string;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [snoozeDate, setSnoozeDate] = useState("");
  const [tagText, setTagText] = useState(tags.join(", "));
  const [assignTo, setAssignTo] = useState(assignee ?? "");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" wrap>
          {status === "resolved" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="reopen" />
              <Button submit disabled={busy}>
                {t("inbox.actions.reopen")}
              </Button>
            </Form>
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="resolve" />
              <Button submit variant="primary" tone="success" disabled={busy}>
                {t("inbox.actions.resolve")}
              </Button>
            </Form>
          )}
          <Form method="post">
            <input type="hidden" name="intent" value="assign" />
            <input type="hidden" name="assignee" value="me" />
            <Button submit disabled={busy}>
              {t("inbox.actions.assignMe")}
            </Button>
          </Form>
        </InlineStack>
        <Form method="post">
          <input type="hidden" name="intent" value="snooze" />
          <InlineStack gap="200" blockAlign="end">
            <TextField
              label={t("inbox.actions.snoozeUntil")}
              type="date"
              name="date"
              min={today}
              value={snoozeDate}
              onChange={setSnoozeDate}
              autoComplete="off"
              helpText={t("inbox.actions.snoozeHelp")}
            />
            <Button submit disabled={busy || !snoozeDate}>
              {t("inbox.actions.snooze")}
            </Button>
          </InlineStack>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="assign" />
          <InlineStack gap="200" blockAlign="end">
            <TextField
              label={t("inbox.actions.assignee")}
              name="assignee"
              value={assignTo}
              onChange={setAssignTo}
              autoComplete="off"
              placeholder={t("inbox.unassigned")}
            />
            <Button submit disabled={busy}>
              {t("inbox.actions.assign")}
            </Button>
          </InlineStack>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="tags" />
          <InlineStack gap="200" blockAlign="end">
            <TextField
              label={t("inbox.actions.tags")}
              name="tags"
              value={tagText}
              onChange={setTagText}
              autoComplete="off"
              helpText={t("inbox.actions.tagsHelp")}
            />
            <Button submit disabled={busy}>
              {t("inbox.actions.saveTags")}
            </Button>
          </InlineStack>
        </Form>
      </BlockStack>
    </Card>
  );
}

export default function ConversationPage() {
  const page = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation();
  const frame = useInboxFrame();
  const format = useFormat(page.timezone);
  const { conversation, contact, messages } = page;
  const [text, setText] = useState("");
  const [typing, setTyping] = useState(false);
  const presence = useFetcher<typeof action>();
  const replyRef = useRef<HTMLDivElement>(null);

  // A reply or note that went out empties the box (once per answer).
  const [handled, setHandled] = useState(answer);
  if (answer !== handled) {
    setHandled(answer);
    if (answer?.ok && (answer.intent === "reply" || answer.intent === "note")) setText("");
  }

  // Presence: say "viewing" or "replying" now and every ~10 s; the answer lists the others.
  const state = typing && text.trim() ? "replying" : "viewing";
  const submitPresence = presence.submit;
  useEffect(() => {
    const say = () => submitPresence({ intent: "presence", state }, { method: "post" });
    say();
    const timer = setInterval(say, POLL_MS);
    return () => clearInterval(timer);
  }, [state, submitPresence, conversation.id]);
  const others = presence.data?.presence ?? [];

  const prefill = useCallback(
    (value: string) => {
      setText((current) => (current.trim() ? `${current.trimEnd()}\n\n${value}` : value));
      setTyping(true);
      replyRef.current?.scrollIntoView({ behavior: "smooth", block: "center" });
    },
    [setText],
  );

  // What Kizuna told the customer about this conversation's order, in its place among the messages
  // (unless the inbox recorded those notices as messages itself).
  const noticesInline = messages.some((message) => message.kind === "notice")
    ? []
    : page.timeline.flatMap((item) =>
        item.kind === "notice" && conversation.orderId && item.orderId === conversation.orderId ? [item] : [],
      );
  const stream = [
    ...messages.map((message) => ({ type: "message" as const, at: message.createdAt, message })),
    ...noticesInline.map((notice) => ({ type: "notice" as const, at: notice.at, notice })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const linkedOrder = page.orders.find((order) => order.id === conversation.orderId) ?? null;
  const linkedReturn = page.returns.find((ret) => ret.orderId === conversation.orderId) ?? null;

  return (
    <Page
      backAction={{ content: t("inbox.title"), url: frame.base }}
      title={contact.name ?? t("inbox.unknownCustomer")}
      titleMetadata={
        <InlineStack gap="200">
          <StatusBadge status={conversation.status} />
          <ChannelBadge channel={conversation.channel} />
        </InlineStack>
      }
      subtitle={conversation.subject ?? undefined}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {answer && answer.intent !== "presence" && !answer.confirm ? (
              <Banner tone={answer.ok ? "success" : "critical"} title={answer.message}>
                {"reason" in answer && answer.reason ? <Text as="p">{answer.reason}</Text> : null}
              </Banner>
            ) : null}
            {others.length ? (
              <div data-presence>
                <Banner tone="warning" title={t("inbox.presence.title")}>
                  {others.map((other) => (
                    <Text as="p" key={other.staffId}>
                      {t(other.state === "replying" ? "inbox.presence.replying" : "inbox.presence.viewing", {
                        name: staffName(t, other.name),
                      })}
                    </Text>
                  ))}
                </Banner>
              </div>
            ) : null}
            {conversation.flaggedAt ? (
              <div data-flagged>
                <Banner tone="warning" title={t("inbox.flag.title")}>
                  <BlockStack gap="200">
                    <Text as="p">{t("inbox.flag.body", { count: conversation.exchanges })}</Text>
                    <InlineStack gap="200" wrap>
                      {linkedOrder && linkedOrder.source !== "etsy" && frame.shopify ? (
                        <>
                          <Button url={`/app/orders/${encodeURIComponent(linkedOrder.id)}#money`}>
                            {t("inbox.flag.refund")}
                          </Button>
                          <Button onClick={() => prefill(t("inbox.flag.replacementText", { order: linkedOrder.name }))}>
                            {t("inbox.flag.replacement")}
                          </Button>
                          {linkedReturn ? (
                            <Button url={`/app/returns/${encodeURIComponent(linkedReturn.id)}`}>
                              {t("inbox.flag.openReturn")}
                            </Button>
                          ) : linkedOrder.returnPageUrl ? (
                            <Button
                              onClick={() =>
                                prefill(
                                  t("inbox.panel.returnText", {
                                    order: linkedOrder.name,
                                    link: linkedOrder.returnPageUrl,
                                  }),
                                )
                              }
                            >
                              {t("inbox.flag.return")}
                            </Button>
                          ) : null}
                        </>
                      ) : (
                        <Text as="p" tone="subdued">
                          {t("inbox.flag.noOrder")}
                        </Text>
                      )}
                    </InlineStack>
                  </BlockStack>
                </Banner>
              </div>
            ) : null}
            {conversation.channel === "etsy" ? (
              <Banner tone="info" title={t("inbox.etsy.title")}>
                <BlockStack gap="100">
                  <Text as="p">{t("inbox.etsy.body")}</Text>
                  <EtsyLink url={conversation.etsyUrl} />
                </BlockStack>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="200">
                {page.olderMessages ? (
                  <Text as="p" tone="subdued" alignment="center">
                    {t("inbox.olderMessages")}
                  </Text>
                ) : null}
                {messages.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("inbox.noMessages")}
                  </Text>
                ) : (
                  stream.map((item) =>
                    item.type === "message" ? (
                      <InboxMessage
                        key={`m${item.message.id}`}
                        message={item.message}
                        contactName={contact.name}
                        timezone={page.timezone}
                      />
                    ) : (
                      <div
                        key={`n${item.notice.id}`}
                        data-direction="system"
                        data-notice={item.notice.noticeKind}
                        style={{ textAlign: "center", margin: "4px 0" }}
                      >
                        <Text as="p" variant="bodySm" tone="subdued">
                          {"📨 "}
                          {t("inbox.panel.noticeSent", {
                            kind: t(`notices.kinds.${item.notice.noticeKind}`, {
                              defaultValue: item.notice.noticeKind,
                            }),
                            channel: t(`inbox.channel.${item.notice.channel}`, { defaultValue: item.notice.channel }),
                          })}
                          {" · "}
                          {format.date(item.at)}
                        </Text>
                      </div>
                    ),
                  )
                )}
              </BlockStack>
            </Card>
            <div ref={replyRef}>
              <Card>
                <InboxReplyBox
                  channel={conversation.channel}
                  lastMessageId={page.lastMessageId}
                  savedReplies={page.savedReplies}
                  tonePhrases={page.tonePhrases}
                  text={text}
                  setText={setText}
                  answer={answer}
                  onTyping={setTyping}
                />
              </Card>
            </div>
            <ConversationControls
              key={`${conversation.assignee ?? ""}|${conversation.tags.join(",")}`}
              status={conversation.status}
              assignee={conversation.assignee}
              tags={conversation.tags}
              today={page.today}
            />
            <Text as="p" variant="bodySm" tone="subdued">
              {[
                conversation.firstMessageAt
                  ? t("inbox.facts.started", { at: format.date(conversation.firstMessageAt) })
                  : null,
                conversation.firstResponseAt
                  ? t("inbox.facts.firstResponse", { at: format.date(conversation.firstResponseAt) })
                  : null,
                conversation.snoozedUntil && conversation.status === "snoozed"
                  ? t("inbox.facts.snoozedUntil", { at: format.date(conversation.snoozedUntil) })
                  : null,
                conversation.assignee ? t("inbox.facts.assignee", { name: staffName(t, conversation.assignee) }) : null,
                t("inbox.facts.exchanges", { count: conversation.exchanges }),
              ]
                .filter(Boolean)
                .join(" · ")}
            </Text>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <InboxCustomerPanel
            contact={contact}
            orders={page.orders}
            delays={page.delays}
            returns={page.returns}
            earlier={page.earlier}
            timeline={page.timeline}
            timezone={page.timezone}
            attempt={page.attempt}
            prefill={prefill}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
