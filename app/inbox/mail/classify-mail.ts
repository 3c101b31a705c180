// Which mail nobody wrote by hand: auto-replies, bounces and mailing-list
// mail are shown in the inbox but never open a conversation or count as the
// customer answering. Headers decide first (RFC 3834 Auto-Submitted, RFC 3464
// delivery reports, RFC 2369/2919 list headers); subjects only for
// auto-replies from clients that set no header.
import type { ReadMail } from "../types";

export interface MailSignals {
  /** Every header's values by lower-cased name, unfolded. */
  headers: ReadonlyMap<string, readonly string[]>;
  fromAddress: string | null;
  subject: string | null;
  /** The top-level Content-Type value, lower-cased ("multipart/report"). */
  contentType: string | null;
  /** Its report-type parameter, lower-cased. */
  reportType: string | null;
  /** The text of a message/delivery-status part, when there is one. */
  deliveryStatus: string | null;
}

export interface MailClass {
  kind: ReadMail["kind"];
  bouncedRecipient: string | null;
}

const BOUNCE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)(?:[+@]|$)/i;
const BOUNCE_SUBJECT =
  /^(?:undeliverable|undelivered mail|delivery status notification \(failure\)|mail delivery failed|returned mail|failure notice|delivery failure|未配信|配信不能|送信失敗|エラーメール|メール配信エラー)/i;
// Subjects auto-responders write when they set no header. Bare "不在" is not
// here on purpose: "不在票が入っていました" (a missed-delivery slip) is a customer.
const AUTO_REPLY_SUBJECT =
  /^(?:\[?(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|autoreply|autoresponse|auto:|out of (?:the )?office|ooo\b|abwesenheit|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord|自動返信|自動応答|不在(?:通知|のお知らせ|連絡|中)|休暇中|【自動返信】|【自動送信】))/i;

function first(headers: MailSignals["headers"], name: string): string | null {
  const values = headers.get(name);
  return values && values.length > 0 ? (values[0] ?? "").trim() : null;
}

/** The kind of a mail and, for a bounce, whom it failed to reach. */
export function classifyMail(signals: MailSignals): MailClass {
  const { headers } = signals;
  const subject = (signals.subject ?? "").trim();
  const from = signals.fromAddress ?? "";

  const isReport = signals.contentType === "multipart/report";
  if (
    (isReport && signals.reportType === "delivery-status") ||
    signals.deliveryStatus !== null ||
    BOUNCE_SENDER.test(from) ||
    (headers.has("x-failed-recipients") && BOUNCE_SUBJECT.test(subject))
  ) {
    return { kind: "bounce", bouncedRecipient: bouncedRecipient(signals) };
  }

  const autoSubmitted = first(headers, "auto-submitted");
  if (
    (autoSubmitted !== null && autoSubmitted.toLowerCase() !== "no" && autoSubmitted !== "") ||
    headers.has("x-autoreply") ||
    headers.has("x-autorespond") ||
    headers.has("x-autoresponder") ||
    /^auto[_-]reply$/i.test(first(headers, "precedence") ?? "") ||
    (isReport && signals.reportType === "disposition-notification") ||
    AUTO_REPLY_SUBJECT.test(subject)
  ) {
    return { kind: "auto_reply", bouncedRecipient: null };
  }

  const precedence = (first(headers, "precedence") ?? "").toLowerCase();
  if (
    headers.has("list-id") ||
    precedence === "list" ||
    (headers.has("list-unsubscribe") && (precedence === "bulk" || precedence === "junk"))
  ) {
    return { kind: "list", bouncedRecipient: null };
  }
  return { kind: "message", bouncedRecipient: null };
}

function bouncedRecipient(signals: MailSignals): string | null {
  const status = signals.deliveryStatus;
  if (status !== null) {
    for (const field of ["final-recipient", "original-recipient"]) {
      const match = new RegExp(
        `^${field}[ \\t]*:[ \\t]*(?:[a-z0-9-]+[ \\t]*;)?[ \\t]*<?([^\\s<>;]+@[^\\s<>;]+?)>?[ \\t]*$`,
        "im",
      ).exec(status);
      if (match) return (match[1] ?? "").toLowerCase();
    }
  }
  const failed = first(signals.headers, "x-failed-recipients");
  if (failed) {
    const address = /[^\s,;<>]+@[^\s,;<>]+/.exec(failed);
    if (address) return address[0].toLowerCase();
  }
  return null;
}
