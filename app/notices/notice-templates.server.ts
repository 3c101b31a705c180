// The seller's template edits: read (with Kizuna's default underneath), save
// (unknown variables rejected, naming them), reset to the default, and preview.
import type { Db } from "../db.server.ts";
import { defaultTemplate } from "./default-templates.ts";
import { SAMPLE_VARIABLES, variablesOf, type NoticeChannel, type NoticeKind, type NoticeLocale } from "./kinds.ts";
import { renderContent, type RenderedContent } from "./render-notice.server.ts";
import { checkTemplate } from "./template-language.ts";

export interface TemplateInput {
  kind: NoticeKind;
  locale: NoticeLocale;
  channel: NoticeChannel;
  subject: string | null;
  body: string;
}

export type SaveTemplateResult = { ok: true } | { ok: false; errors: string[] };

export function validateTemplate(input: TemplateInput): string[] {
  const allowed = variablesOf(input.kind);
  const errors: string[] = [];
  if (input.channel === "email") {
    const subject = input.subject ?? "";
    if (!subject.trim()) errors.push("Subject: please write a subject.");
    else if (/[\r\n]/.test(subject)) errors.push("Subject: line breaks are not allowed.");
    else if (subject.length > 200) errors.push("Subject: at most 200 characters.");
    const problem = subject.trim() ? checkTemplate(subject, allowed) : null;
    if (problem) errors.push(`Subject: ${problem}`);
  }
  if (!input.body.trim()) errors.push("Message: please write the message.");
  else if (input.body.length > (input.channel === "sms" ? 1_000 : 20_000)) errors.push("Message: it is too long.");
  const problem = input.body.trim() ? checkTemplate(input.body, allowed) : null;
  if (problem) errors.push(`Message: ${problem}`);
  return errors;
}

export async function saveNoticeTemplate(db: Db, shop: string, input: TemplateInput): Promise<SaveTemplateResult> {
  const errors = validateTemplate(input);
  if (errors.length) return { ok: false, errors };
  const key = { shop, kind: input.kind, locale: input.locale, channel: input.channel };
  const data = { subject: input.channel === "email" ? (input.subject ?? "").trim() : null, body: input.body };
  await db.noticeTemplate.upsert({
    where: { shop_kind_locale_channel: key },
    create: { ...key, ...data },
    update: data,
  });
  return { ok: true };
}

export async function resetNoticeTemplate(db: Db, shop: string, key: Omit<TemplateInput, "subject" | "body">) {
  await db.noticeTemplate.deleteMany({ where: { shop, kind: key.kind, locale: key.locale, channel: key.channel } });
}

/** Every template of the shop: the seller's edit where there is one, else the default. */
export async function listNoticeTemplates(db: Db, shop: string) {
  const saved = await db.noticeTemplate.findMany({ where: { shop } });
  return saved.map((row) => ({
    kind: row.kind,
    locale: row.locale,
    channel: row.channel,
    subject: row.subject,
    body: row.body,
  }));
}

export function previewTemplate(input: TemplateInput, shopName?: string | null): RenderedContent {
  const values = { ...SAMPLE_VARIABLES[input.locale], ...(shopName ? { shopName } : {}) };
  return renderContent({ subject: input.subject, body: input.body }, input.kind, input.channel, values);
}

export { defaultTemplate };
