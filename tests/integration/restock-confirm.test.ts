// A storefront signup for an address that had unsubscribed does not lift the
// unsubscribe: the address gets the signup's confirmation (at most once a day,
// whatever it is signed up for) with a signed link, no back-in-stock alert
// until the link's page is confirmed (POST; opening it changes nothing), and
// then the alert. Real mail in the SMTP sink, the confirm route over real HTTP.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { deliverNotice, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { findSuppression, suppress } from "../../app/notices/suppression.server.ts";
import { noticeNotifier } from "../../app/restock/notifier.server.ts";
import { subscribeToRestock, type SignupInput } from "../../app/restock/subscribe.server.ts";
import type * as ConfirmRoute from "../../app/routes/notices.confirm.tsx";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-confirm.myshopify.com";
const SECRET = "confirm-secret";
const ADDRESS = "hanako@example.jp";

describe("a signup after an unsubscribe [sqlite]", () => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let deps: DeliveryDeps;
  let route: typeof ConfirmRoute;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    db = database.db;
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHOPIFY_API_KEY", "key");
    vi.stubEnv("SHOPIFY_API_SECRET", SECRET);
    vi.stubEnv("SHOPIFY_APP_URL", "https://kizuna.example.com");
    route = await import("../../app/routes/notices.confirm.tsx");
    // The route as Remix runs it, behind a real HTTP server.
    server = createServer((incoming, response) => {
      void (async () => {
        const request = new Request(new URL(incoming.url ?? "/", origin), { method: incoming.method });
        const args = { request, params: {}, context: {} };
        const result = (await (incoming.method === "POST" ? route.action(args) : route.loader(args))) as unknown as {
          init: { status?: number } | null;
        };
        response.writeHead(result.init?.status ?? 200).end();
      })();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    sink = await startMailSink();
    deps = { mailer: createSmtpMailer(sink.url), sms: null, now: () => new Date(), publicUrl: origin, secret: SECRET };
    await recordInstall(db, SHOP, null);
    await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });
    await db.product.create({ data: { shop: SHOP, id: "1001", title: "Indigo tote", handle: "tote" } });
    for (const [id, item] of [
      ["2001", "3001"],
      ["2002", "3002"],
    ] as const) {
      await db.variant.create({ data: { shop: SHOP, id, productId: "1001", inventoryItemId: item } });
      await db.inventoryLevel.create({ data: { shop: SHOP, inventoryItemId: item, locationId: "1", available: 0 } });
    }
    // The address unsubscribed from the shop's marketing mail earlier.
    await suppress(db, SHOP, "email", ADDRESS, "marketing", "unsubscribed");
  });

  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    deps?.mailer.close?.();
    await sink?.close();
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    vi.unstubAllEnvs();
    await database?.drop();
  });

  const signup = (variantId: string): SignupInput => ({
    shop: SHOP,
    variantId,
    productId: "1001",
    email: ADDRESS,
    phone: null,
    smsConsent: false,
    locale: "en",
    customerId: null,
  });

  it("keeps the unsubscribe until the link is confirmed, mails one confirmation a day, and the alert only after", async () => {
    const notices = noticeNotifier(db, queueNotice);
    const { subscription } = await subscribeToRestock(db, signup("2001"), notices.confirm);
    // Anyone can type an address into the form: the unsubscribe stands.
    expect(await findSuppression(db, SHOP, "email", ADDRESS, false)).toBe("unsubscribed");

    const confirmation = await db.notice.findFirstOrThrow({ where: { shop: SHOP, kind: "restock_confirmation" } });
    expect(await deliverNotice(db, deps, confirmation.id)).toMatchObject({ status: "sent" });
    const mail = await sink.waitFor((message) => message.envelope.to.includes(ADDRESS), 10_000);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/notices\/confirm\?token=[A-Za-z0-9_.%-]+)/.exec(mail.text ?? "")?.[1];
    expect(link).toBeDefined();

    // Signing the address up for more variants the same day mails nothing more.
    await subscribeToRestock(db, signup("2002"), notices.confirm);
    expect(await db.notice.count({ where: { shop: SHOP, kind: "restock_confirmation" } })).toBe(1);

    // Back in stock before the confirmation: no alert.
    const episode = await db.restockEpisode.create({
      data: { shop: SHOP, variantId: "2001", status: "running", availableAtStart: 1 },
    });
    await notices.notify(subscription, episode);
    const early = await db.notice.findFirstOrThrow({ where: { shop: SHOP, kind: "restock" } });
    expect(await deliverNotice(db, deps, early.id)).toMatchObject({ status: "suppressed" });

    // Opening the link changes nothing (mail scanners open links); a forged token is refused.
    expect((await fetch(link!)).status).toBe(200);
    expect(await findSuppression(db, SHOP, "email", ADDRESS, false)).toBe("unsubscribed");
    const forged = link!.replace(/\.[A-Za-z0-9_-]{43}$/, `.${"A".repeat(43)}`);
    expect((await fetch(forged, { method: "POST" })).status).toBe(400);
    expect(await findSuppression(db, SHOP, "email", ADDRESS, false)).toBe("unsubscribed");

    // The person who reads the mail confirms: the unsubscribe is lifted, the next alert goes out.
    expect((await fetch(link!, { method: "POST" })).status).toBe(200);
    expect(await findSuppression(db, SHOP, "email", ADDRESS, false)).toBeNull();
    const next = await db.restockEpisode.create({
      data: { shop: SHOP, variantId: "2001", status: "running", availableAtStart: 1 },
    });
    await notices.notify(subscription, next);
    const alert = await db.notice.findFirstOrThrow({
      where: { shop: SHOP, kind: "restock", dedupeKey: { endsWith: `:${next.id}` } },
    });
    expect(await deliverNotice(db, deps, alert.id)).toMatchObject({ status: "sent" });
    expect((await sink.messages()).filter((message) => message.envelope.to.includes(ADDRESS))).toHaveLength(2);
  });
});
