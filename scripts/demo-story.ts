// The parts of `npm run demo` that show what Kizuna does for customers: the
// demo shop's notice settings, a back-in-stock episode played through the
// storefront and the stock page as a shopper and the seller would, and the
// notices in the mail sink by language.
import type { Db } from "../app/db.server.ts";
import type { RunningSandbox } from "../sandbox/server.ts";
import { until } from "./lib/wait.ts";

/**
 * Quiet hours (default 21:00–08:00 shop time) would hold every notice until
 * morning in Tokyo; the demo shop has none, so the mails show at any hour.
 */
export async function demoShopSettings(db: Db, shop: string): Promise<void> {
  const quietHoursOff = { quietStart: "00:00", quietEnd: "00:00" };
  await db.shopSettings.upsert({ where: { shop }, create: { shop, ...quietHoursOff }, update: quietHoursOff });
  console.log("  Quiet hours off for the demo shop, so notices go out now (a new shop waits from 21:00 to 08:00).");
}

const SHOPPERS: { email: string; locale: string; phone?: string }[] = [
  { email: "aoi.kimura@example.jp", locale: "ja" },
  // Asked to be texted (the block's phone field and its consent box): told by SMS.
  { email: "haruto.sato@example.jp", locale: "ja", phone: "090-1234-5678" },
  { email: "noah.smith@example.com", locale: "en" },
  { email: "yui.matsumoto@example.jp", locale: "ja" },
  { email: "mia.jones@example.com", locale: "en" },
  { email: "ren.inoue@example.jp", locale: "ja" },
  { email: "ella.taylor@example.com", locale: "en" },
  { email: "sora.hayashi@example.jp", locale: "ja" },
  { email: "lucas.brown@example.com", locale: "en" },
];

/**
 * A restock episode: shoppers sign up on a sold-out product's page (through the
 * app proxy, as the Notify me block posts), the seller receives two units on
 * the stock page, and the first wave tells as many as the stock allows.
 */
export async function playRestockEpisode(db: Db, sandbox: RunningSandbox, handle: string): Promise<boolean> {
  const data = sandbox.store.shop(sandbox.config.shop);
  const product = data && [...data.products.values()].find((candidate) => candidate.handle === handle);
  const variant = product && [...data.variants.values()].find((candidate) => candidate.productId === product.id);
  const level =
    variant && [...data.inventoryLevels.values()].find((l) => l.inventoryItemId === variant.inventoryItemId);
  if (!product || !variant || !level) {
    console.log(`  The demo shop has no product ${handle}; skipped.`);
    return false;
  }
  const origin = sandbox.config.origin;
  for (const shopper of SHOPPERS) {
    const response = await fetch(`${origin}/apps/kizuna/restock-subscriptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        variantId: variant.id,
        productId: product.id,
        email: shopper.email,
        locale: shopper.locale,
        ...(shopper.phone ? { phone: shopper.phone, smsConsent: true } : {}),
      }),
    });
    if (!response.ok)
      throw new Error(`signing up ${shopper.email} answered ${response.status}: ${await response.text()}`);
  }
  console.log(`  ${SHOPPERS.length} shoppers asked to be told when ${product.title} is back (storefront → app proxy).`);

  const units = 2;
  const received = await fetch(`${origin}/stock/adjust`, {
    method: "POST",
    body: new URLSearchParams({
      inventoryItemId: level.inventoryItemId,
      locationId: level.locationId,
      delta: String(units),
    }),
    redirect: "manual",
  });
  if (received.status !== 303) throw new Error(`receiving stock answered ${received.status}`);
  console.log(`  The seller received ${units} units on the stock page; Shopify's webhooks went to the app.`);

  const episode = await until("the restock episode's first wave", async () => {
    const found = await db.restockEpisode.findFirst({
      where: { shop: sandbox.config.shop, variantId: variant.id },
      orderBy: { id: "desc" },
    });
    return found && found.notified > 0 ? found : null;
  });
  const settings = await db.shopSettings.findUnique({ where: { shop: sandbox.config.shop } });
  const perUnit = settings?.restockPerUnit ?? 3;
  console.log(
    `  Episode ${episode.id}: ${episode.availableAtStart} units back → first wave told ${episode.notified} of ${SHOPPERS.length}, oldest first ` +
      `(${perUnit} per unit); the rest wait for the next wave in a minute, if stock is still there.`,
  );
  return true;
}

/** The app's SMS settings for the sandbox's Twilio stand-in (sandbox/sms: its default account and number). */
export function SANDBOX_SMS(origin: string): Record<string, string> {
  return {
    SMS_API_URL: `${origin}/sms`,
    SMS_ACCOUNT_SID: "ACsandbox",
    SMS_AUTH_TOKEN: "sandbox-token",
    SMS_FROM: "+15005550006",
  };
}

/** The texts in the SMS sink; true when at least one reached a shopper. */
export async function printTexts(sandbox: RunningSandbox): Promise<boolean> {
  const texts = sandbox.sms.messages().filter((message) => message.direction === "outbound-api");
  console.log(`\n  ${texts.length} text message(s) in the SMS sink${texts.length ? ", for example:" : ""}`);
  for (const text of texts.slice(0, 2)) console.log(`    to ${text.to}: ${text.body.slice(0, 100)}`);
  return texts.length > 0;
}

/** The notices in the mail sink: counts by kind and language, and one subject of each language. */
export async function printNotices(db: Db, sandbox: RunningSandbox, shop: string): Promise<boolean> {
  // Deliveries are asynchronous: wait until none is queued or being sent.
  await until(
    "the notices to be delivered",
    async () => (await db.notice.count({ where: { shop, status: { in: ["queued", "sending"] } } })) === 0,
  );
  const rows = await db.notice.groupBy({
    by: ["kind", "locale", "status"],
    where: { shop },
    _count: { _all: true },
    orderBy: [{ kind: "asc" }, { locale: "asc" }],
  });
  console.log(`  ${"notice".padEnd(24)}${"language".padEnd(10)}${"status".padEnd(12)}count`);
  for (const row of rows)
    console.log(`  ${row.kind.padEnd(24)}${row.locale.padEnd(10)}${row.status.padEnd(12)}${row._count._all}`);
  const mails = await sandbox.mail.messages();
  console.log(`\n  ${mails.length} mails in the sink, for example:`);
  for (const locale of ["ja", "en"]) {
    const sent = await db.notice.findFirst({ where: { shop, locale, status: "sent", channel: "email" } });
    if (sent) console.log(`    [${locale}] to ${sent.recipientName ?? sent.recipient}: ${sent.subject}`);
  }
  const languages = new Set(rows.filter((row) => row.status === "sent").map((row) => row.locale));
  return languages.has("ja") && languages.has("en");
}
