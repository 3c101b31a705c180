// The admin's message files (app/locales/en.json, ja.json): the same keys in
// both languages, every key a page passes to t() exists, every value Kizuna
// shows from a list (rules, notice kinds, statuses) has its words, and the
// locale is chosen the way Shopify does.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import en from "../../app/locales/en.json";
import ja from "../../app/locales/ja.json";
import { createI18n, pickLocale, withLocale } from "../../app/i18n/locales.ts";
import { hasKey, keysUsedIn, messageKeys, missingKeys } from "../../app/i18n/message-keys.ts";
import { CARRIER_EXCEPTIONS, CASE_STATUSES, HOLD_REASONS, RULES } from "../../app/delays/names.ts";
import { NOTICE_KINDS } from "../../app/notices/kinds.ts";

const FILES = { en, ja } as Record<string, Record<string, unknown>>;
const ROOT = new URL("../../", import.meta.url);

/** The admin's sources: its routes, shared components and the i18n helpers. */
function adminSources(): { path: string; source: string }[] {
  const pick = (dir: string, keep: (name: string) => boolean) =>
    readdirSync(new URL(dir, ROOT))
      .filter(keep)
      .map((name) => ({ path: `${dir}${name}`, source: readFileSync(new URL(`${dir}${name}`, ROOT), "utf8") }));
  return [
    ...pick("app/routes/", (name) => /^app[._].*\.tsx$/.test(name) || name === "app.tsx"),
    ...pick("app/components/", (name) => /\.tsx?$/.test(name)),
    ...pick("app/i18n/", (name) => /\.tsx?$/.test(name)),
  ];
}

describe("admin message files", () => {
  it("have the same keys in English and Japanese", () => {
    expect(missingKeys(en, ja), "in en.json, missing from ja.json").toEqual([]);
    expect(missingKeys(ja, en), "in ja.json, missing from en.json").toEqual([]);
    expect(messageKeys(en).length).toBeGreaterThan(200);
  });

  it("the check fails on a key removed from one language", () => {
    const copy = structuredClone(ja) as Record<string, Record<string, unknown>>;
    delete copy.orders!.cancelled;
    expect(missingKeys(en, copy)).toEqual(["orders.cancelled"]);
    expect(missingKeys(copy, en)).toEqual([]);
  });

  it("hold only non-empty strings, and no English left in Japanese", () => {
    for (const [language, messages] of Object.entries(FILES)) {
      for (const key of messageKeys(messages)) {
        expect(key, `${language}: ${key}`).not.toMatch(/not a string/);
      }
    }
    // A Japanese value with no Japanese character is untranslated (except these: a name, or only values).
    const allowed = new Set([
      "notices.channels.sms",
      "delays.filters.ruleCount",
      "delays.panel.heading",
      "notices.filter.status",
      "home.sync.summary.separator",
      "settings.rules.range",
      "settings.rules.rangeUnit",
      "returns.actors.shopify",
      "inbox.channel.sms",
      // The product's name and the shop's: the same in both languages.
      "standalone.frame.title",
      "inbox.channel.etsy",
    ]);
    const japanese = createI18n("ja");
    const english = messageKeys(FILES.ja!)
      .filter((key) => !allowed.has(key))
      .filter((key) => !/[\u3040-\u30ff\u3400-\u9fff]/.test(japanese.t(key, { count: 2 })));
    expect(english).toEqual([]);
  });

  it("name every key the admin's pages use", () => {
    const sources = adminSources();
    expect(sources.map((file) => file.path)).toEqual(
      expect.arrayContaining(["app/routes/app.tsx", "app/routes/app._index.tsx", "app/routes/app.delays.tsx"]),
    );
    const missing: string[] = [];
    for (const { path, source } of sources) {
      const { keys, prefixes } = keysUsedIn(source);
      for (const [language, messages] of Object.entries(FILES)) {
        for (const key of keys) if (!hasKey(messages, key)) missing.push(`${path}: ${key} (${language})`);
        for (const prefix of prefixes)
          if (!hasKey(messages, prefix, true)) missing.push(`${path}: ${prefix}.* (${language})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the page-source check finds a key that is not in the files", () => {
    const { keys, prefixes } = keysUsedIn('t("orders.title"); t("orders.nope", { n }); t(`delays.rules.${rule}`)');
    expect(keys).toEqual(["orders.title", "orders.nope"]);
    expect(prefixes).toEqual(["delays.rules"]);
    expect(hasKey(en, "orders.nope")).toBe(false);
    expect(hasKey(en, "orders.subtitle")).toBe(true);
  });

  it("word every rule, case status, notice kind and notice status", () => {
    for (const messages of Object.values(FILES)) {
      for (const rule of RULES) {
        expect(hasKey(messages, `delays.rules.${rule}`), rule).toBe(true);
        expect(hasKey(messages, `settings.rules.when.${rule}`), rule).toBe(true);
      }
      for (const reason of HOLD_REASONS) expect(hasKey(messages, `settings.holdReasons.${reason}`), reason).toBe(true);
      for (const status of CARRIER_EXCEPTIONS)
        expect(hasKey(messages, `settings.carrierProblems.${status}`), status).toBe(true);
      for (const status of CASE_STATUSES) {
        expect(hasKey(messages, `delays.statuses.${status}`), status).toBe(true);
        expect(hasKey(messages, `delays.empty.${status}`), status).toBe(true);
      }
      for (const kind of NOTICE_KINDS) {
        expect(hasKey(messages, `notices.kinds.${kind}`), kind).toBe(true);
        expect(hasKey(messages, `settings.kinds.about.${kind}`), kind).toBe(true);
      }
      for (const status of ["queued", "deferred", "sending", "sent", "failed", "suppressed", "dead"])
        expect(hasKey(messages, `notices.statuses.${status}`), status).toBe(true);
      for (const status of ["idle", "running", "failed"])
        expect(hasKey(messages, `home.sync.status.${status}`), status).toBe(true);
    }
  });

  it("interpolate values and pick plural forms (Shopify's format)", () => {
    const english = createI18n("en");
    const japanese = createI18n("ja");
    expect(english.t("orders.subtitle", { count: 1, total: "1" })).toBe("1 order");
    expect(english.t("orders.subtitle", { count: 1200, total: "1,200" })).toBe("1,200 orders");
    expect(japanese.t("orders.subtitle", { count: 1200, total: "1,200" })).toBe("注文 1,200 件");
    expect(japanese.t("delays.age.days", { count: 3 })).toBe("3日");
  });
});

describe("the admin's locale", () => {
  it("is the admin's locale parameter, else the shop's, else English", () => {
    expect(pickLocale("ja")).toBe("ja");
    expect(pickLocale("ja-JP")).toBe("ja");
    expect(pickLocale("en-US", "ja")).toBe("en");
    expect(pickLocale(null, "ja")).toBe("ja");
    expect(pickLocale("", "ja-JP")).toBe("ja");
    expect(pickLocale("fr", "ja")).toBe("ja");
    expect(pickLocale("fr", "de")).toBe("en");
    expect(pickLocale(undefined, null)).toBe("en");
  });

  it("stays in the app's links", () => {
    expect(withLocale("/app/orders", "ja")).toBe("/app/orders?locale=ja");
    expect(withLocale("/app/delays?status=open&locale=en", "ja")).toBe("/app/delays?status=open&locale=ja");
    expect(withLocale("https://example.com/x", "ja")).toBe("https://example.com/x");
  });
});
