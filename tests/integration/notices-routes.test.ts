// The public notice routes, called as Remix calls them: the unsubscribe page and
// RFC 8058 one-click POST, and the signed inbound-SMS webhook. SQLite only: the
// routes use the process-wide client configured from DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../../app/db.server.ts";
import type * as InboundRoute from "../../app/routes/notices.sms-inbound.tsx";
import type * as UnsubscribeRoute from "../../app/routes/notices.unsubscribe.tsx";
import { signUnsubscribeToken } from "../../app/notices/suppression.server.ts";
import { twilioSignature } from "../../sandbox/sms/twilio.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-routes.myshopify.com";
const SECRET = "route-secret";
const APP_URL = "https://kizuna.example.com";
const SMS_TOKEN = "sms-token";

interface DataResult {
  data: Record<string, unknown>;
  init: { status?: number } | null;
}

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  return (result as DataResult).init?.status ?? 200;
}

describe("notice routes [sqlite]", () => {
  let database: TestDatabase;
  let db: Db;
  let unsubscribe: typeof UnsubscribeRoute;
  let inbound: typeof InboundRoute;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    db = database.db;
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHOPIFY_API_KEY", "key");
    vi.stubEnv("SHOPIFY_API_SECRET", SECRET);
    vi.stubEnv("SHOPIFY_APP_URL", APP_URL);
    vi.stubEnv("SMS_API_URL", "http://127.0.0.1:9/sms");
    vi.stubEnv("SMS_ACCOUNT_SID", "ACsandbox");
    vi.stubEnv("SMS_AUTH_TOKEN", SMS_TOKEN);
    vi.stubEnv("SMS_FROM", "+15005550006");
    unsubscribe = await import("../../app/routes/notices.unsubscribe.tsx");
    inbound = await import("../../app/routes/notices.sms-inbound.tsx");
    await db.shop.create({ data: { domain: SHOP, name: "Routes" } });
  });

  afterAll(async () => {
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    vi.unstubAllEnvs();
    await database.drop();
  });

  const token = signUnsubscribeToken(SECRET, {
    shop: SHOP,
    channel: "email",
    address: "emma@example.com",
    kindClass: "marketing",
  });
  const url = (t: string) => `${APP_URL}/notices/unsubscribe?token=${encodeURIComponent(t)}`;
  const args = (request: Request) => ({ request, params: {}, context: {} });

  it("GET shows the confirm page for a genuine token and 400 for a forged one", async () => {
    expect(statusOf(await unsubscribe.loader(args(new Request(url(token)))))).toBe(200);
    const forged = signUnsubscribeToken("not-the-secret", {
      shop: SHOP,
      channel: "email",
      address: "emma@example.com",
      kindClass: "all",
    });
    expect(statusOf(await unsubscribe.loader(args(new Request(url(forged)))))).toBe(400);
  });

  it("one-click POST (RFC 8058) suppresses and answers 200; a forged token changes nothing", async () => {
    const forged = `${token.split(".")[0]}.${"B".repeat(43)}`;
    const bad = await unsubscribe.action(
      args(new Request(url(forged), { method: "POST", body: "List-Unsubscribe=One-Click" })),
    );
    expect(statusOf(bad)).toBe(400);
    expect(await db.suppression.count()).toBe(0);
    const request = new Request(url(token), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(statusOf(await unsubscribe.action(args(request)))).toBe(200);
    expect(await db.suppression.findMany()).toMatchObject([
      { shop: SHOP, channel: "email:marketing", address: "emma@example.com", reason: "unsubscribed" },
    ]);
  });

  it("the page speaks the mail's language with the shop's name, and says when the address is already unsubscribed", async () => {
    await db.shop.upsert({
      where: { domain: SHOP },
      create: { domain: SHOP, name: "Tsumugi" },
      update: { name: "Tsumugi" },
    });
    const page = async (query: string) =>
      ((await unsubscribe.loader(args(new Request(`${url(token)}${query}`)))) as unknown as DataResult).data;
    // Emma unsubscribed in the test above.
    expect(await page("&lang=ja")).toMatchObject({ valid: true, lang: "ja", shopName: "Tsumugi", already: true });
    const other = signUnsubscribeToken(SECRET, {
      shop: SHOP,
      channel: "email",
      address: "ken@example.jp",
      kindClass: "marketing",
    });
    const fresh = (await unsubscribe.loader(args(new Request(`${url(other)}&lang=en`)))) as unknown as DataResult;
    expect(fresh.data).toMatchObject({ valid: true, lang: "en", shopName: "Tsumugi", already: false });
    // A made-up language is ignored, not echoed.
    expect(await page("&lang=xx")).toMatchObject({ lang: null });
  });

  it("inbound SMS: a bad signature is 401; a signed 停止 suppresses the number and replies in Japanese", async () => {
    const target = `${APP_URL}/notices/sms-inbound?shop=${SHOP}`;
    const params = { From: "+819011112222", To: "+15005550006", Body: "停止", MessageSid: "SM1" };
    const post = (signature: string) =>
      new Request(target, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
        body: new URLSearchParams(params).toString(),
      });
    const unsigned = (await inbound.action(args(post("forged")))) as Response;
    expect(unsigned.status).toBe(401);
    expect(await db.suppression.count({ where: { channel: "sms" } })).toBe(0);

    const answer = (await inbound.action(args(post(twilioSignature(SMS_TOKEN, target, params))))) as Response;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("<Message>配信を停止しました");
    expect(await db.suppression.findMany({ where: { channel: "sms" } })).toMatchObject([
      { shop: SHOP, address: "+819011112222", reason: "sms_stop" },
    ]);
  });

  it("inbound SMS without a shop: STOP applies to every shop that texted the number", async () => {
    for (const shop of [SHOP, "second.myshopify.com"]) {
      await db.notice.create({
        data: {
          shop,
          kind: "delay",
          dedupeKey: "sms-x",
          channel: "sms",
          locale: "en",
          recipient: "+819033334444",
          status: "sent",
        },
      });
    }
    const target = `${APP_URL}/notices/sms-inbound`;
    const params = { From: "+819033334444", To: "+15005550006", Body: "STOP", MessageSid: "SM2" };
    const answer = (await inbound.action(
      args(
        new Request(target, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilioSignature(SMS_TOKEN, target, params),
          },
          body: new URLSearchParams(params).toString(),
        }),
      ),
    )) as Response;
    expect(answer.status).toBe(200);
    const rows = await db.suppression.findMany({ where: { address: "+819033334444" }, orderBy: { shop: "asc" } });
    expect(rows.map((row) => [row.shop, row.channel])).toEqual([
      [SHOP, "sms"],
      ["second.myshopify.com", "sms"],
    ]);
  });
});
