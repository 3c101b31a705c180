// The Settings page's checks in the admin's language. The checks themselves
// (app/settings/shop-settings.server.ts, app/notices/notice-templates.server.ts,
// app/notices/template-language.ts) word their findings in English; each one
// is matched here and said again from the message files, with the same values.
// A finding no pattern knows is shown as it came in English, and as a general
// sentence in any other language (never English on a Japanese page).
import type { TFunction } from "i18next";
import { FORM_LEVEL, inPageOrder, SETTINGS_FIELD_LABELS } from "../settings/settings-fields.ts";

type Values = Record<string, string | number>;
type Pattern = [RegExp, string, (match: RegExpExecArray, t: TFunction) => Values];

const none = () => ({});
/** A field's name as the English checks write it, in the page's language. */
const field = (t: TFunction, label: string) => t(`settings.fields.${FIELD_KEYS[label] ?? "unknown"}`);
const FIELD_KEYS: Record<string, string> = {
  "Handling time": "handlingTime",
  "Daily cap": "dailyCap",
  "Follow-up": "followUp",
  "Estimate passed": "etaPassed",
  "Stalled parcels": "stalled",
  "Likely late": "likelyLate",
  "On hold": "onHold",
  "Carrier problem": "carrierProblem",
};
const LABEL = `(${Object.keys(FIELD_KEYS).join("|")})`;

/** A template's problem (template-language.ts), without the field it was found in. */
const TEMPLATE: Pattern[] = [
  [
    /^Unknown variable(s?) (.+)\. You can use: (.+)\.$/,
    "settings.templateErrors.unknownVariable",
    (m) => ({ count: m[1] ? 2 : 1, list: m[2]!, known: m[3]! }),
  ],
  [
    /^There is a \{\{\/(\w+)\}\} without a matching \{\{#\w+ …\}\}\.$/,
    "settings.templateErrors.unmatchedClose",
    (m) => ({ tag: `{{/${m[1]}}}`, open: `{{#${m[1]} …}}` }),
  ],
  [
    /^"(.+)" is not a variable\. Write variables like \{\{customerName\}\}\.$/,
    "settings.templateErrors.notVariable",
    (m) => ({ text: m[1]!, example: "{{customerName}}" }),
  ],
  [
    /^\{\{#(\w+) (\w+)\}\} is never closed with \{\{\/\w+\}\}\.$/,
    "settings.templateErrors.neverClosed",
    (m) => ({ tag: `{{#${m[1]} ${m[2]}}}`, close: `{{/${m[1]}}}` }),
  ],
  [
    /^There is a "\{\{" or "\}\}" that is not a variable\. Write variables like \{\{orderName\}\}\.$/,
    "settings.templateErrors.strayBraces",
    () => ({ open: "{{", close: "}}", example: "{{orderName}}" }),
  ],
  [/^The template could not be read\.$/, "settings.templateErrors.unreadable", none],
];

const PATTERNS: Pattern[] = [
  [new RegExp(`^${LABEL}: enter a number\\.$`), "settings.errors.enterNumber", (m, t) => ({ field: field(t, m[1]!) })],
  [new RegExp(`^${LABEL}: a whole number\\.$`), "settings.errors.wholeNumber", (m, t) => ({ field: field(t, m[1]!) })],
  [
    new RegExp(`^${LABEL}: choose from the list\\.$`),
    "settings.errors.chooseFromList",
    (m, t) => ({ field: field(t, m[1]!) }),
  ],
  [
    new RegExp(`^${LABEL}: “(.*)” is not a (hold reason|carrier status) Kizuna knows\\.$`),
    "settings.errors.unknownChoice",
    (m, t) => ({
      field: field(t, m[1]!),
      value: m[2]!,
      what: t(m[3] === "hold reason" ? "settings.fields.holdReason" : "settings.fields.carrierStatus"),
    }),
  ],
  [/^Delay rules: each rule is either on or off\.$/, "settings.errors.ruleOnOff", none],
  [/^Delay rules: not understood\.$/, "settings.errors.rulesNotUnderstood", none],
  [/^On hold: tick at least one reason, or switch the rule off\.$/, "settings.errors.holdReasonNeeded", none],
  [
    /^Carrier problem: tick at least one status, or switch the rule off\.$/,
    "settings.errors.carrierStatusNeeded",
    none,
  ],
  [
    /^Estimate passed: (\d+) to (\d+) hours of grace\.$/,
    "settings.errors.graceRange",
    (m) => ({ min: m[1]!, max: m[2]! }),
  ],
  [/^Stalled parcels: (\d+) to (\d+) days\.$/, "settings.errors.stalledRange", (m) => ({ min: m[1]!, max: m[2]! })],
  [
    /^Likely late: a percentile from (\d+) to (\d+)\.$/,
    "settings.errors.percentileRange",
    (m) => ({ min: m[1]!, max: m[2]! }),
  ],
  [
    /^Likely late: (\d+) to (\d+) delivered parcels before the rule applies\.$/,
    "settings.errors.samplesRange",
    (m) => ({ min: m[1]!, max: m[2]! }),
  ],
  [/^Sender name: at most 80 characters\.$/, "settings.errors.senderNameLength", none],
  [/^Sender name: line breaks are not allowed\.$/, "settings.errors.senderNameLineBreaks", none],
  [/^Sender name: the characters < > " are not allowed\.$/, "settings.errors.senderNameCharacters", none],
  [/^Sender email: line breaks are not allowed\.$/, "settings.errors.senderEmailLineBreaks", none],
  [/^Sender email: enter an address like hello@yourshop\.jp\.$/, "settings.errors.senderEmail", none],
  [
    /^Handling time: (\d+) to (\d+) business days\.$/,
    "settings.errors.handlingRange",
    (m) => ({ min: m[1]!, max: m[2]! }),
  ],
  [/^Holidays: write each date as YYYY-MM-DD, e\.g\. 2026-12-29\.$/, "settings.errors.holidayFormat", none],
  [/^Holidays: at most 366 dates\.$/, "settings.errors.holidayCount", none],
  [/^Quiet hours: start must be a time like 21:00\.$/, "settings.errors.quietStart", none],
  [/^Quiet hours: end must be a time like 08:00\.$/, "settings.errors.quietEnd", none],
  [/^Daily cap: (\d+) to (\d+) notices a day\.$/, "settings.errors.dailyCapRange", (m) => ({ min: m[1]!, max: m[2]! })],
  [
    /^Follow-up: (\d+) to (\d+) days after delivery\.$/,
    "settings.errors.followUpRange",
    (m) => ({ min: m[1]!, max: m[2]! }),
  ],
  [/^Subject: please write a subject\.$/, "settings.templateErrors.subjectMissing", none],
  [/^Subject: line breaks are not allowed\.$/, "settings.templateErrors.subjectLineBreaks", none],
  [/^Subject: at most 200 characters\.$/, "settings.templateErrors.subjectLength", none],
  [/^Message: please write the message\.$/, "settings.templateErrors.bodyMissing", none],
  [/^Message: it is too long\.$/, "settings.templateErrors.bodyLength", none],
  [/^Save a sender email address first: the test goes there\.$/, "settings.test.noSender", none],
];

function matchOne(t: TFunction, patterns: Pattern[], message: string): string | null {
  for (const [pattern, key, values] of patterns) {
    const match = pattern.exec(message);
    if (match) return t(key, values(match, t));
  }
  return null;
}

/** A template's problem ("Unknown variable {{x}}. You can use: …"), in the page's language. */
export function templateProblemText(t: TFunction, problem: string): string {
  return matchOne(t, TEMPLATE, problem) ?? fallback(t, problem);
}

/** One finding of the Settings checks (settings, templates, the test send), in the page's language. */
export function settingsMessageText(t: TFunction, message: string): string {
  const known = matchOne(t, PATTERNS, message);
  if (known) return known;
  const where = /^(Subject|Message): (.+)$/.exec(message);
  if (where) {
    const problem = matchOne(t, TEMPLATE, where[2]!);
    if (problem)
      return t(where[1] === "Subject" ? "settings.templateErrors.inSubject" : "settings.templateErrors.inBody", {
        problem,
      });
  }
  const failed = /^The test could not be sent: (.*)$/s.exec(message);
  if (failed) return t("settings.test.failed", { error: failed[1]! });
  return fallback(t, message);
}

function fallback(t: TFunction, message: string): string {
  return t("settings.errors.other", { message });
}

/** What a refused settings save says, in the page's language: each field's findings as one text. */
export interface SettingsFieldFindings {
  /** Field path → its findings ("senderEmail" → "Sender email: enter an address like …"). */
  fieldErrors: Record<string, string>;
  /** The labels of the fields with findings, as the page shows them, in the page's order. */
  fields: string[];
  /** Findings that belong to no field (the payload itself not understood). */
  formErrors: string[];
}

export function settingsFieldFindings(t: TFunction, found: Record<string, string[]>): SettingsFieldFindings {
  const fieldErrors: Record<string, string> = {};
  const fields: string[] = [];
  let formErrors: string[] = [];
  for (const path of inPageOrder(Object.keys(found))) {
    const said = [...new Set((found[path] ?? []).map((message) => settingsMessageText(t, message)))];
    if (path === FORM_LEVEL) {
      formErrors = said;
      continue;
    }
    fieldErrors[path] = said.join(" ");
    const label = t(SETTINGS_FIELD_LABELS[path] ?? "settings.fields.unknown");
    if (!fields.includes(label)) fields.push(label);
  }
  return { fieldErrors, fields, formErrors };
}
