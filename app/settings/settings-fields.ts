// The Settings form's fields by path ("senderEmail", "delayRules.stalled.days"):
// where a finding of the checks belongs, and the message key of the label the
// page shows for that field. Shared by the route's action and its component.
import { RULES } from "../delays/names.ts";

/** A field's path → the message key of its label on the page. */
export const SETTINGS_FIELD_LABELS: Readonly<Record<string, string>> = {
  senderName: "settings.sender.name",
  senderEmail: "settings.sender.email",
  handlingDays: "settings.shipping.handling",
  holidayPreset: "settings.shipping.holidays",
  holidays: "settings.shipping.daysOff",
  quietStart: "settings.quiet.start",
  quietEnd: "settings.quiet.end",
  dailyCap: "settings.quiet.dailyCap",
  followUpDays: "settings.quiet.followUp",
  delayRules: "settings.rules.heading",
  ...Object.fromEntries(RULES.map((rule) => [`delayRules.${rule}`, `delays.rules.${rule}`])),
  ...Object.fromEntries(RULES.map((rule) => [`delayRules.${rule}.enabled`, `delays.rules.${rule}`])),
  "delayRules.on_hold.reasons": "settings.rules.holdReasons",
  "delayRules.carrier_exception.statuses": "settings.rules.carrierProblems",
  "delayRules.eta_passed.graceHours": "settings.rules.grace",
  "delayRules.stalled.days": "settings.rules.stalledDays",
  "delayRules.likely_late.percentile": "settings.rules.percentile",
  "delayRules.likely_late.minSamples": "settings.rules.minSamples",
  noticeKinds: "settings.kinds.heading",
};

/** The form's own problems (the payload itself not understood): no field to show them on. */
export const FORM_LEVEL = "";

/**
 * The field a finding at `path` (zod's issue path) belongs to: the longest start of the path that
 * is a field of the form ("holidays" for ["holidays", 3], "noticeKinds" for ["noticeKinds", "x"]),
 * or FORM_LEVEL.
 */
export function settingsFieldOf(path: readonly (string | number)[]): string {
  for (let length = path.length; length > 0; length -= 1) {
    const candidate = path.slice(0, length).join(".");
    if (candidate in SETTINGS_FIELD_LABELS) return candidate;
  }
  return FORM_LEVEL;
}

/** The fields in the order the page shows them (the order of SETTINGS_FIELD_LABELS), form level first. */
export function inPageOrder(fields: Iterable<string>): string[] {
  const order = [FORM_LEVEL, ...Object.keys(SETTINGS_FIELD_LABELS)];
  return [...new Set(fields)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
