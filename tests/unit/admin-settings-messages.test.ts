// The Settings page's checks said in the admin's language
// (app/i18n/settings-messages.ts): every finding of the real checks comes back
// word for word in English and fully in Japanese, never as a raw key.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../app/i18n/locales.ts";
import { settingsMessageText, templateProblemText } from "../../app/i18n/settings-messages.ts";
import { ShopSettingsInput } from "../../app/settings/shop-settings.server.ts";
import { validateTemplate } from "../../app/notices/notice-templates.server.ts";
import { checkTemplate } from "../../app/notices/template-language.ts";
import { variablesOf } from "../../app/notices/kinds.ts";

const english = createI18n("en").t;
const japanese = createI18n("ja").t;
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

const GOOD = {
  senderName: "",
  senderEmail: "",
  handlingDays: 3,
  holidayPreset: "jp",
  holidays: [],
  quietStart: "21:00",
  quietEnd: "08:00",
  dailyCap: 3,
  followUpDays: 7,
  noticeKinds: {},
};

/** Every finding the settings check has for `patch`. */
function settingsFindings(patch: Record<string, unknown>): string[] {
  const parsed = ShopSettingsInput.safeParse({ ...GOOD, ...patch });
  expect(parsed.success).toBe(false);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

const SETTINGS_CASES: Record<string, unknown>[] = [
  { handlingDays: "" },
  { dailyCap: "2.5" },
  { handlingDays: 31 },
  { dailyCap: 99 },
  { followUpDays: 0 },
  { senderName: "a".repeat(81) },
  { senderName: "a\nb" },
  { senderName: "<b>" },
  { senderEmail: "not-an-address" },
  { holidays: ["2026-02-30"] },
  { quietStart: "9pm", quietEnd: "8" },
  { delayRules: { on_hold: { enabled: true, reasons: [] } } },
  { delayRules: { on_hold: { reasons: ["AWAITING_PAYMENT"] } } },
  { delayRules: { carrier_exception: { enabled: true, statuses: [] } } },
  { delayRules: { carrier_exception: { statuses: "DELAYED" } } },
  { delayRules: { eta_passed: { graceHours: 1000 } } },
  { delayRules: { stalled: { days: 99 } } },
  { delayRules: { likely_late: { percentile: 10, minSamples: 0 } } },
  { delayRules: { stalled: { enabled: "yes" } } },
];

describe("settings findings in the admin's language", () => {
  it("come back word for word in English and in Japanese", () => {
    const findings = SETTINGS_CASES.flatMap(settingsFindings);
    expect(findings).toContain("On hold: “AWAITING_PAYMENT” is not a hold reason Kizuna knows.");
    for (const finding of findings) {
      expect(settingsMessageText(english, finding)).toBe(finding);
      const said = settingsMessageText(japanese, finding);
      expect(said, finding).toMatch(JAPANESE);
      expect(said, finding).not.toBe(japanese("settings.errors.other"));
      expect(said).not.toMatch(/settings\./);
    }
    expect(settingsMessageText(japanese, "Stalled parcels: 1 to 30 days.")).toBe(
      "配送状況の更新なし：1〜30日で指定してください。",
    );
  });

  it("template findings too, in the subject, the message and the live check", () => {
    const allowed = variablesOf("delay");
    const templates = [
      { subject: "", body: "" },
      { subject: "a\nb", body: "x".repeat(20_001) },
      { subject: "Order {{orderNumber}} is late", body: "Hi {{customerName}" },
      { subject: "{{/if}}", body: "{{#if orderName}} open" },
      { subject: "{{ }}", body: "{{1x}}" },
      { subject: "{{a}} {{b}}", body: "ok" },
    ];
    const findings = templates.flatMap((template) =>
      validateTemplate({ kind: "delay", locale: "en", channel: "email", ...template }),
    );
    expect(findings.length).toBeGreaterThan(6);
    for (const finding of findings) {
      expect(settingsMessageText(english, finding)).toBe(finding);
      const said = settingsMessageText(japanese, finding);
      expect(said, finding).toMatch(JAPANESE);
      expect(said, finding).not.toBe(japanese("settings.errors.other"));
    }
    const problem = checkTemplate("Hi {{nope}}", allowed)!;
    expect(templateProblemText(english, problem)).toBe(problem);
    expect(templateProblemText(japanese, problem)).toMatch(/^不明な変数 \{\{nope\}\} があります。/);
  });

  it("says an unknown finding as it is in English and as a general sentence in Japanese", () => {
    expect(settingsMessageText(english, "Something new.")).toBe("Something new.");
    expect(settingsMessageText(japanese, "Something new.")).toBe("入力内容を確認してください。");
    expect(settingsMessageText(japanese, "The test could not be sent: 550 mailbox full")).toBe(
      "テストを送信できませんでした：550 mailbox full",
    );
  });
});
