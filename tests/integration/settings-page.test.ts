// The Settings page over real HTTP through the production build, embedded the
// way the admin embeds it: a refused save answers 422 with each finding on its
// field, in the admin's language, and writes nothing; the page has one Save for
// the settings (templates keep "Save template"), and a shop in Japan that never
// saved settings opens with Japan's public holidays.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode } from "turbo-stream";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { RunningApp } from "../e2e/support/app.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { adminPage, adminPost } from "../support/admin-http.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
let app: RunningApp;

beforeAll(async () => {
  stack = await startStack("kizuna-settings-page.myshopify.com");
  ({ config, app } = stack);
  // The first admin visit installs the shop and starts its backfill: let it finish.
  expect((await adminPage(config, "")).status).toBe(200);
  for (;;) {
    const shop = await app.db.shop.findUnique({ where: { domain: config.shop } });
    if (shop?.syncStatus === "idle" && shop.syncedAt) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

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

interface ActionResult {
  ok: boolean;
  message: string;
  errors?: string[];
  fieldErrors?: Record<string, string>;
}

/** The action's answer as the page's useActionData reads it (Remix single fetch: turbo-stream). */
async function actionData(response: Response): Promise<ActionResult> {
  const decoded = await decode(response.body!);
  await decoded.done;
  const value = decoded.value as { data?: unknown } | ActionResult;
  return ("data" in value ? value.data : value) as ActionResult;
}

const saveSettings = (settings: unknown, locale?: string) =>
  adminPost(config, `/app/settings.data${locale ? `?locale=${locale}` : ""}`, {
    intent: "settings",
    settings: JSON.stringify(settings),
  });

describe("the Settings page", () => {
  it("sync filled the shop's primary language (Japanese, for its customers); the admin without a locale reads English", async () => {
    expect((await app.db.shop.findUniqueOrThrow({ where: { domain: config.shop } })).locale).toBe("ja");
    const refused = await actionData(await saveSettings({ ...GOOD, handlingDays: "31" }));
    expect(refused.fieldErrors).toEqual({ handlingDays: "Handling time: 0 to 30 business days." });
  });

  it("a bad email and an out-of-range handling time: 422, each on its field, in Japanese, nothing written", async () => {
    const bad = { ...GOOD, senderEmail: "not-an-address", handlingDays: "31" };
    const japanese = await saveSettings(bad, "ja");
    expect(japanese.status).toBe(422);
    expect(await actionData(japanese)).toEqual({
      ok: false,
      intent: "settings",
      message: "設定は保存されませんでした。2件の項目を確認してください。",
      errors: ["確認が必要な項目：送信者のメールアドレス、発送までの日数（営業日）"],
      fieldErrors: {
        senderEmail: "送信者のメールアドレス：hello@yourshop.jp のような形式で入力してください。",
        handlingDays: "発送までの日数：0〜30営業日で指定してください。",
      },
    });
    const english = await saveSettings(bad, "en");
    expect(english.status).toBe(422);
    expect(await actionData(english)).toEqual({
      ok: false,
      intent: "settings",
      message: "The settings were not saved: 2 fields need attention.",
      errors: ["Check Sender email and Handling time (business days)."],
      fieldErrors: {
        senderEmail: "Sender email: enter an address like hello@yourshop.jp.",
        handlingDays: "Handling time: 0 to 30 business days.",
      },
    });
    expect(await app.db.shopSettings.count({ where: { shop: config.shop } })).toBe(0);
  });

  it("a rule's tunable is keyed by its path; a payload that is no form is refused as a whole", async () => {
    const stalled = await saveSettings({ ...GOOD, delayRules: { stalled: { days: "99" } } }, "en");
    expect(stalled.status).toBe(422);
    expect((await actionData(stalled)).fieldErrors).toEqual({
      "delayRules.stalled.days": "Stalled parcels: 1 to 30 days.",
    });
    const none = await saveSettings(null, "en");
    expect(none.status).toBe(422);
    expect(await actionData(none)).toMatchObject({
      ok: false,
      message: "The settings were not saved.",
      fieldErrors: {},
    });
    expect(await app.db.shopSettings.count({ where: { shop: config.shop } })).toBe(0);
  });

  it("opens with Japan's holidays for this shop in Japan, one Save for the settings and Save template", async () => {
    const response = await adminPage(config, "/settings", "en");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<option value="jp" selected="">/);
    expect(html).not.toContain("Save settings");
    expect(html).toContain("Save template");
    expect(html).toContain("The Save button at the top of the page saves the settings above, not templates.");
  });

  it("a good save is written, with the holidays as chosen", async () => {
    const saved = await saveSettings({ ...GOOD, holidayPreset: "none" }, "en");
    expect(saved.status).toBe(200);
    expect(await actionData(saved)).toMatchObject({ ok: true, message: "Settings saved." });
    expect(await app.db.shopSettings.findUniqueOrThrow({ where: { shop: config.shop } })).toMatchObject({
      handlingDays: 3,
      holidayPreset: "none",
    });
  });
});
