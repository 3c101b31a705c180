// The Etsy-only seller's pages over real HTTP (production build, the sandbox's
// Etsy stand-in and mail sink), on both databases: /etsy → Etsy's consent →
// the callback creates the account and mails a sign-in link; /inbox/login
// answers the same for a known and an unknown address; the link's page spends
// nothing, its button signs in once (an HttpOnly, SameSite=Lax cookie); /inbox
// and /inbox/<id> show the account's Etsy conversation with no Shopify
// features; reply preparation and "mark sent" work; another account's
// conversation is 404; a tampered cookie or none goes to sign-in; sign-out.
// In the Shopify admin, an Etsy order's page links to Etsy instead of refund, cancel, return.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { DEMO_ETSY_SELLER } from "../../sandbox/etsy/seed.ts";
import { sandboxEtsyEnv } from "../../sandbox/etsy/link-through-app.ts";
import { randomBytes } from "node:crypto";
import { ensureBuild, startApp, type RunningApp } from "../e2e/support/app.ts";
import { startTestSandbox, type TestSandbox } from "../e2e/support/sandbox.ts";
import { adminPage, adminPost, BROWSER_UA } from "../support/admin-http.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";
import { freePort } from "../support/redis-server.ts";

const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
const markup = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, " ");

describe.each(PROVIDERS)("Etsy-only pages on %s", (provider) => {
  let sandbox: TestSandbox | undefined;
  let app: RunningApp | undefined;
  let database: TestDatabase | undefined;
  let config: SandboxConfig;
  let cookie = "";
  const shop = `etsy-${DEMO_ETSY_SELLER.shopId}`;
  const email = DEMO_ETSY_SELLER.email;

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${config.appUrl}${path}`, { headers: { "User-Agent": BROWSER_UA, ...headers }, redirect: "manual" });
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${config.appUrl}${path}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });

  beforeAll(async () => {
    ensureBuild();
    database = provider === "postgresql" ? await createTestDatabase("postgresql") : undefined;
    const [webPort, sandboxPort] = [await freePort(), await freePort()];
    config = {
      origin: `http://127.0.0.1:${sandboxPort}`,
      appUrl: `http://127.0.0.1:${webPort}`,
      apiKey: "kizuna-test-client-id",
      apiSecret: `kizuna-test-${randomBytes(8).toString("hex")}`,
      shop: `kizuna-etsy-only-${provider}.myshopify.com`,
      apiVersion: "2026-07",
    };
    sandbox = await startTestSandbox(config, sandboxPort);
    app = await startApp(
      config,
      {
        SMTP_URL: sandbox.mail.url,
        ...sandboxEtsyEnv(config.origin),
        STANDALONE_SESSION_SECRET: randomBytes(32).toString("base64"),
      },
      database ? { databaseUrl: database.url } : {},
    );
  }, 300_000);

  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
    await database?.drop();
  });

  it("has no inbox without signing in", async () => {
    const answer = await get("/inbox");
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("/inbox/login");
  });

  it("signs up on /etsy through Etsy's consent page and mails the first sign-in link", async () => {
    const page = await get("/etsy");
    expect(page.status).toBe(200);
    expect(visibleText(await page.text())).toContain("Use Kizuna with your Etsy shop");
    const start = await post("/etsy", {});
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.origin).toBe(config.origin);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    const consent = await fetch(`${config.origin}/oauth/connect`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        ...Object.fromEntries(authorize.searchParams),
        decision: "allow",
        user_id: String(DEMO_ETSY_SELLER.userId),
      }).toString(),
      redirect: "manual",
    });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get("location")!, { headers: { "User-Agent": BROWSER_UA } });
    expect(callback.status).toBe(200);
    expect(visibleText(await callback.text())).toContain("We sent a sign-in link to o***@kizunacrafts.example");
    expect(await app!.db.shop.findUnique({ where: { domain: shop } })).toMatchObject({ email, name: "KizunaCraftsJP" });
    await sandbox!.mail.waitFor((message) => message.to.includes(email), 20_000);
  });

  it("answers the sign-in form the same for a known and an unknown address", async () => {
    const known = await post("/inbox/login", { email });
    const unknown = await post("/inbox/login", { email: `nobody-${provider}@example.com` });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const banner = (html: string) => /data-login-answer[\s\S]*?<\/div>/.exec(markup(html))?.[0];
    const [a, b] = [banner(await known.text()), banner(await unknown.text())];
    expect(a).toContain("If that address has a Kizuna inbox");
    expect(b).toBe(a);
  });

  it("signs in once with the mailed link and sets an HttpOnly, SameSite=Lax cookie", async () => {
    const mails = (await sandbox!.mail.messages()).filter((message) => message.to.includes(email));
    const token = /\/inbox\/login\/([A-Za-z0-9_-]{43})/.exec(mails.at(-1)!.text ?? "")![1]!;
    // Opening the link (a mail scanner would) spends nothing.
    expect((await get(`/inbox/login/${token}`)).status).toBe(200);
    expect((await get(`/inbox/login/${token}`)).status).toBe(200);
    const signIn = await post(`/inbox/login/${token}`, {});
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get("location")).toBe("/inbox");
    const setCookie = signIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^kizuna_inbox=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    cookie = setCookie.split(";")[0]!;
    expect((await post(`/inbox/login/${token}`, {})).status).toBe(410);
    expect((await get(`/inbox/login/${token}`)).status).toBe(410);
  });

  it("shows the account's Etsy conversation with no Shopify features; prepares a reply and marks it sent", async () => {
    const received = await receiveMessage(app!.db, shop, {
      channel: "etsy",
      providerMessageId: `etsy-pages-${provider}`,
      identities: [{ kind: "etsy_buyer", value: "71000002" }],
      contactName: "Emma Clarke",
      subject: "Etsy Conversation with Emma Clarke",
      text: "Could the cup come in <b>blue</b>?",
      kind: "message",
      etsyUrl: "https://www.etsy.com/conversations/123",
      receivedAt: new Date(),
    });
    if (received.dropped) throw new Error("dropped");
    const id = received.conversationId;
    const list = await get("/inbox", { Cookie: cookie });
    expect(list.status).toBe(200);
    const listHtml = markup(await list.text());
    expect(listHtml).toContain(`href="/inbox/${id}"`);
    expect(listHtml).not.toContain("/app/inbox");
    expect(visibleText(listHtml)).toContain("Kizuna · KizunaCraftsJP");

    const page = await get(`/inbox/${id}`, { Cookie: cookie });
    expect(page.status).toBe(200);
    const html = markup(await page.text());
    expect(html).toContain("&lt;b&gt;blue&lt;/b&gt;");
    expect(html).not.toContain("/app/orders");
    expect(html).not.toContain("/app/returns");
    expect(html).toContain("https://www.etsy.com/conversations/123");

    const prepared = await post(
      `/inbox/${id}`,
      { intent: "reply", text: "Yes, blue is possible.", seen: "0" },
      { Cookie: cookie },
    );
    expect(prepared.status).toBe(200);
    const message = await app!.db.message.findFirstOrThrow({
      where: { shop, conversationId: id, direction: "outgoing" },
    });
    expect(message.status).toBe("to_send");
    const marked = await post(
      `/inbox/${id}`,
      { intent: "marked-sent", messageId: String(message.id) },
      { Cookie: cookie },
    );
    expect(marked.status).toBe(200);
    expect((await app!.db.message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe("marked_sent");
    // No mail ever went to the Etsy buyer.
    expect((await sandbox!.mail.messages()).some((mail) => /emma/i.test(mail.to))).toBe(false);
  });

  it("answers 404 for another account's conversation, and sends a tampered cookie to sign-in", async () => {
    await app!.db.shop.create({ data: { domain: "etsy-424242", email: "someone@example.com" } });
    const theirs = await receiveMessage(app!.db, "etsy-424242", {
      channel: "etsy",
      providerMessageId: `etsy-theirs-${provider}`,
      identities: [{ kind: "etsy_buyer", value: "99" }],
      text: "Not yours",
      kind: "message",
      receivedAt: new Date(),
    });
    if (theirs.dropped) throw new Error("dropped");
    expect((await get(`/inbox/${theirs.conversationId}`, { Cookie: cookie })).status).toBe(404);
    const refused = await post(`/inbox/${theirs.conversationId}`, { intent: "resolve" }, { Cookie: cookie });
    expect(refused.status).toBe(404);
    expect((await app!.db.conversation.findUniqueOrThrow({ where: { id: theirs.conversationId } })).status).toBe(
      "open",
    );
    const [value, signature] = cookie.split("=")[1]!.split(".");
    const forged = Buffer.from(JSON.stringify({ s: "etsy-424242", e: email, x: Date.now() + 3600_000 })).toString(
      "base64url",
    );
    for (const bad of [`kizuna_inbox=${forged}.${signature}`, `kizuna_inbox=${value}.${signature!.slice(0, -1)}x`]) {
      const answer = await get("/inbox", { Cookie: bad });
      expect(answer.status).toBe(302);
      expect(answer.headers.get("location")).toBe("/inbox/login");
    }
  });

  it("shows an Etsy order in the admin with a link to Etsy and no refund, cancel or return", async () => {
    // The Shopify store's first admin page load exchanges its session token.
    expect((await adminPage(config, "/orders")).status).toBe(200);
    const at = new Date(Date.now() - 3 * 86_400_000);
    const order = (id: string, source: string) => ({
      shop: config.shop,
      id,
      name: source === "etsy" ? `Etsy #${id.slice(5)}` : "#1001",
      currency: "JPY",
      totalPrice: "4700",
      financialStatus: "paid",
      source,
      shopifyCreatedAt: at,
      shopifyUpdatedAt: at,
    });
    await app!.db.order.create({ data: order("etsy:3100000077", "etsy") });
    await app!.db.order.create({ data: order("5550001", "shopify") });
    const etsyPage = await adminPage(config, `/orders/${encodeURIComponent("etsy:3100000077")}`);
    expect(etsyPage.status).toBe(200);
    const etsyHtml = markup(await etsyPage.text());
    expect(etsyHtml).toContain("data-etsy-money");
    expect(etsyHtml).toContain("https://www.etsy.com/your/orders/sold?order_id=3100000077");
    expect(visibleText(etsyHtml)).not.toMatch(/Refund without a return|Cancel the order|Start a return/);
    expect(visibleText(etsyHtml)).not.toContain("Open in Shopify admin");
    // A Shopify order keeps its money actions (the page is the same).
    const shopifyHtml = markup(await (await adminPage(config, "/orders/5550001")).text());
    expect(shopifyHtml).not.toContain("data-etsy-money");
    expect(visibleText(shopifyHtml)).toMatch(/Refund without a return[\s\S]*Cancel the order/);
    // And the money action itself is refused for an Etsy order.
    const refused = await adminPost(config, `/app/orders/${encodeURIComponent("etsy:3100000077")}.data`, {
      intent: "cancel-order",
    });
    expect(refused.status).toBe(404);
  });

  it("signs out", async () => {
    const out = await post("/inbox/logout", {}, { Cookie: cookie });
    expect(out.status).toBe(302);
    expect(out.headers.get("set-cookie")).toMatch(/^kizuna_inbox=; Path=\/; Max-Age=0/);
  });
});
