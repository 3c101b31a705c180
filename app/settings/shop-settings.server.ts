// A shop's settings for notices and delay rules: defaults when the seller has
// saved nothing, and a validated save (a bad value is a clear message on its
// field, and nothing is written).
import { parseJsonText } from "../database/json-text.ts";
import { z } from "zod";
import type { Db } from "../db.server.ts";
import { CARRIER_EXCEPTIONS, HOLD_REASONS, RULE_LIMITS, RULES, type Range } from "../delays/names.ts";
import { parseRuleSettings, type RuleSettings } from "../delays/rules.server.ts";
import { KINDS, NOTICE_KINDS, type NoticeKind } from "../notices/kinds.ts";
import { holidayPresetChosen, holidayPresetOf } from "./holiday-preset.ts";
import { settingsFieldOf } from "./settings-fields.ts";

export interface ShopSettingsView {
  shop: string;
  senderName: string | null;
  senderEmail: string | null;
  handlingDays: number;
  /** The seller's choice, else the shop's default (Japan's holidays for a shop in Japan). */
  holidayPreset: "jp" | null;
  holidays: string[];
  weekendDays: number[];
  quietStart: string;
  quietEnd: string;
  dailyCap: number;
  /** Every rule's switch and tunables, saved values over the defaults. */
  delayRules: RuleSettings;
  noticeKinds: Record<NoticeKind, boolean>;
  restockPerUnit: number;
  followUpDays: number;
}

export function resolveNoticeKinds(saved: Record<string, unknown>): Record<NoticeKind, boolean> {
  const out = {} as Record<NoticeKind, boolean>;
  for (const kind of NOTICE_KINDS) {
    const value = saved[kind];
    out[kind] = typeof value === "boolean" ? value : KINDS[kind].defaultOn;
  }
  return out;
}

export async function getShopSettings(db: Db, shop: string): Promise<ShopSettingsView> {
  const row = await db.shopSettings.findUnique({ where: { shop } });
  // The shop's facts only matter while the seller has not chosen the holidays.
  const shopRow = holidayPresetChosen(row?.holidayPreset)
    ? null
    : await db.shop.findUnique({ where: { domain: shop }, select: { timezone: true, currency: true } });
  const holidays = parseJsonText<unknown>(row?.holidays, []);
  const weekend = parseJsonText<unknown>(row?.weekendDays, [0, 6]);
  return {
    shop,
    senderName: row?.senderName ?? null,
    senderEmail: row?.senderEmail ?? null,
    handlingDays: row?.handlingDays ?? 2,
    holidayPreset: holidayPresetOf(row?.holidayPreset, shopRow),
    holidays: Array.isArray(holidays) ? holidays.filter((d): d is string => typeof d === "string") : [],
    weekendDays: Array.isArray(weekend) ? weekend.filter((d): d is number => typeof d === "number") : [0, 6],
    quietStart: row?.quietStart ?? "21:00",
    quietEnd: row?.quietEnd ?? "08:00",
    dailyCap: row?.dailyCap ?? 2,
    delayRules: parseRuleSettings(row?.delayRules),
    noticeKinds: resolveNoticeKinds(parseJsonText<Record<string, unknown>>(row?.noticeKinds, {})),
    restockPerUnit: row?.restockPerUnit ?? 3,
    followUpDays: row?.followUpDays ?? 7,
  };
}

const NO_LINE_BREAKS = /^[^\r\n]*$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * A whole number within `range`: a JSON number, or text of digits as the form's fields send it. An
 * empty field, null, a list ([5]), "1e1" or "0x10" is refused, not read as a number.
 */
function wholeNumber(label: string, range: Range, outOfRange: (min: number, max: number) => string) {
  const rangeMessage = outOfRange(range.min, range.max);
  return z.preprocess(
    (value) =>
      typeof value === "string" ? (/^\s*-?\d{1,9}(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN) : value,
    z
      .number({ invalid_type_error: `${label}: enter a number.`, required_error: `${label}: enter a number.` })
      .int(`${label}: a whole number.`)
      .min(range.min, rangeMessage)
      .max(range.max, rangeMessage),
  );
}

/** Some of `allowed` (kept in its order, without repeats); an unknown value is named. */
function someOf(label: string, allowed: readonly string[], what: string) {
  return z
    .array(z.string(), { invalid_type_error: `${label}: choose from the list.` })
    .superRefine((list, ctx) => {
      for (const value of list) {
        if (!allowed.includes(value))
          ctx.addIssue({ code: "custom", message: `${label}: “${value.slice(0, 40)}” is not a ${what} Kizuna knows.` });
      }
    })
    .transform((list) => allowed.filter((value) => list.includes(value)));
}

const RuleSwitch = z.boolean({ invalid_type_error: "Delay rules: each rule is either on or off." }).optional();

/** A list rule switched on with nothing ticked would find nothing: say so instead. */
const notEmptyWhenOn =
  (key: "reasons" | "statuses", message: string) =>
  (rule: { enabled?: boolean; reasons?: string[]; statuses?: string[] }, ctx: z.RefinementCtx) => {
    if (rule.enabled !== false && rule[key]?.length === 0) ctx.addIssue({ code: "custom", message, path: [key] });
  };

/** Delay rules: every rule and every field may be left out (it then keeps what is saved). */
export const DelayRulesInput = z
  .object(
    {
      handling_time: z.object({ enabled: RuleSwitch }).optional(),
      on_hold: z
        .object({ enabled: RuleSwitch, reasons: someOf("On hold", HOLD_REASONS, "hold reason").optional() })
        .superRefine(notEmptyWhenOn("reasons", "On hold: tick at least one reason, or switch the rule off."))
        .optional(),
      carrier_exception: z
        .object({
          enabled: RuleSwitch,
          statuses: someOf("Carrier problem", CARRIER_EXCEPTIONS, "carrier status").optional(),
        })
        .superRefine(notEmptyWhenOn("statuses", "Carrier problem: tick at least one status, or switch the rule off."))
        .optional(),
      eta_passed: z
        .object({
          enabled: RuleSwitch,
          graceHours: wholeNumber(
            "Estimate passed",
            RULE_LIMITS.eta_passed.graceHours,
            (min, max) => `Estimate passed: ${min} to ${max} hours of grace.`,
          ).optional(),
        })
        .optional(),
      stalled: z
        .object({
          enabled: RuleSwitch,
          days: wholeNumber(
            "Stalled parcels",
            RULE_LIMITS.stalled.days,
            (min, max) => `Stalled parcels: ${min} to ${max} days.`,
          ).optional(),
        })
        .optional(),
      likely_late: z
        .object({
          enabled: RuleSwitch,
          percentile: wholeNumber(
            "Likely late",
            RULE_LIMITS.likely_late.percentile,
            (min, max) => `Likely late: a percentile from ${min} to ${max}.`,
          ).optional(),
          minSamples: wholeNumber(
            "Likely late",
            RULE_LIMITS.likely_late.minSamples,
            (min, max) => `Likely late: ${min} to ${max} delivered parcels before the rule applies.`,
          ).optional(),
        })
        .optional(),
    },
    { invalid_type_error: "Delay rules: not understood." },
  )
  .optional();
export type DelayRulesInput = z.input<typeof DelayRulesInput>;
type DelayRulesChanges = NonNullable<z.output<typeof DelayRulesInput>>;

/** The saved rules with the given (validated) changes; what is left out stays as it was. */
export function mergeRuleSettings(saved: RuleSettings, changes: DelayRulesChanges): RuleSettings {
  const merged = structuredClone(saved);
  for (const name of RULES) {
    const given = changes[name];
    if (!given) continue;
    const target = merged[name] as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(given)) if (value !== undefined) target[key] = value;
  }
  return merged;
}

export const ShopSettingsInput = z.object({
  senderName: z
    .string()
    .trim()
    .max(80, "Sender name: at most 80 characters.")
    .regex(NO_LINE_BREAKS, "Sender name: line breaks are not allowed.")
    .refine((v) => !/[<>"]/.test(v), 'Sender name: the characters < > " are not allowed.')
    .transform((v) => v || null),
  senderEmail: z
    .string()
    .trim()
    .max(254)
    .regex(NO_LINE_BREAKS, "Sender email: line breaks are not allowed.")
    .refine(
      (v) => v === "" || z.string().email().safeParse(v).success,
      "Sender email: enter an address like hello@yourshop.jp.",
    )
    .transform((v) => v || null),
  handlingDays: wholeNumber("Handling time", { min: 0, max: 30 }, () => "Handling time: 0 to 30 business days."),
  // Stored as chosen: "none" too, so that a shop in Japan that chose no holidays keeps none.
  holidayPreset: z.enum(["jp", "none"]),
  holidays: z
    .array(z.string().trim())
    .transform((list) => [...new Set(list.filter(Boolean))].sort())
    .refine((list) => list.every(isRealDate), "Holidays: write each date as YYYY-MM-DD, e.g. 2026-12-29.")
    .refine((list) => list.length <= 366, "Holidays: at most 366 dates."),
  quietStart: z.string().regex(TIME, "Quiet hours: start must be a time like 21:00."),
  quietEnd: z.string().regex(TIME, "Quiet hours: end must be a time like 08:00."),
  dailyCap: wholeNumber("Daily cap", { min: 1, max: 20 }, () => "Daily cap: 1 to 20 notices a day."),
  followUpDays: wholeNumber("Follow-up", { min: 1, max: 60 }, () => "Follow-up: 1 to 60 days after delivery."),
  noticeKinds: z.record(z.enum(NOTICE_KINDS), z.boolean()),
  delayRules: DelayRulesInput,
});
export type ShopSettingsInput = z.input<typeof ShopSettingsInput>;

/**
 * The checks' findings by the field they are about ("senderEmail", "delayRules.stalled.days"; ""
 * when the payload itself is not understood), in English (see app/i18n/settings-messages.ts), each
 * field's findings in the order found, without repeats.
 */
export type SettingsFieldErrors = Record<string, string[]>;

export type FieldSaveResult =
  { ok: true; settings: ShopSettingsView } | { ok: false; fieldErrors: SettingsFieldErrors };
export type SaveResult = { ok: true; settings: ShopSettingsView } | { ok: false; errors: string[] };

export function settingsFieldErrors(error: z.ZodError): SettingsFieldErrors {
  const out: SettingsFieldErrors = {};
  for (const issue of error.issues) {
    const list = (out[settingsFieldOf(issue.path)] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}

/** Validates and saves; nothing is written when any field is wrong, and each finding names its field. */
export async function saveShopSettingsByField(
  db: Db,
  shop: string,
  input: ShopSettingsInput,
): Promise<FieldSaveResult> {
  const parsed = ShopSettingsInput.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: settingsFieldErrors(parsed.error) };
  const value = parsed.data;
  // Left out: the saved rules stay as they are (Prisma skips an undefined field).
  let delayRules: string | undefined;
  if (value.delayRules) {
    const row = await db.shopSettings.findUnique({ where: { shop }, select: { delayRules: true } });
    delayRules = JSON.stringify(mergeRuleSettings(parseRuleSettings(row?.delayRules), value.delayRules));
  }
  const data = {
    senderName: value.senderName,
    senderEmail: value.senderEmail,
    handlingDays: value.handlingDays,
    holidayPreset: value.holidayPreset,
    holidays: JSON.stringify(value.holidays),
    quietStart: value.quietStart,
    quietEnd: value.quietEnd,
    dailyCap: value.dailyCap,
    followUpDays: value.followUpDays,
    noticeKinds: JSON.stringify(resolveNoticeKinds(value.noticeKinds)),
    delayRules,
  };
  await db.shopSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true, settings: await getShopSettings(db, shop) };
}

/** saveShopSettingsByField with the findings as one list (the order found, without repeats). */
export async function saveShopSettings(db: Db, shop: string, input: ShopSettingsInput): Promise<SaveResult> {
  const saved = await saveShopSettingsByField(db, shop, input);
  if (saved.ok) return saved;
  return { ok: false, errors: [...new Set(Object.values(saved.fieldErrors).flat())] };
}
