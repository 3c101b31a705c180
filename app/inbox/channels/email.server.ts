// The email channel. In: email-inbound.server.ts (receiveRawMail). Out: a reply through the notices' mailer (which owns SMTP),
// with our own Message-ID (stored first, so an answer threads at once),
// In-Reply-To / References, and the conversation's reply address as Reply-To.
import { defaultSenderAddress } from "../../notices/deliver-notice.server.ts";
import { senderDisplayName } from "../../notices/mailer.server.ts";
import { escapeHtml } from "../../notices/template-language.ts";
import { getShopSettings } from "../../settings/shop-settings.server.ts";
import { randomBase32, replyAddress } from "../inbox-address.server.ts";
import { contactAddress, type ChannelAdapter } from "./channel.server.ts";

const REPLY_PREFIX = /^\s*(re|aw|sv|antw|返信|回答)\s*[:：]/i;

/** The text as the reply's HTML part: escaped, paragraphs and line breaks kept. */
export function replyHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n/g, "\n")
    .split(/\n{2,}/)
    .map((part) => `<p>${escapeHtml(part).replace(/\n/g, "<br>")}</p>`);
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${paragraphs.join("\n")}</body></html>`;
}

export const emailChannel: ChannelAdapter = {
  channel: "email",
  async prepare(db, deps, { shop, conversation }) {
    const last = await db.message.findFirst({
      where: {
        shop,
        conversationId: conversation.id,
        channel: "email",
        direction: "incoming",
        providerMessageId: { not: null },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { providerMessageId: true, references: true, subject: true },
    });
    let references: string[] = [];
    try {
      const parsed: unknown = JSON.parse(last?.references ?? "[]");
      if (Array.isArray(parsed)) references = parsed.filter((item): item is string => typeof item === "string");
    } catch {
      references = [];
    }
    if (last?.providerMessageId)
      references = [...references.filter((id) => id !== last.providerMessageId), last.providerMessageId];
    const about = conversation.subject ?? last?.subject ?? "";
    const subject = about ? (REPLY_PREFIX.test(about) ? about : `Re: ${about}`) : "Re:";
    return {
      toAddress: await contactAddress(db, shop, conversation, "email"),
      subject: subject.slice(0, 500),
      providerMessageId: `<${randomBase32(16)}.reply@${deps.inboundDomain}>`,
      inReplyTo: last?.providerMessageId ?? null,
      // The root and the latest few: long chains are cut from the middle (RFC 5322 allows it).
      references: references.length > 10 ? [references[0]!, ...references.slice(-9)] : references,
      status: "queued",
    };
  },
  async send(db, deps, reply) {
    if (!reply.toAddress) throw new Error("The contact has no email address.");
    const settings = await getShopSettings(db, reply.shop);
    const shop = await db.shop.findUnique({ where: { domain: reply.shop }, select: { name: true } });
    const headers: Record<string, string> = { "Reply-To": replyAddress(reply.replyToken, deps.inboundDomain) };
    if (reply.inReplyTo) headers["In-Reply-To"] = reply.inReplyTo;
    if (reply.references.length > 0) headers.References = reply.references.join(" ");
    await deps.mailer.send({
      from: {
        name: senderDisplayName(settings.senderName ?? shop?.name ?? reply.shop.replace(/\.myshopify\.com$/, "")),
        address: defaultSenderAddress(deps.publicUrl, deps.senderAddress),
      },
      to: { address: reply.toAddress },
      subject: reply.subject ?? "",
      text: reply.text,
      html: reply.html ?? replyHtml(reply.text),
      headers,
      messageId: reply.providerMessageId ?? undefined,
    });
    return { providerMessageId: reply.providerMessageId };
  },
};

// Receiving lives in its own module (it reads mail and routes Etsy's); re-exported as the channel's.
export { MAX_INBOUND_MAIL_BYTES, receiveRawMail, type Envelope, type RawMailResult } from "./email-inbound.server.ts";
