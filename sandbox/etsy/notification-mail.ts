// An Etsy-shaped notification mail, sent over SMTP to a shop's inbound
// address, so the demo and the browser tests can feed the inbox as a seller
// forwarding Etsy's mails would. Shapes as Etsy sends them (senders, subjects,
// "sent you a message" with only a link, the help request's labelled fields,
// the https://www.etsy.com/conversations/<id> link), in English or Japanese,
// with or without the buyer's words. The wording is our own.
import nodemailer from "nodemailer";

export interface EtsyNotificationMailInput {
  /** The shop's inbound address. */
  to: string;
  kind: "conversation" | "help_request";
  language: "en" | "ja";
  buyerName: string;
  /** The buyer's words; null = a plain notification that carries only the link. */
  text: string | null;
  conversationId: string;
  receiptId?: string | null;
  helpWith?: string | null;
  idealResolution?: string | null;
  date?: Date;
}

export interface BuiltMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  date: Date;
  messageId: string;
}

const conversationUrl = (id: string) => `https://www.etsy.com/conversations/${encodeURIComponent(id)}`;

export function etsyNotificationMail(input: EtsyNotificationMailInput): BuiltMail {
  const link = `${conversationUrl(input.conversationId)}?ref=sandbox_notification#last`;
  const ja = input.language === "ja";
  const date = input.date ?? new Date();
  const messageId = `<etsy-sandbox-${input.conversationId}-${date.getTime()}@mail.etsy.sandbox>`;
  if (input.kind === "help_request") {
    const lines = ja
      ? [
          `${input.buyerName}さんからメッセージが届きました。`,
          ...(input.receiptId ? [`注文番号 #${input.receiptId}`] : []),
          `<p> お困りの内容: ${input.helpWith ?? "注文した商品がまだ届きません"}<br />`,
          `<br />`,
          `希望する解決方法: ${input.idealResolution ?? "再送"}<br />`,
          `<br />`,
          `出品者へのメモ: ${input.text ?? ""}<br />`,
          `${input.buyerName} </p>`,
          `<p> こちらから返信してください ${link} </p>`,
        ]
      : [
          `Hi, ${input.buyerName} sent you a message.`,
          ...(input.receiptId ? [`Order #${input.receiptId}`] : []),
          `<p> You need help with: ${input.helpWith ?? "My order hasn't arrived"}<br />`,
          `<br />`,
          `Your ideal resolution: ${input.idealResolution ?? "replace"}<br />`,
          `<br />`,
          `Note for seller: ${input.text ?? ""}<br />`,
          `${input.buyerName} </p>`,
          `<p>Quick tip: answering soon helps.</p>`,
          `<p> Reply here ${link} </p>`,
        ];
    return {
      from: ja ? "Etsy <conversations@mail.etsy.com>" : "Etsy Conversations <conversations@mail.etsy.com>",
      to: input.to,
      subject: ja
        ? `${input.buyerName}さんが注文についてサポートを求めています`
        : `${input.buyerName} needs help with an order they placed`,
      text: lines.join("\n"),
      date,
      messageId,
    };
  }
  // A buyer's words follow the "sent you a message" line; a plain notification carries only the link.
  const sent = ja ? `${input.buyerName}さんからメッセージが届きました` : `${input.buyerName} sent you a message`;
  const lines = input.text ? [`${sent}${ja ? "：" : ":"}`, "", input.text, ""] : [sent, ""];
  const subjectOrder = input.receiptId
    ? ja
      ? `（注文番号 #${input.receiptId}）`
      : ` about Order #${input.receiptId}`
    : "";
  return {
    from: "Etsy <no-reply@account.etsy.com>",
    to: input.to,
    subject: ja
      ? `Re: Etsyで${input.buyerName}さんとの会話${subjectOrder}`
      : `Re: Etsy Conversation with ${input.buyerName}${subjectOrder}`,
    text: [
      ...lines,
      "*****************************************************************",
      "",
      ja ? "メッセージを見る" : "View message",
      link,
    ].join("\n"),
    date,
    messageId,
  };
}

/** Sends the mail through `smtpUrl` (e.g. the app's inbound SMTP receiver, smtp://127.0.0.1:2526). */
export async function sendEtsyNotificationMail(
  smtpUrl: string,
  input: EtsyNotificationMailInput,
): Promise<{ messageId: string; subject: string }> {
  const mail = etsyNotificationMail(input);
  const transport = nodemailer.createTransport(smtpUrl);
  try {
    await transport.sendMail({ ...mail, headers: { "X-Sandbox": "etsy-notification" } });
  } finally {
    transport.close();
  }
  return { messageId: mail.messageId, subject: mail.subject };
}
