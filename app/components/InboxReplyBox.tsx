// The reply box: a saved reply (ja/en, its variables filled from the linked
// order) or the seller's own words, as a reply to the customer or an internal
// note. The tone check reads the reply as it is written and warns about
// defensive phrases; sending asks once more, never refuses. When someone else
// answered since the page was loaded, the server asks to confirm (the page
// sends the last message id it showed).
import { Form, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, ButtonGroup, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { checkTone, type TonePhrases } from "../inbox/tone-check.ts";

/** The variables a saved reply may use, as the seller types them. */
export const REPLY_VARIABLE_TAGS = ["name", "order", "tracking_link", "order_page"]
  .map((name) => `{{${name}}}`)
  .join(", ");

export interface SavedReplyChoice {
  /** saved:<id> for a saved reply, answer:<id> for a self-help answer that fits the customer's words. */
  key: string;
  id: number;
  locale: string;
  title: string;
  filled: string;
  suggested?: boolean;
}

export interface ReplyAnswer {
  ok: boolean;
  intent: string;
  message: string;
  confirm?: "tone" | "overlap";
  phrases?: string[];
}

export function InboxReplyBox({
  channel,
  lastMessageId,
  savedReplies,
  tonePhrases,
  text,
  setText,
  answer,
  onTyping,
}: {
  channel: string;
  lastMessageId: number;
  savedReplies: SavedReplyChoice[];
  tonePhrases: TonePhrases;
  text: string;
  setText: (text: string) => void;
  answer: ReplyAnswer | undefined;
  onTyping?: (typing: boolean) => void;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const [chosen, setChosen] = useState("");
  const [asking, setAsking] = useState(false);
  const warnings = useMemo(() => (mode === "reply" ? checkTone(text, tonePhrases) : []), [mode, text, tonePhrases]);
  const submitting =
    navigation.state === "submitting" && ["reply", "note"].includes(String(navigation.formData?.get("intent")));
  // The server asked (someone replied meanwhile, or the tone check it runs too): the next send confirms it.
  const serverAsks = answer && !answer.ok && answer.intent === "reply" ? answer.confirm : undefined;
  const confirmTone = asking || serverAsks === "tone";
  const confirmOverlap = serverAsks === "overlap";

  const choose = (value: string) => {
    setChosen(value);
    const reply = savedReplies.find((item) => item.key === value);
    if (!reply) return;
    setText(text.trim() ? `${text.trimEnd()}\n\n${reply.filled}` : reply.filled);
    onTyping?.(true);
  };

  const options = [
    { value: "", label: savedReplies.length ? t("inbox.reply.chooseSaved") : t("inbox.reply.noSaved") },
    ...savedReplies.map((reply) => ({
      value: reply.key,
      label: reply.suggested
        ? t("inbox.reply.suggestedAnswer", { title: reply.title, locale: reply.locale })
        : `[${reply.locale}] ${reply.title}`,
    })),
  ];

  return (
    <Form method="post" onSubmit={() => setAsking(false)}>
      <input type="hidden" name="intent" value={mode} />
      <input type="hidden" name="seen" value={lastMessageId} />
      {mode === "reply" ? (
        <>
          <input type="hidden" name="confirmTone" value={confirmTone ? "1" : "0"} />
          <input type="hidden" name="confirmOverlap" value={confirmOverlap ? "1" : "0"} />
        </>
      ) : null}
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <ButtonGroup variant="segmented">
            <Button pressed={mode === "reply"} onClick={() => setMode("reply")}>
              {channel === "etsy" ? t("inbox.reply.prepareEtsy") : t("inbox.reply.reply")}
            </Button>
            <Button pressed={mode === "note"} onClick={() => setMode("note")}>
              {t("inbox.reply.note")}
            </Button>
          </ButtonGroup>
          {mode === "reply" ? (
            <Box minWidth="240px">
              <Select
                label={t("inbox.reply.savedReplies")}
                labelHidden
                options={options}
                value={chosen}
                onChange={choose}
              />
            </Box>
          ) : null}
        </InlineStack>
        <div style={mode === "note" ? { background: "#fff5d6", borderRadius: 8, padding: 4 } : undefined}>
          <TextField
            label={mode === "note" ? t("inbox.reply.noteLabel") : t("inbox.reply.label")}
            labelHidden
            name="text"
            value={text}
            onChange={(value) => {
              setText(value);
              setAsking(false);
              onTyping?.(value.trim() !== "");
            }}
            multiline={6}
            maxLength={20_000}
            autoComplete="off"
            placeholder={mode === "note" ? t("inbox.reply.notePlaceholder") : t("inbox.reply.placeholder")}
            helpText={
              mode === "note"
                ? t("inbox.reply.noteHelp")
                : channel === "etsy"
                  ? t("inbox.reply.etsyHelp")
                  : t("inbox.reply.variablesHelp", { variables: REPLY_VARIABLE_TAGS })
            }
          />
        </div>
        {warnings.length ? (
          <Banner tone="warning" title={t("inbox.tone.title")}>
            <BlockStack gap="100">
              <Text as="p">{t("inbox.tone.body")}</Text>
              <Text as="p" fontWeight="semibold">
                {warnings.map((warning) => `“${warning.found}”`).join("  ")}
              </Text>
            </BlockStack>
          </Banner>
        ) : null}
        {serverAsks === "overlap" ? (
          <Banner tone="critical" title={t("inbox.results.someoneReplied")}>
            <Text as="p">{t("inbox.reply.overlapHelp")}</Text>
          </Banner>
        ) : null}
        <InlineStack gap="200" blockAlign="center">
          {mode === "reply" && warnings.length && !confirmTone ? (
            // Its own element (key): changed in place into the submit button during its own click, it would submit.
            <Button key="ask" variant="primary" onClick={() => setAsking(true)} disabled={!text.trim()}>
              {t("inbox.reply.send")}
            </Button>
          ) : (
            <Button key="send" submit variant="primary" loading={submitting} disabled={!text.trim() || submitting}>
              {mode === "note"
                ? t("inbox.reply.addNote")
                : confirmTone || confirmOverlap
                  ? t("inbox.reply.sendAnyway")
                  : channel === "etsy"
                    ? t("inbox.reply.prepare")
                    : t("inbox.reply.send")}
            </Button>
          )}
          {mode === "reply" && asking ? (
            <Text as="span" tone="caution">
              {t("inbox.tone.confirm")}
            </Text>
          ) : null}
        </InlineStack>
      </BlockStack>
    </Form>
  );
}
