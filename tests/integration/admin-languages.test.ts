// The admin in Japanese and English through the production build, embedded
// the way the admin embeds it (sandbox session tokens): with `locale=ja` every
// page has Japanese headings, Polaris's Japanese texts and <html lang="ja">,
// and no raw message key; with `locale=en` the English the other tests expect.
// An action answers in the request's language. The admin stand-in passes
// the staff member's locale (English unless ?locale= says otherwise).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../app/locales/en.json";
import { messageKeys } from "../../app/i18n/message-keys.ts";
import { adminUrl, appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;

beforeAll(async () => {
  stack = await startStack("kizuna-admin-languages.myshopify.com");
  ({ config } = stack);
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

// The library turns away bots (and Node's fetch looks like one): requests carry a browser's User-Agent.
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const token = () => issueSessionToken(config, { shop: config.shop });

async function page(path: string, locale: string): Promise<string> {
  const response = await fetch(appFrameUrl(config, config.shop, path, token(), "", locale), {
    redirect: "manual",
    headers: { "User-Agent": USER_AGENT },
  });
  expect(response.status, `${path} (${locale})`).toBe(200);
  return response.text();
}

/** What the page shows: the document without its scripts and tags. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ");
}

const PAGES: { path: string; ja: string[]; en: string[] }[] = [
  {
    path: "",
    ja: [
      "今すぐ対応が必要なこと",
      "Kizunaがお客様のために行ったこと",
      "今週送信した通知",
      "今週はまだ通知を送信していません",
    ],
    en: [
      "Needs you now",
      "What Kizuna did for your customers",
      "Notices sent this week",
      "No notices sent this week yet",
    ],
  },
  {
    path: "/activity",
    ja: [
      "アクティビティ",
      "ストアのイベント",
      "遅延している注文",
      "ストアの同期",
      "Kizunaが把握しているストアの情報",
      "今すぐ同期",
    ],
    en: ["Activity", "Store events", "Delayed orders", "Store sync", "What Kizuna knows about your store", "Sync now"],
  },
  {
    path: "/orders",
    ja: ["注文管理", "注文を検索", "Shopifyから届いた注文がここに表示されます"],
    en: ["Orders", "Search orders", "Orders appear here as Shopify sends them"],
  },
  {
    path: "/delays",
    ja: ["配送遅延", "現在、遅延はありません", "配達済みの荷物から算出した配送日数", "すべてのルール"],
    en: ["Delays", "No delays right now", "Transit times learned from delivered parcels", "All rules"],
  },
  {
    path: "/restock",
    ja: ["再入荷", "売り切れ商品の再入荷を待っているお客様はまだいません"],
    en: ["Back in stock", "No one is waiting for a sold-out item yet"],
  },
  {
    path: "/notices",
    ja: ["通知", "通知はまだありません", "送信済み 0 件"],
    en: ["Notices", "No notices yet", "0 sent"],
  },
  {
    path: "/settings",
    ja: [
      "設定",
      "送信者",
      "遅延ルール",
      "配送状況の更新なし",
      "Kizunaが送信する通知",
      "メッセージテンプレート",
      "テストを送信",
    ],
    en: [
      "Settings",
      "Sender",
      "Delay rules",
      "No carrier scan",
      "Which notices Kizuna sends",
      "Message templates",
      "Send me a test",
    ],
  },
];

// Keys as a page would show them raw ("orders.columns.date"): any message key of the files.
const KEYS = messageKeys(en);

describe("admin languages", () => {
  for (const { path, ja, en: english } of PAGES) {
    it(`/app${path} in Japanese: Japanese headings, no raw key, no English heading`, async () => {
      const html = await page(path, "ja");
      expect(html).toContain('<html lang="ja"');
      const text = visibleText(html);
      for (const heading of ja) expect(text).toContain(heading);
      for (const heading of english.filter((words) => !ja.includes(words))) expect(text).not.toContain(heading);
      expect(KEYS.filter((key) => html.includes(key))).toEqual([]);
    });

    it(`/app${path} in English: the English headings`, async () => {
      const html = await page(path, "en");
      expect(html).toContain('<html lang="en"');
      const text = visibleText(html);
      for (const heading of english) expect(text).toContain(heading);
      // Settings shows Japanese on purpose: "Japan (国民の祝日)", "日本語" and the Japanese template it opens on.
      if (path !== "/settings") expect(text).not.toMatch(/[\u3040-\u30ff]/);
      expect(KEYS.filter((key) => html.includes(key))).toEqual([]);
    });
  }

  it("takes ja-JP as Japanese and an unknown language as English", async () => {
    expect(await page("/orders", "ja-JP")).toContain('<html lang="ja"');
    expect(await page("/orders", "fr")).toContain('<html lang="en"');
  });

  it("keeps the language in the app's nav links", async () => {
    const html = await page("/orders", "ja");
    expect(html).toMatch(/href="\/app\/delays\?locale=ja"[^>]*>配送遅延</);
    expect(html).toMatch(/href="\/app\?locale=ja"[^>]*>ホーム</);
    // The search form (GET, which replaces the query) sends the language along.
    expect(html).toMatch(/<input type="hidden" name="locale" value="ja"\/>/);
  });

  it("answers an action in the request's language", async () => {
    const post = (search: string) =>
      fetch(`${config.appUrl}/app/delays.data${search}`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "User-Agent": USER_AGENT,
          Authorization: `Bearer ${token()}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ intent: "resolve", id: "0" }).toString(),
      });
    const japanese = await post("?locale=ja");
    expect(japanese.status).toBe(400);
    expect(await japanese.text()).toContain("遅延案件のIDが正しくありません。");
    const english = await post("");
    expect(english.status).toBe(400);
    expect(await english.text()).toContain("Delay case: not a valid id.");
  });

  it("says the Settings checks in the request's language", async () => {
    const post = (search: string, settings: Record<string, unknown>) =>
      fetch(`${config.appUrl}/app/settings.data${search}`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "User-Agent": USER_AGENT,
          Authorization: `Bearer ${token()}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ intent: "settings", settings: JSON.stringify(settings) }).toString(),
      });
    const bad = {
      senderName: "",
      senderEmail: "not-an-address",
      handlingDays: 31,
      holidayPreset: "jp",
      holidays: [],
      quietStart: "21:00",
      quietEnd: "08:00",
      dailyCap: 3,
      followUpDays: 7,
      noticeKinds: {},
    };
    const japanese = await post("?locale=ja", bad);
    expect(japanese.status).toBe(422);
    const text = await japanese.text();
    expect(text).toContain("設定は保存されませんでした。");
    expect(text).toContain("送信者のメールアドレス：hello@yourshop.jp のような形式で入力してください。");
    expect(text).toContain("発送までの日数：0〜30営業日で指定してください。");
    const english = await (await post("", bad)).text();
    expect(english).toContain("Sender email: enter an address like hello@yourshop.jp.");
    expect(english).toContain("Handling time: 0 to 30 business days.");
  });

  it("the admin stand-in frames the app in the staff member's language, or the one ?locale= asks", async () => {
    const frameSrc = async (search: string) => {
      const html = await (await fetch(`${adminUrl(config)}${search}`)).text();
      const src = /<iframe[^>]* src="([^"]+)"/.exec(html)?.[1]?.replace(/&#38;/g, "&");
      return new URL(src!).searchParams.get("locale");
    };
    expect(await frameSrc("")).toBe("en");
    expect(await frameSrc("?locale=ja")).toBe("ja");
  });
});
