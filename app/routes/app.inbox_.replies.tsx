// /app/inbox/replies — the seller's saved replies in Japanese and English
// (add, edit, delete; variables {{name}} {{order}} {{tracking_link}}
// {{order_page}}), the tone check's phrase lists, and the follow-up and
// survey after a resolved conversation (how many days later, and the answers
// so far).
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { REPLY_VARIABLE_TAGS } from "../components/InboxReplyBox.tsx";
import { db } from "../db.server.ts";
import { requestT } from "../i18n/i18n.server.ts";
import { handleRepliesAction, repliesPage } from "../inbox/inbox-pages.server.ts";
import { authenticate } from "../shopify.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  return repliesPage(db(), session.shop);
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const answer = await handleRepliesAction(db(), request, session.shop, await requestT(request, session.shop));
  return data(answer, { status: answer.status });
}

interface Editing {
  id: number | null;
  locale: string;
  title: string;
  body: string;
}

const EMPTY: Editing = { id: null, locale: "ja", title: "", body: "" };

function ReplyForm({ editing, onDone }: { editing: Editing; onDone: () => void }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [value, setValue] = useState(editing);
  const set = (key: keyof Editing) => (text: string) => setValue((previous) => ({ ...previous, [key]: text }));
  return (
    <Form method="post" onSubmit={onDone}>
      <input type="hidden" name="intent" value="save-reply" />
      <input type="hidden" name="id" value={value.id ?? ""} />
      <input type="hidden" name="locale" value={value.locale} />
      <BlockStack gap="300">
        <InlineStack gap="300" blockAlign="end">
          <Select
            label={t("inbox.replies.language")}
            options={[
              { value: "ja", label: t("inbox.replies.ja") },
              { value: "en", label: t("inbox.replies.en") },
            ]}
            value={value.locale}
            onChange={set("locale")}
          />
          <div style={{ flex: 1 }}>
            <TextField
              label={t("inbox.replies.replyTitle")}
              name="title"
              value={value.title}
              onChange={set("title")}
              maxLength={100}
              autoComplete="off"
            />
          </div>
        </InlineStack>
        <TextField
          label={t("inbox.replies.body")}
          name="body"
          value={value.body}
          onChange={set("body")}
          multiline={6}
          maxLength={5000}
          autoComplete="off"
          helpText={t("inbox.reply.variablesHelp", { variables: REPLY_VARIABLE_TAGS })}
        />
        <InlineStack gap="200">
          <Button
            submit
            variant="primary"
            disabled={navigation.state === "submitting" || !value.title.trim() || !value.body.trim()}
          >
            {value.id ? t("inbox.replies.update") : t("inbox.replies.add")}
          </Button>
          {value.id ? <Button onClick={onDone}>{t("inbox.replies.cancel")}</Button> : null}
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

export default function SavedReplies() {
  const { replies, settings, survey } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [editing, setEditing] = useState<Editing>(EMPTY);
  const [en, setEn] = useState(settings.tonePhrases.en.join("\n"));
  const [ja, setJa] = useState(settings.tonePhrases.ja.join("\n"));
  const [days, setDays] = useState(String(settings.followUpDays));
  // Saved or reset: the fields show what is stored now (once per change).
  const [shown, setShown] = useState(settings);
  if (settings !== shown) {
    setShown(settings);
    setEn(settings.tonePhrases.en.join("\n"));
    setJa(settings.tonePhrases.ja.join("\n"));
    setDays(String(settings.followUpDays));
  }
  const busy = navigation.state === "submitting";

  return (
    <Page backAction={{ content: t("inbox.title"), url: "/app/inbox" }} title={t("inbox.replies.title")}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {answer ? <Banner tone={answer.ok ? "success" : "critical"} title={answer.message} /> : null}
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  {t("inbox.replies.title")}
                </Text>
                {replies.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("inbox.replies.none")}
                  </Text>
                ) : (
                  replies.map((reply) => (
                    <BlockStack gap="100" key={reply.id}>
                      <InlineStack align="space-between" blockAlign="center">
                        <Text as="h3" variant="headingSm">
                          [{reply.locale}] {reply.title}
                        </Text>
                        <InlineStack gap="200">
                          <Button size="slim" onClick={() => setEditing({ ...reply })}>
                            {t("inbox.replies.edit")}
                          </Button>
                          <Form method="post">
                            <input type="hidden" name="intent" value="delete-reply" />
                            <input type="hidden" name="id" value={reply.id} />
                            <Button submit size="slim" tone="critical" disabled={busy}>
                              {t("inbox.replies.delete")}
                            </Button>
                          </Form>
                        </InlineStack>
                      </InlineStack>
                      <Box background="bg-surface-secondary" padding="200" borderRadius="200">
                        <div style={{ whiteSpace: "pre-wrap" }}>{reply.body}</div>
                      </Box>
                    </BlockStack>
                  ))
                )}
                <Divider />
                <Text as="h3" variant="headingSm">
                  {editing.id ? t("inbox.replies.editing", { title: editing.title }) : t("inbox.replies.new")}
                </Text>
                <ReplyForm
                  key={`${editing.id ?? "new"}:${replies.length}`}
                  editing={editing}
                  onDone={() => setEditing(EMPTY)}
                />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="tone" />
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("inbox.replies.toneTitle")}
                  </Text>
                  <Text as="p" tone="subdued">
                    {t("inbox.replies.toneHelp")}
                  </Text>
                  <TextField
                    label={t("inbox.replies.toneJa")}
                    name="ja"
                    value={ja}
                    onChange={setJa}
                    multiline={6}
                    autoComplete="off"
                  />
                  <TextField
                    label={t("inbox.replies.toneEn")}
                    name="en"
                    value={en}
                    onChange={setEn}
                    multiline={6}
                    autoComplete="off"
                  />
                  <InlineStack gap="200">
                    <Button submit variant="primary" disabled={busy}>
                      {t("inbox.replies.toneSave")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Form>
              {settings.ownPhrases ? (
                <Box paddingBlockStart="200">
                  <Form method="post">
                    <input type="hidden" name="intent" value="tone-reset" />
                    <Button submit variant="plain" disabled={busy}>
                      {t("inbox.replies.toneResetButton")}
                    </Button>
                  </Form>
                </Box>
              ) : null}
            </Card>
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="follow-up" />
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("inbox.replies.followUpTitle")}
                  </Text>
                  <TextField
                    label={t("inbox.replies.followUpDays")}
                    name="days"
                    type="number"
                    min={0}
                    max={30}
                    value={days}
                    onChange={setDays}
                    autoComplete="off"
                    helpText={t("inbox.replies.followUpHelp")}
                  />
                  <InlineStack>
                    <Button submit disabled={busy}>
                      {t("inbox.replies.followUpSave")}
                    </Button>
                  </InlineStack>
                  <Divider />
                  <Text as="p">
                    {survey.average
                      ? t("inbox.replies.surveyAverage", { average: survey.average, count: survey.answered })
                      : t("inbox.replies.surveyNone")}
                  </Text>
                  {survey.answered ? (
                    <Text as="p" tone="subdued" variant="bodySm">
                      {[5, 4, 3, 2, 1].map((rating) => `${rating}★ ${survey.counts[rating - 1]}`).join(" · ")}
                    </Text>
                  ) : null}
                </BlockStack>
              </Form>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
