// A back-in-stock mail shows the product as a card — its image (alt: the
// title), name and variant, price, and a "Buy now" / 「今すぐ購入」 button to the
// product page on the shop's storefront — with every value escaped; the text
// part still carries the link; the link opens a real page on the sandbox's
// storefront. Real mail through the SMTP sink, the storefront over real HTTP.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { deliverNotice, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { projectEvent } from "../../app/mirror/project-event.server.ts";
import { variablesOf } from "../../app/notices/kinds.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { checkTemplate } from "../../app/notices/template-language.ts";
import { defaultStorefrontOrigin, noticeNotifier } from "../../app/restock/notifier.server.ts";
import type { RestockSubscription } from "../../app/restock/types.ts";
import { sandboxOf } from "../../app/sandbox/sandbox.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startMailSink, type MailSink, type SinkMessage } from "../../sandbox/mail/mail-sink.ts";
import { createStorefrontHandler } from "../../sandbox/storefront/storefront.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { close, originOf, serve } from "../support/serve.ts";

const SHOP = "kizuna-card.myshopify.com";
const SECRET = "card-secret";
const TITLE = "Indigo <script>alert(1)</script> tote";
const ESCAPED_TITLE = "Indigo &lt;script&gt;alert(1)&lt;/script&gt; tote";
const IMAGE = "https://cdn.shopify.com/s/files/1/0001/tote.jpg?v=1&width=960";

describe("the back-in-stock mail's product card [sqlite]", () => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let deps: DeliveryDeps;
  let storefront: Server;
  let origin: string;
  const config: SandboxConfig = {
    origin: "",
    appUrl: "http://127.0.0.1:9",
    apiKey: "card-key",
    apiSecret: SECRET,
    shop: SHOP,
    apiVersion: "2026-01",
  };

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    db = database.db;
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHOPIFY_API_KEY", config.apiKey);
    vi.stubEnv("SHOPIFY_API_SECRET", SECRET);
    vi.stubEnv("SHOPIFY_APP_URL", "https://kizuna.example.com");
    // The sandbox's storefront, serving the same product the app's mirror knows.
    storefront = await serve([
      createStorefrontHandler(config, {
        products: () => [
          {
            id: "gid://shopify/Product/1001",
            handle: "indigo-tote",
            title: TITLE,
            description: "Hand-dyed canvas.",
            variants: [
              {
                id: "gid://shopify/ProductVariant/2001",
                title: "Indigo",
                price: "4800",
                available: true,
                inventoryQuantity: 2,
              },
            ],
          },
          {
            id: "gid://shopify/Product/1002",
            handle: "hinoki-soap",
            title: "Hinoki soap",
            description: "Cypress scented.",
            variants: [
              {
                id: "gid://shopify/ProductVariant/2002",
                title: "Default Title",
                price: "1200",
                available: true,
                inventoryQuantity: 5,
              },
            ],
          },
        ],
        proxy: { subpath: "kizuna", prefix: "apps" },
      }),
    ]);
    origin = originOf(storefront);
    config.origin = origin;

    sink = await startMailSink();
    deps = {
      mailer: createSmtpMailer(sink.url),
      sms: null,
      now: () => new Date(),
      publicUrl: "https://kizuna.example.com",
      secret: SECRET,
    };
    await recordInstall(db, SHOP, null);
    await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });
    // The product as products/update brings it, through the mirror (its image kept as Product.imageUrl).
    await projectEvent(db, {
      shop: SHOP,
      topic: "products/update",
      triggeredAt: null,
      payload: {
        id: 1001,
        admin_graphql_api_id: "gid://shopify/Product/1001",
        title: TITLE,
        handle: "indigo-tote",
        status: "active",
        updated_at: "2026-11-01T00:00:00Z",
        image: { id: 1, src: IMAGE },
        images: [{ id: 1, src: IMAGE }],
        variants: [
          {
            id: 2001,
            admin_graphql_api_id: "gid://shopify/ProductVariant/2001",
            title: "Indigo",
            price: "4800",
            inventory_item_id: 3001,
            inventory_quantity: 0,
            updated_at: "2026-11-01T00:00:00Z",
          },
        ],
      },
    });
    expect(await db.product.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: "1001" } } })).toMatchObject({
      imageUrl: IMAGE,
    });
    await db.product.create({ data: { shop: SHOP, id: "1002", title: "Hinoki soap", handle: "hinoki-soap" } });
    await db.variant.create({
      data: {
        shop: SHOP,
        id: "2002",
        productId: "1002",
        inventoryItemId: "3002",
        title: "Default Title",
        price: "1200",
      },
    });
  });

  afterAll(async () => {
    deps?.mailer.close?.();
    await sink?.close();
    if (storefront) await close(storefront);
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    vi.unstubAllEnvs();
    await database?.drop();
  });

  async function alertFor(variantId: string, email: string, locale: string) {
    const subscription: RestockSubscription = await db.restockSubscription.create({
      data: { shop: SHOP, variantId, email, locale },
    });
    const episode = await db.restockEpisode.create({
      data: { shop: SHOP, variantId, status: "running", availableAtStart: 2 },
    });
    const notices = noticeNotifier(db, queueNotice, false, { storefrontOrigin: () => origin });
    await notices.notify(subscription, episode);
    const notice = await db.notice.findFirstOrThrow({
      where: { shop: SHOP, kind: "restock", dedupeKey: { endsWith: `:${subscription.id}:${episode.id}` } },
    });
    expect(await deliverNotice(db, deps, notice.id)).toMatchObject({ status: "sent" });
    return sink.waitFor((message: SinkMessage) => message.envelope.to.includes(email), 10_000);
  }

  it("shows the image, the escaped title, variant, price and a Buy now button to the product page", async () => {
    const mail = await alertFor("2001", "emma@example.com", "en");
    const productUrl = `${origin}/products/indigo-tote?variant=2001`;
    const html = mail.html ?? "";

    expect(html).toContain(`<img src="${IMAGE.replace(/&/g, "&amp;")}" alt="${ESCAPED_TITLE}"`);
    expect(html).toMatch(/<img [^>]*max-width:480px/);
    expect(html).toMatch(new RegExp(`<a href="${productUrl.replace(/[.?]/g, "\\$&")}"[^>]*>Buy now</a>`));
    expect(html).toContain(`${ESCAPED_TITLE} — Indigo`);
    expect(html).toContain("¥4,800");
    // A seller-written title never becomes markup; no stylesheet, a table layout.
    expect(html).not.toContain("<script>");
    expect(html).not.toMatch(/<style|<link /i);
    expect(html).toContain('<table role="presentation"');
    // The plain-text part carries the link too.
    expect(mail.text).toContain(`Buy now: ${productUrl}`);
    expect(mail.text).toContain("¥4,800");

    // The link opens the product page on the sandbox's storefront.
    const page = await fetch(productUrl);
    expect(page.status).toBe(200);
    const body = await page.text();
    // The storefront escapes with numeric character references.
    expect(body).toContain(`<h1>${TITLE.replace(/[<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</h1>`);
    expect(body).not.toContain(TITLE);
  });

  it("writes the button in the mail's language, and shows the card without an image when there is none", async () => {
    const mail = await alertFor("2002", "hanako@example.jp", "ja");
    const productUrl = `${origin}/products/hinoki-soap?variant=2002`;
    const html = mail.html ?? "";
    expect(mail.subject).toBe("Hinoki soap が再入荷しました");
    expect(html).not.toContain("<img");
    expect(html).toContain(`<a href="${productUrl}"`);
    expect(html).toMatch(/>今すぐ購入<\/a>/);
    expect(html).toContain("1,200");
    expect(mail.text).toContain(`今すぐ購入: ${productUrl}`);
    const page = await fetch(productUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<h1>Hinoki soap</h1>");
  });

  it("an image URL that is not http(s) is never kept nor shown", async () => {
    const payload = {
      id: 1003,
      title: "Odd",
      handle: "odd",
      updated_at: "2026-11-01T00:00:00Z",
      image: { src: 'javascript:alert(1)//"onerror=' },
      variants: [{ id: 2003, title: "Default Title", price: "100", updated_at: "2026-11-01T00:00:00Z" }],
    };
    await projectEvent(db, { shop: SHOP, topic: "products/update", triggeredAt: null, payload });
    expect(
      (await db.product.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: "1003" } } })).imageUrl,
    ).toBeNull();
    // Stored some other way, it is still not shown.
    await db.product.update({
      where: { shop_id: { shop: SHOP, id: "1003" } },
      data: { imageUrl: 'javascript:alert(1)//"onerror=' },
    });
    const mail = await alertFor("2003", "mallory@example.com", "en");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).not.toContain("javascript:");
  });

  it("a seller's own template keeps working: its bare {{productUrl}} is a link, and it may use the new blocks", async () => {
    await db.noticeTemplate.create({
      data: {
        shop: SHOP,
        kind: "restock",
        locale: "en",
        channel: "email",
        subject: "{{productTitle}} is back",
        body: "Hi {{customerName}},\n\n{{productTitle}} is back: {{productUrl}}\n\n{{#button productUrl}}Get <yours>{{/button}}",
      },
    });
    try {
      const mail = await alertFor("2001", "seller-template@example.com", "en");
      const productUrl = `${origin}/products/indigo-tote?variant=2001`;
      expect(mail.html).toContain(`<a href="${productUrl}">${productUrl}</a>`);
      expect(mail.html).toMatch(/>Get &lt;yours&gt;<\/a>/);
      expect(mail.text).toContain(`Get <yours>: ${productUrl}`);
    } finally {
      await db.noticeTemplate.deleteMany({ where: { shop: SHOP } });
    }
    // A button or image must point at a link variable; the editor says which.
    expect(checkTemplate("{{#button productTitle}}Buy{{/button}}", variablesOf("restock"))).toContain(
      "needs a link variable",
    );
    expect(checkTemplate("{{#button productUrl}}Buy{{/button}}", variablesOf("restock"))).toBeNull();
  });

  it("links to the sandbox's storefront in sandbox mode, else to the shop's domain", () => {
    const sandbox = sandboxOf({ SHOPIFY_SANDBOX: "1", SHOPIFY_SANDBOX_ORIGIN: `${origin}/` });
    expect(defaultStorefrontOrigin(SHOP, sandbox)).toBe(origin);
    expect(defaultStorefrontOrigin(SHOP, null)).toBe(`https://${SHOP}`);
  });
});
