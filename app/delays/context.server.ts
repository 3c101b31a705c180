// What the rules need to know about a shop, read once per scan (or per
// evaluated order): handling time, business calendar, rule switches and the
// learned transit times.
import type { Db } from "../db.server.ts";
import { holidayPresetOf } from "../settings/holiday-preset.ts";
import type { BusinessCalendar } from "./calendar.ts";
import { parseRuleSettings, type RuleContext } from "./rules.server.ts";
import { transitGroups, transitStats } from "./transit.server.ts";

function jsonList<T>(text: string | null | undefined, keep: (value: unknown) => value is T): T[] {
  try {
    const parsed: unknown = JSON.parse(text ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(keep) : [];
  } catch {
    return [];
  }
}

const isDateText = (value: unknown): value is string => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
const isWeekday = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 6;

export async function loadRuleContext(db: Db, shop: string, now: Date): Promise<RuleContext> {
  const [settings, shopRow] = await Promise.all([
    db.shopSettings.findUnique({ where: { shop } }),
    db.shop.findUnique({ where: { domain: shop }, select: { timezone: true, currency: true } }),
  ]);
  const rules = parseRuleSettings(settings?.delayRules);
  const calendar: BusinessCalendar = {
    timeZone: shopRow?.timezone ?? "UTC",
    weekendDays: new Set(settings ? jsonList(settings.weekendDays, isWeekday) : [0, 6]),
    holidays: new Set(jsonList(settings?.holidays, isDateText)),
    // As the Settings page shows it: the seller's choice, else the shop's country's default.
    preset: holidayPresetOf(settings?.holidayPreset, shopRow),
  };
  const transit = rules.likely_late.enabled
    ? transitGroups(await transitStats(db, shop, now, rules.likely_late.percentile))
    : new Map();
  return { now, handlingDays: Math.max(0, settings?.handlingDays ?? 2), calendar, rules, transit };
}
