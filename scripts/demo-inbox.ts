// The demo's inbox: the demo shop's Etsy shop linked through the app (the
// sandbox's Etsy stand-in), then mail into the worker's SMTP receiver as
// customers and Etsy would send it — a Japanese reply to the delayed order's
// delay notice (it lands in that order's conversation), an English question, a text answered by SMS,
// an out-of-office reply (shown, opens nothing), Etsy notifications forwarded
// by the seller (one with the buyer's words, one with only a link) — and a
// message from a customer's order page (through the storefront's app proxy).
// Prints what the inbox holds.
import { randomBytes } from "node:crypto";
import nodemailer, { type SendMailOptions } from "nodemailer";
import type { Db } from "../app/db.server.ts";
import type { RunningSandbox } from "../sandbox/server.ts";
import { sendEtsyNotificationMail } from "../sandbox/etsy/notification-mail.ts";
import { linkEtsyShopThroughApp } from "../sandbox/etsy/link-through-app.ts";
import { until } from "./lib/wait.ts";

export interface DemoInbox {
  smtpUrl: string;
  address: string;
  conversations: number;
  etsyOrders: number;
}

/** The app's inbound settings for the demo: the worker's SMTP receiver on `port`. */
export function demoInboundEnv(port: number): Record<string, string> {
  return {
    INBOUND_SMTP_PORT: String(port),
    INBOUND_DOMAIN: "in.kizuna-demo.localhost",
    INBOUND_EMAIL_SECRET: randomBytes(24).toString("hex"),
  };
}

async function mail(smtpUrl: string, message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport(smtpUrl);
  try {
    await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

export async function playInbox(
  db: Db,
  sandbox: RunningSandbox,
  shop: string,
  smtpPort: number,
  domain: string,
  orderPageUrl: string | null,
  userAgent: string,
): Promise<DemoInbox | null> {
  const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
  const linked = await linkEtsyShopThroughApp(sandbox.config);
  if (linked.status !== 200) {
    console.log(`  Linking the Etsy shop answered ${linked.status}`);
    return null;
  }
  const etsyOrders = await until("the Etsy receipts to be mirrored", async () => {
    const count = await db.order.count({ where: { shop, source: "etsy" } });
    return count > 0 ? count : null;
  });
  console.log(`  Etsy shop linked; ${etsyOrders} Etsy orders mirrored from its receipts`);

  // The shop's inbound address (made on first use, as the Inbox page shows it).
  const { inboxAddress } = await import("../app/inbox/inbox-address.server.ts");
  const address = await inboxAddress(db, shop, domain);

  const delayNotice = await db.notice.findFirst({
    where: { shop, kind: "delay", channel: "email", status: "sent", providerMessageId: { not: null } },
    orderBy: { id: "asc" },
  });
  if (delayNotice?.recipient) {
    await mail(smtpUrl, {
      from: { name: delayNotice.recipientName ?? "", address: delayNotice.recipient },
      to: address,
      subject: `Re: ${delayNotice.subject ?? ""}`,
      inReplyTo: delayNotice.providerMessageId!,
      references: [delayNotice.providerMessageId!],
      text: "ご連絡ありがとうございます。週末までに届けば大丈夫です。\nもし間に合わない場合はキャンセルできますか？\n\n> 配送が遅れております…",
    });
    // An out-of-office answer to the same notice: shown in that conversation, opens nothing.
    await mail(smtpUrl, {
      from: { name: delayNotice.recipientName ?? "", address: delayNotice.recipient },
      to: address,
      subject: `自動返信: ${delayNotice.subject ?? ""}`,
      inReplyTo: delayNotice.providerMessageId!,
      headers: { "Auto-Submitted": "auto-replied" },
      text: "12月8日まで不在にしております。",
    });
  }
  await mail(smtpUrl, {
    from: { name: "Emily Carter", address: "emily.carter@example.com" },
    to: address,
    subject: "Gift wrapping?",
    text: "Hi! Could you gift-wrap my next order? It's a birthday present.\n\nThanks,\nEmily\n\nSent from my iPhone",
  });
  const receipt = await db.order.findFirst({ where: { shop, source: "etsy" }, orderBy: { shopifyCreatedAt: "asc" } });
  const receiptId = receipt?.id.replace(/^etsy:/, "") ?? null;
  await sendEtsyNotificationMail(smtpUrl, {
    to: address,
    kind: "conversation",
    language: "ja",
    buyerName: "さくら",
    text: "注文した湯呑みはいつ発送されますか？プレゼントなので週末までに欲しいです。",
    conversationId: "8800001",
    receiptId,
  });
  await sendEtsyNotificationMail(smtpUrl, {
    to: address,
    kind: "conversation",
    language: "en",
    buyerName: "Tom",
    text: null,
    conversationId: "8800002",
  });

  // A shopper who gets texts answers one (the sandbox's SMS stand-in posts the provider's signed webhook).
  const texted = await db.notice.findFirst({
    where: { shop, channel: "sms", status: "sent", recipient: { not: null } },
    orderBy: { id: "asc" },
  });
  if (texted?.recipient) {
    const sms = await fetch(`${sandbox.config.origin}/sms/api/inbound`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: texted.recipient, body: "入荷ありがとうございます！明日注文します。" }),
    });
    if (!sms.ok) console.log(`  The SMS stand-in's reply answered ${sms.status}`);
  }

  // A customer writes from their order page, through the storefront's app proxy as a shopper would.
  if (orderPageUrl) {
    const url = new URL(orderPageUrl);
    url.pathname = `${url.pathname}/contact`;
    const sent = await fetch(url, {
      method: "POST",
      headers: { "User-Agent": userAgent, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ message: "追跡番号のページが更新されていません。", submission: "demo-order-page-1" }),
      redirect: "manual",
    });
    if (sent.status !== 303) console.log(`  The order page's message form answered ${sent.status}`);
  }
  const conversations = await until("the mails to reach the inbox", async () => {
    const count = await db.conversation.count({ where: { shop } });
    return count >= 5 ? count : null;
  });
  const byChannel = await db.conversation.groupBy({ by: ["channel"], where: { shop }, _count: { _all: true } });
  console.log(
    `  ${conversations} conversations: ${byChannel.map((row) => `${row.channel} ${row._count._all}`).join(", ")}`,
  );
  const prepared = await db.message.count({ where: { shop, channel: "etsy", status: "to_send" } });
  if (prepared)
    console.log(`  ${prepared} delay message(s) prepared to send on Etsy (Kizuna never e-mails Etsy buyers)`);
  return { smtpUrl, address, conversations, etsyOrders };
}
