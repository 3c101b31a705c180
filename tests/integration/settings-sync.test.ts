// A shop's sync fills its primary language (Shop.locale, the customers'
// fallback) from the Admin API, and a shop in Japan that has not chosen its
// public holidays gets Japan's: the Settings page and the delay scan agree.
// The sandbox's seeded demo shop (Japan, Asia/Tokyo, "ja" primary and "en"
// published) is synced through the Admin API emulator.
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadRuleContext } from "../../app/delays/context.server.ts";
import { ShopLocalesQuery } from "../../app/graphql/shop.ts";
import { getShopSettings, saveShopSettingsByField } from "../../app/settings/shop-settings.server.ts";
import { AdminApi, AdminApiError } from "../../app/shopify/admin-api.server.ts";
import { syncShop, syncShopLocale } from "../../app/sync/sync-shop.server.ts";
import { startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-settings-sync.myshopify.com";
const NOW = new Date("2026-11-20T03:00:00Z");

describeEachDatabase("settings defaults from the synced shop", (provider) => {
  let sandbox: RunningSandbox;
  let database: TestDatabase;
  let api: AdminApi;

  beforeAll(async () => {
    sandbox = await startSandbox({
      appUrl: "http://127.0.0.1:9",
      apiKey: "settings-sync-key",
      apiSecret: "settings-sync-secret",
      shop: SHOP,
      apiVersion: "2026-07",
    });
    database = await createTestDatabase(provider);
    api = new AdminApi({
      shop: SHOP,
      accessToken: sandbox.store.issueAccessToken(SHOP),
      origin: sandbox.config.origin,
    });
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    await database?.drop();
  });

  it("the sandbox answers shopLocales: Japanese first, English published", async () => {
    const { data } = await api.request<{ shopLocales: unknown }>(ShopLocalesQuery);
    expect(data.shopLocales).toEqual([
      { locale: "ja", primary: true, published: true },
      { locale: "en", primary: false, published: true },
    ]);
  });

  it("sync fills Shop.locale with the shop's primary locale", async () => {
    const { db } = database;
    await syncShop(db, api, SHOP, NOW);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).toMatchObject({
      locale: "ja",
      timezone: "Asia/Tokyo",
      currency: "JPY",
      syncStatus: "idle",
    });
  });

  it("a refused shopLocales (no read_locales scope) keeps the stored locale and does not fail the sync", async () => {
    const { db } = database;
    const refusing = {
      request: (query: string, variables?: Record<string, unknown>) =>
        query === ShopLocalesQuery
          ? Promise.reject(new AdminApiError("graphql", ["Access denied for shopLocales field."]))
          : api.request(query, variables),
    } as unknown as AdminApi;
    expect(await syncShopLocale(db, refusing, SHOP)).toBeNull();
    await syncShop(db, refusing, SHOP, NOW);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).toMatchObject({
      locale: "ja",
      syncStatus: "idle",
    });
  });

  it("a shop in Japan with no saved settings reads Japan's holidays, on the page and in the delay scan", async () => {
    const { db } = database;
    expect(await db.shopSettings.count({ where: { shop: SHOP } })).toBe(0);
    expect((await getShopSettings(db, SHOP)).holidayPreset).toBe("jp");
    expect((await loadRuleContext(db, SHOP, NOW)).calendar.preset).toBe("jp");

    // A row written for something else (the demo turns quiet hours off) is not a choice of holidays.
    await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });
    expect((await getShopSettings(db, SHOP)).holidayPreset).toBe("jp");
    expect((await loadRuleContext(db, SHOP, NOW)).calendar.preset).toBe("jp");
  });

  it("the seller's choice of none stays none for a shop in Japan; a refused save writes nothing", async () => {
    const { db } = database;
    const settings = await getShopSettings(db, SHOP);
    const form = { ...settings, senderName: "", senderEmail: "", holidayPreset: "none" as const };
    const before = await db.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    const refused = await saveShopSettingsByField(db, SHOP, {
      ...form,
      senderEmail: "not-an-address",
      handlingDays: 31,
    });
    expect(refused).toEqual({
      ok: false,
      fieldErrors: {
        senderEmail: ["Sender email: enter an address like hello@yourshop.jp."],
        handlingDays: ["Handling time: 0 to 30 business days."],
      },
    });
    expect(await db.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } })).toEqual(before);

    expect((await saveShopSettingsByField(db, SHOP, form)).ok).toBe(true);
    expect((await getShopSettings(db, SHOP)).holidayPreset).toBeNull();
    expect((await loadRuleContext(db, SHOP, NOW)).calendar.preset).toBeNull();
    expect((await saveShopSettingsByField(db, SHOP, { ...form, holidayPreset: "jp" })).ok).toBe(true);
    expect((await loadRuleContext(db, SHOP, NOW)).calendar.preset).toBe("jp");
  });

  it("a shop elsewhere that has not chosen starts with none", async () => {
    const { db } = database;
    const other = "kizuna-settings-elsewhere.myshopify.com";
    await db.shop.create({ data: { domain: other, timezone: "Europe/Paris", currency: "EUR" } });
    expect((await getShopSettings(db, other)).holidayPreset).toBeNull();
    expect((await loadRuleContext(db, other, NOW)).calendar.preset).toBeNull();
  });
});
