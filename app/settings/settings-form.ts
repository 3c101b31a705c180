// The settings page's form contract, shared by the route's action (zod) and its
// component: one intent per action, the payload as fields.
import { z } from "zod";
import { NOTICE_CHANNELS, NOTICE_KINDS, NOTICE_LOCALES } from "../notices/kinds.ts";

const TemplateKey = {
  kind: z.enum(NOTICE_KINDS),
  locale: z.enum(NOTICE_LOCALES),
  channel: z.enum(NOTICE_CHANNELS),
};

const TemplateFields = {
  ...TemplateKey,
  subject: z.string().max(1_000).default(""),
  body: z.string().max(20_000),
};

export const SettingsForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("settings"), settings: z.string().max(50_000) }),
  z.object({ intent: z.literal("template-save"), ...TemplateFields }),
  z.object({ intent: z.literal("template-reset"), ...TemplateKey }),
  z.object({ intent: z.literal("template-test"), ...TemplateFields }),
]);
export type SettingsForm = z.infer<typeof SettingsForm>;

/** JSON text → value, or undefined (the schema then reports what is missing). */
export function parseJsonField(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
