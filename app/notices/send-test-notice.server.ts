// "Send me a test": the previewed template, rendered with sample values, to the
// sender's own address through the real mailer.
import type { Db } from "../db.server.ts";
import { getShopSettings } from "../settings/shop-settings.server.ts";
import { defaultSenderAddress } from "./deliver-notice.server.ts";
import type { Mailer } from "./mailer.server.ts";
import { previewTemplate, validateTemplate, type TemplateInput } from "./notice-templates.server.ts";

export type SendTestResult = { ok: true; to: string } | { ok: false; message: string };

export async function sendTestNotice(
  db: Db,
  mailer: Mailer,
  shop: string,
  input: TemplateInput,
  options: { publicUrl: string; senderAddress?: string },
): Promise<SendTestResult> {
  const settings = await getShopSettings(db, shop);
  if (!settings.senderEmail) return { ok: false, message: "Save a sender email address first: the test goes there." };
  const errors = validateTemplate(input.channel === "email" ? input : { ...input, subject: null });
  if (errors.length) return { ok: false, message: errors.join(" ") };
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { name: true } });
  const shopName = settings.senderName ?? shopRow?.name ?? shop;
  const content = previewTemplate(input, shopName);
  const prefix = input.locale === "ja" ? "［テスト］" : "[Test] ";
  try {
    await mailer.send({
      from: { name: shopName, address: defaultSenderAddress(options.publicUrl, options.senderAddress) },
      to: { name: settings.senderName, address: settings.senderEmail },
      subject: prefix + (content.subject ?? `SMS: ${input.kind}`),
      text: content.text,
      html: content.html ?? `<p>${content.text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`,
    });
  } catch (error) {
    return {
      ok: false,
      message: `The test could not be sent: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { ok: true, to: settings.senderEmail };
}
