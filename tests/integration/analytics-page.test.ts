// The Analytics page through the real admin routes (production build, sandbox
// session tokens), on both databases: it loads in English and in Japanese
// with the shop's figures; a table downloads as CSV; another shop's rows never
// appear on the page or in a CSV; bad input answers 4xx and changes nothing;
// self-help answers are saved and deleted, another shop's answer is a 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { adminPage, BROWSER_UA } from "../support/admin-http.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";
import { recomputeDays, daysFrom } from "../../app/analytics/rollups.server.ts";
import { localDate, addDays } from "../../app/delays/calendar.ts";
import type { Db } from "../../app/db.server.ts";

function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe.each(PROVIDERS)("analytics page on %s", (provider) => {
  let stack: TestStack | undefined;
  let database: TestDatabase | undefined;
  let config: SandboxConfig;
  const shop = `kizuna-analytics-page-${provider}.myshopify.com`;
  const other = `kizuna-analytics-page-other-${provider}.myshopify.com`;
  const db = (): Db => stack!.app.db;
  let sequence = 0;

  const page = (search: string, locale = "en") =>
    fetch(appFrameUrl(config, shop, "/analytics", issueSessionToken(config, { shop }), search, locale), {
      headers: { "User-Agent": BROWSER_UA },
    });
  const authorized = (path: string, init: RequestInit = {}) =>
    fetch(`${stack!.app.url}${path}`, {
      redirect: "manual",
      ...init,
      headers: {
        "User-Agent": BROWSER_UA,
        Authorization: `Bearer ${issueSessionToken(config, { shop })}`,
        ...(init.body ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      },
    });
  const post = (fields: Record<string, string>) =>
    authorized("/app/analytics.data", { method: "POST", body: new URLSearchParams(fields).toString() });

  async function customerConversation(
    target: string,
    channel: string,
    tag: string,
    at: Date,
    replyAfterMinutes: number,
  ) {
    const contact = await db().contact.create({ data: { shop: target, name: `Customer ${++sequence}` } });
    const conversation = await db().conversation.create({
      data: {
        shop: target,
        contactId: contact.id,
        channel,
        replyToken: `analytics-page-${provider}-${++sequence}`,
        tags: JSON.stringify([tag]),
        firstMessageAt: at,
      },
    });
    await db().message.create({
      data: {
        shop: target,
        conversationId: conversation.id,
        direction: "incoming",
        channel,
        author: "customer",
        createdAt: at,
      },
    });
    await db().message.create({
      data: {
        shop: target,
        conversationId: conversation.id,
        direction: "outgoing",
        channel,
        author: "Aiko",
        status: "sent",
        createdAt: new Date(at.getTime() + replyAfterMinutes * 60_000),
      },
    });
  }

  beforeAll(async () => {
    database = provider === "postgresql" ? await createTestDatabase("postgresql") : undefined;
    stack = await startStack(shop, database ? { databaseUrl: database.url } : {});
    config = stack.config;
    // The first page load exchanges the session token (offline session).
    expect((await adminPage(config, "/analytics")).status).toBe(200);
    await db().shop.upsert({
      where: { domain: other },
      create: { domain: other, timezone: "Asia/Tokyo", currency: "JPY" },
      update: {},
    });
    const yesterday = new Date(Date.now() - 86_400_000);
    await customerConversation(shop, "email", "where-is-my-order", yesterday, 30);
    await customerConversation(shop, "sms", "where-is-my-order", yesterday, 90);
    await customerConversation(other, "etsy", "othershop-secret-tag", yesterday, 5);
    await db().selfHelpAnswer.create({
      data: { shop: other, topic: "customs", locale: "en", title: "Other shop's customs answer", body: "secret" },
    });
    for (const target of [shop, other]) {
      const row = await db().shop.findUniqueOrThrow({ where: { domain: target }, select: { timezone: true } });
      const today = localDate(new Date(), row.timezone ?? "UTC");
      await recomputeDays(db(), target, daysFrom(addDays(today, -40), today));
    }
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
    await database?.drop();
  });

  it("loads in English and in Japanese with the shop's own figures only", async () => {
    const english = await page("days=30", "en");
    expect(english.status).toBe(200);
    const en = visibleText(await english.text());
    expect(en).toContain("Analytics");
    expect(en).toContain("Contacts prevented");
    expect(en).toContain("where-is-my-order");
    expect(en).toContain("First response (business hours)");
    expect(en).toContain("Not enough data yet");
    expect(en).not.toContain("othershop-secret-tag");
    expect(en).not.toContain("Other shop's customs answer");

    const japanese = await page("days=30", "ja");
    expect(japanese.status).toBe(200);
    const ja = visibleText(await japanese.text());
    expect(ja).toContain("分析");
    expect(ja).toContain("防げた問い合わせ");
    expect(ja).toContain("初回応答(営業時間)");
    expect(ja).toContain("メール");
    expect(ja).toContain("まだデータが足りません");
    expect(ja).not.toContain("othershop-secret-tag");
  });

  it("downloads a table as CSV for the same period, without another shop's rows", async () => {
    const response = await authorized("/app/analytics/csv?table=contacts_topic&days=30");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const csv = await response.text();
    expect(csv.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("tag,current,previous");
    expect(csv).toContain("where-is-my-order,2,0");
    expect(csv).not.toContain("othershop");
    const channels = await (await authorized("/app/analytics/csv?table=contacts_channel&days=30")).text();
    expect(channels).toContain("email,1,0");
    expect(channels).toContain("sms,1,0");
    expect(channels).not.toContain("etsy");
    expect((await authorized("/app/analytics/csv?table=customers&days=30")).status).toBe(404);
    expect((await authorized("/app/analytics/csv?table=contacts_topic&from=2026-02-30&to=2026-03-01")).status).toBe(
      400,
    );
    // Without a session token: no data.
    const anonymous = await fetch(`${stack!.app.url}/app/analytics/csv?table=contacts_topic`, {
      headers: { "User-Agent": BROWSER_UA },
      redirect: "manual",
    });
    expect(anonymous.status).not.toBe(200);
  });

  it("a period it cannot show answers 400 with the last 30 days", async () => {
    const response = await page("from=2026-05-10&to=2026-05-01");
    expect(response.status).toBe(400);
    expect(visibleText(await response.text())).toContain("Choose a start day on or before the end day");
  });

  it("self-help answers: saved, refused when empty, another shop's answer is a 404", async () => {
    const saved = await post({
      intent: "save-answer",
      topic: "shipping",
      locale: "ja",
      title: "配送について",
      body: "<b>3日</b>でお届けします。",
    });
    expect(saved.status).toBe(200);
    const rows = await db().selfHelpAnswer.findMany({ where: { shop } });
    expect(rows.map((row) => [row.topic, row.locale, row.title])).toEqual([["shipping", "ja", "配送について"]]);
    const html = await (await page("days=30")).text();
    // The seller's text is shown as text.
    expect(html).not.toContain("<b>3日</b>");
    expect(visibleText(html)).toContain("配送について");

    expect((await post({ intent: "save-answer", topic: "shipping", locale: "ja", title: "", body: "x" })).status).toBe(
      400,
    );
    expect((await post({ intent: "save-answer", topic: "weather", locale: "ja", title: "t", body: "x" })).status).toBe(
      400,
    );
    expect((await db().selfHelpAnswer.findFirstOrThrow({ where: { shop } })).body).toBe("<b>3日</b>でお届けします。");

    const foreign = await db().selfHelpAnswer.findFirstOrThrow({ where: { shop: other } });
    expect((await post({ intent: "delete-answer", answerId: String(foreign.id) })).status).toBe(404);
    expect(await db().selfHelpAnswer.count({ where: { shop: other } })).toBe(1);
    expect((await post({ intent: "delete-answer", answerId: String(rows[0]!.id) })).status).toBe(200);
    expect(await db().selfHelpAnswer.count({ where: { shop } })).toBe(0);
  });

  it("the holdout switch: saved, and a share over 50% is refused with nothing changed", async () => {
    expect((await post({ intent: "holdout", on: "on", percent: "20" })).status).toBe(200);
    expect(
      await db().shopSettings.findUnique({ where: { shop }, select: { holdoutOn: true, holdoutPercent: true } }),
    ).toEqual({
      holdoutOn: true,
      holdoutPercent: 20,
    });
    expect((await post({ intent: "holdout", on: "off", percent: "80" })).status).toBe(400);
    expect((await post({ intent: "holdout", on: "off", percent: "ten" })).status).toBe(400);
    expect(
      await db().shopSettings.findUnique({ where: { shop }, select: { holdoutOn: true, holdoutPercent: true } }),
    ).toEqual({
      holdoutOn: true,
      holdoutPercent: 20,
    });
  });
});
