// Chooses the template (the seller's edit, else Kizuna's own) and renders a
// notice's subject, text and HTML.
import type { Db } from "../db.server.ts";
import { defaultTemplate, type TemplateText } from "./default-templates.ts";
import { variablesOf, type NoticeChannel, type NoticeKind, type NoticeLocale } from "./kinds.ts";
import { renderHtmlBody, renderTemplate } from "./template-language.ts";

export interface RenderedContent {
  subject: string | null;
  text: string;
  html: string | null;
}

export async function resolveTemplate(
  db: Db,
  shop: string,
  kind: NoticeKind,
  locale: NoticeLocale,
  channel: NoticeChannel,
): Promise<TemplateText & { custom: boolean }> {
  const saved = await db.noticeTemplate.findUnique({
    where: { shop_kind_locale_channel: { shop, kind, locale, channel } },
  });
  if (saved) return { subject: saved.subject, body: saved.body, custom: true };
  return { ...defaultTemplate(kind, locale, channel), custom: false };
}

/** Collapses the blank lines that optional parts leave behind. */
function tidy(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function renderContent(
  template: TemplateText,
  kind: NoticeKind,
  channel: NoticeChannel,
  values: Record<string, string>,
): RenderedContent {
  const types = variablesOf(kind);
  const body = tidy(renderTemplate(template.body, values, { mode: "text" }));
  if (channel === "sms") return { subject: null, text: body.replace(/\s*\n\s*/g, " "), html: null };
  const subject = renderTemplate(template.subject ?? "", values, { mode: "line" }).trim();
  return { subject, text: body, html: renderHtmlBody(tidy(template.body), values, types) };
}
