// The Settings checks' findings land on their fields: each one is keyed by the
// field's path, said in the admin's language, and the summary names the fields
// by the labels the page shows. Also: the public-holiday default of a shop that
// has not chosen, and the email preview's document.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../app/i18n/locales.ts";
import { settingsFieldFindings } from "../../app/i18n/settings-messages.ts";
import { defaultHolidayPreset, holidayPresetOf } from "../../app/settings/holiday-preset.ts";
import { previewDocument } from "../../app/settings/preview-document.ts";
import { settingsFieldOf, SETTINGS_FIELD_LABELS } from "../../app/settings/settings-fields.ts";
import { ShopSettingsInput, settingsFieldErrors } from "../../app/settings/shop-settings.server.ts";

const english = createI18n("en").t;
const japanese = createI18n("ja").t;

const GOOD = {
  senderName: "",
  senderEmail: "",
  handlingDays: "3",
  holidayPreset: "jp",
  holidays: [],
  quietStart: "21:00",
  quietEnd: "08:00",
  dailyCap: "2",
  followUpDays: "7",
  noticeKinds: {},
};

function findings(input: unknown) {
  const parsed = ShopSettingsInput.safeParse(input);
  expect(parsed.success).toBe(false);
  return parsed.success ? {} : settingsFieldErrors(parsed.error);
}

describe("settings findings by field", () => {
  it("a bad email and an out-of-range handling time are two fields, each with its own finding", () => {
    expect(findings({ ...GOOD, senderEmail: "not-an-address", handlingDays: "31" })).toEqual({
      senderEmail: ["Sender email: enter an address like hello@yourshop.jp."],
      handlingDays: ["Handling time: 0 to 30 business days."],
    });
  });

  it("rule tunables, rule lists, holidays and notice kinds are keyed by their field's path", () => {
    const found = findings({
      ...GOOD,
      holidays: ["2026-02-30", 5],
      noticeKinds: { delay: "yes" },
      delayRules: {
        on_hold: { enabled: true, reasons: [] },
        carrier_exception: { statuses: ["NOPE"] },
        stalled: { days: 99 },
        likely_late: { percentile: 10, minSamples: 0 },
        eta_passed: { enabled: "on" },
      },
    });
    expect(Object.keys(found).sort()).toEqual(
      [
        "holidays",
        "noticeKinds",
        "delayRules.on_hold.reasons",
        "delayRules.carrier_exception.statuses",
        "delayRules.stalled.days",
        "delayRules.likely_late.percentile",
        "delayRules.likely_late.minSamples",
        "delayRules.eta_passed.enabled",
      ].sort(),
    );
    expect(found["delayRules.stalled.days"]).toEqual(["Stalled parcels: 1 to 30 days."]);
    expect(found["delayRules.on_hold.reasons"]).toEqual(["On hold: tick at least one reason, or switch the rule off."]);
    for (const path of Object.keys(found)) expect(SETTINGS_FIELD_LABELS[path], path).toBeDefined();
  });

  it("a payload that is no form at all belongs to no field", () => {
    expect(Object.keys(findings(null))).toEqual([""]);
    expect(Object.keys(findings([]))).toEqual([""]);
    expect(settingsFieldOf(["delayRules", "stalled", "days"])).toBe("delayRules.stalled.days");
    expect(settingsFieldOf(["holidays", 3])).toBe("holidays");
    expect(settingsFieldOf(["noticeKinds", "delay"])).toBe("noticeKinds");
    expect(settingsFieldOf(["somethingElse"])).toBe("");
  });

  it("are said in Japanese and English, and the summary names the fields by the page's labels", () => {
    const found = findings({ ...GOOD, senderEmail: "not-an-address", handlingDays: "31" });
    expect(settingsFieldFindings(japanese, found)).toEqual({
      fieldErrors: {
        senderEmail: "送信者のメールアドレス：hello@yourshop.jp のような形式で入力してください。",
        handlingDays: "発送までの日数：0〜30営業日で指定してください。",
      },
      fields: ["送信者のメールアドレス", "発送までの日数（営業日）"],
      formErrors: [],
    });
    expect(settingsFieldFindings(english, found)).toEqual({
      fieldErrors: {
        senderEmail: "Sender email: enter an address like hello@yourshop.jp.",
        handlingDays: "Handling time: 0 to 30 business days.",
      },
      fields: ["Sender email", "Handling time (business days)"],
      formErrors: [],
    });
    expect(english("settings.results.fieldsNeedAttention", { count: 2 })).toBe(
      "The settings were not saved: 2 fields need attention.",
    );
    expect(japanese("settings.results.fieldsNeedAttention", { count: 2 })).toBe(
      "設定は保存されませんでした。2件の項目を確認してください。",
    );
  });

  it("every field's label is a message in both languages", () => {
    for (const key of new Set(Object.values(SETTINGS_FIELD_LABELS))) {
      expect(english(key), key).not.toBe(key);
      expect(japanese(key), key).not.toBe(key);
    }
  });
});

describe("public holidays when the seller has not chosen", () => {
  it("Japan's for a shop in Japan, none elsewhere; the seller's choice wins", () => {
    expect(defaultHolidayPreset({ timezone: "Asia/Tokyo", currency: "JPY" })).toBe("jp");
    expect(defaultHolidayPreset({ timezone: "America/New_York", currency: "JPY" })).toBeNull();
    expect(defaultHolidayPreset({ timezone: null, currency: "JPY" })).toBe("jp");
    expect(defaultHolidayPreset({ timezone: null, currency: "USD" })).toBeNull();
    expect(defaultHolidayPreset(null)).toBeNull();
    const tokyo = { timezone: "Asia/Tokyo", currency: "JPY" };
    expect(holidayPresetOf(null, tokyo)).toBe("jp");
    expect(holidayPresetOf("none", tokyo)).toBeNull();
    expect(holidayPresetOf("jp", { timezone: "Europe/Paris", currency: "EUR" })).toBe("jp");
  });
});

describe("the email preview", () => {
  it("runs nothing, fetches nothing but images, and keeps wide content within the frame", () => {
    const doc = previewDocument('<!doctype html><html><body style="max-width:560px"><p>Hi</p></body></html>');
    expect(doc).toMatch(
      /^<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none';/,
    );
    expect(doc).toContain("overflow-wrap:anywhere");
    expect(doc).toContain("<p>Hi</p>");
    expect(previewDocument("<p>x</p>")).toContain("<body><p>x</p></body>");
  });
});
