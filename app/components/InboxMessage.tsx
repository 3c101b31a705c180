// One message of a conversation, styled by what it is: the customer's
// (incoming), ours (outgoing, with its delivery state), an internal note (only
// staff see it), a system event (resolved, a notice sent), or mail nobody
// wrote by hand (auto-reply, bounce, mailing list), shown as such.
//
// Customer text is rendered as text: React escapes it, nothing here uses
// dangerouslySetInnerHTML. The mail's HTML (sanitized when stored) is shown
// only on request, inside an iframe with an empty `sandbox` (no scripts, no
// forms, no same-origin access to the admin) whose own Content-Security-Policy
// refuses every outside load, so a tracking pixel or remote image never calls
// home and nothing in it can reach the page: two walls, either enough alone.
import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, InlineStack, Link, Text } from "@shopify/polaris";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "./format.ts";
import { staffName } from "./InboxLabels.tsx";

export interface InboxMessageView {
  id: number;
  direction: string;
  kind: string;
  channel: string;
  author: string | null;
  fromAddress: string | null;
  fromName: string | null;
  subject: string | null;
  text: string;
  fullText: string | null;
  html: string | null;
  status: string | null;
  statusReason: string | null;
  createdAt: string;
  trimmed: boolean;
  attachments: { id: number; filename: string | null; contentType: string; size: number; refused: string | null }[];
}

const MACHINE = new Set(["auto_reply", "bounce", "list"]);

const HTML_FRAME_POLICY =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'";

/** The sanitized HTML as the iframe's whole document, under its own no-loads policy. */
function frameDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${HTML_FRAME_POLICY}"><base target="_blank"><style>body{font-family:-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;font-size:14px;margin:8px;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${html}</body></html>`;
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A system event's code (resolved, snoozed:<iso>, assigned:<who>…) in words. */
function eventText(t: TFunction, code: string, author: string | null, date: (iso: string) => string): string {
  const who = staffName(t, author);
  const [name, ...rest] = code.split(":");
  const value = rest.join(":");
  switch (name) {
    case "resolved":
      return t("inbox.events.resolved", { who });
    case "reopened":
      return t("inbox.events.reopened", { who });
    case "snoozed":
      return t("inbox.events.snoozed", { who, until: value ? date(value) : "" });
    case "assigned":
      return t("inbox.events.assigned", { who, assignee: staffName(t, value) });
    case "unassigned":
      return t("inbox.events.unassigned", { who });
    case "merged":
      return t("inbox.events.merged", { who });
    default:
      return code;
  }
}

function MessageActions({ message }: { message: InboxMessageView }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  if (message.direction !== "outgoing") return null;
  if (message.status === "failed")
    return (
      <Form method="post">
        <input type="hidden" name="intent" value="retry" />
        <input type="hidden" name="messageId" value={message.id} />
        <Button submit size="slim" disabled={busy}>
          {t("inbox.message.retry")}
        </Button>
      </Form>
    );
  if (message.status === "to_send")
    return (
      <Form method="post">
        <input type="hidden" name="intent" value="marked-sent" />
        <input type="hidden" name="messageId" value={message.id} />
        <Button submit size="slim" disabled={busy}>
          {t("inbox.message.markSent")}
        </Button>
      </Form>
    );
  return null;
}

export function InboxMessage({
  message,
  contactName,
  timezone,
}: {
  message: InboxMessageView;
  contactName: string | null;
  timezone: string | null;
}) {
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const [full, setFull] = useState(false);
  const [formatted, setFormatted] = useState(false);

  if (message.direction === "system") {
    const notice = message.kind === "notice";
    return (
      <div data-message-id={message.id} data-direction="system" style={{ textAlign: "center", margin: "4px 0" }}>
        <Text as="p" variant="bodySm" tone="subdued">
          {notice
            ? `📨 ${t("inbox.message.noticeSent", { text: message.text })}`
            : eventText(t, message.text, message.author, format.date)}
          {" · "}
          {format.date(message.createdAt)}
        </Text>
      </div>
    );
  }

  const machine = MACHINE.has(message.kind);
  const note = message.direction === "note";
  const outgoing = message.direction === "outgoing";
  const background = note ? "#fff5d6" : machine ? "#f1f1f1" : outgoing ? "#eaf4ff" : "#ffffff";
  const border = note ? "1px dashed #c79f00" : "1px solid #e1e3e5";
  const who =
    outgoing || note
      ? staffName(t, message.author)
      : message.fromName || contactName || message.fromAddress || t("inbox.customer");
  const shown = full && message.fullText ? message.fullText : message.text;

  return (
    <div
      data-message-id={message.id}
      data-direction={message.direction}
      data-kind={message.kind}
      style={{
        background,
        border,
        borderRadius: 10,
        padding: "10px 12px",
        margin: outgoing || note ? "6px 0 6px 48px" : "6px 48px 6px 0",
      }}
    >
      <BlockStack gap="150">
        <InlineStack gap="200" blockAlign="center" wrap>
          <Text as="span" fontWeight="semibold">
            {who}
          </Text>
          {note ? <Badge tone="attention">{t("inbox.message.note")}</Badge> : null}
          {machine ? <Badge tone="warning">{t(`inbox.message.kinds.${message.kind}`)}</Badge> : null}
          {outgoing && message.status ? (
            <Badge
              tone={message.status === "failed" ? "critical" : message.status === "to_send" ? "attention" : undefined}
            >
              {t(`inbox.message.status.${message.status}`, { defaultValue: message.status })}
            </Badge>
          ) : null}
          <Text as="span" variant="bodySm" tone="subdued">
            {format.date(message.createdAt)}
          </Text>
        </InlineStack>
        {message.subject && message.direction === "incoming" ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {message.subject}
          </Text>
        ) : null}
        {formatted && message.html ? (
          <iframe
            title={t("inbox.message.formatted")}
            sandbox=""
            referrerPolicy="no-referrer"
            srcDoc={frameDocument(message.html)}
            style={{ width: "100%", minHeight: 320, border: "1px solid #e1e3e5", borderRadius: 6, background: "#fff" }}
          />
        ) : (
          <div className="inbox-message-text" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {shown || (message.html ? t("inbox.message.htmlOnly") : "")}
          </div>
        )}
        {message.status === "failed" && message.statusReason ? (
          <Text as="p" tone="critical" variant="bodySm">
            {message.statusReason}
          </Text>
        ) : null}
        {message.attachments.length ? (
          <BlockStack gap="050">
            {message.attachments.map((attachment) => (
              <Text as="p" variant="bodySm" key={attachment.id} tone={attachment.refused ? "subdued" : undefined}>
                📎 {attachment.filename ?? t("inbox.message.unnamedFile")} · {attachment.contentType} ·{" "}
                {sizeText(attachment.size)}
                {attachment.refused ? ` · ${t("inbox.message.refused", { reason: attachment.refused })}` : ""}
              </Text>
            ))}
          </BlockStack>
        ) : null}
        <InlineStack gap="200">
          {message.trimmed ? (
            <Button variant="plain" onClick={() => setFull(!full)}>
              {full ? t("inbox.message.showTrimmed") : t("inbox.message.showFull")}
            </Button>
          ) : null}
          {message.html ? (
            <Button variant="plain" onClick={() => setFormatted(!formatted)}>
              {formatted ? t("inbox.message.showText") : t("inbox.message.showFormatted")}
            </Button>
          ) : null}
          <MessageActions message={message} />
        </InlineStack>
      </BlockStack>
    </div>
  );
}

/** "Open on Etsy" for an Etsy conversation: always there (a notification may carry no text). */
export function EtsyLink({ url }: { url: string | null }) {
  const { t } = useTranslation();
  if (!url || !/^https:\/\/(www\.)?etsy\.com\//.test(url)) return null;
  return (
    <Box>
      <Link url={url} target="_blank">
        {t("inbox.openOnEtsy")}
      </Link>
    </Box>
  );
}
