// The parts of `npm run demo` that show what Kizuna does for customers: the
// demo shop's notice settings, a back-in-stock episode played through the
// storefront and the stock page as a shopper and the seller would, the
// notices in the mail sink by language, the seeded returns in each state, and
// a customer's own order page.
import type { Db } from "../app/db.server.ts";
import { orderPageUrl } from "../app/storefront/order-link.server.ts";
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

const RETURN_STATES = ["REQUESTED", "OPEN", "CLOSED", "DECLINED", "CANCELED"] as const;

/**
 * The seeded returns as Kizuna holds them after the replay (each return's history
 * went to the app as Shopify's webhooks): how many in each state, by name and
 * order. True when every state has at least one — each tab of the admin's Returns list.
 */
export async function printReturns(db: Db, sandbox: RunningSandbox, shop: string): Promise<boolean> {
  const returns = await db.return.findMany({ where: { shop }, orderBy: [{ status: "asc" }, { name: "asc" }] });
  const scenarioOf = new Map(
    (sandbox.seed?.orders ?? []).map((order) => [String(order.id).replace(/^gid:\/\/shopify\/Order\//, ""), order]),
  );
  console.log(`  ${"state".padEnd(11)}${"return".padEnd(11)}${"order".padEnd(8)}what the seeded order shows`);
  for (const state of RETURN_STATES) {
    const inState = returns.filter((ret) => ret.status === state);
    if (!inState.length) console.log(`  ${state.padEnd(11)}none`);
    for (const ret of inState) {
      const order = ret.orderId ? scenarioOf.get(ret.orderId) : undefined;
      console.log(
        `  ${state.padEnd(11)}${(ret.name ?? ret.id).padEnd(11)}${(order?.name ?? "—").padEnd(8)}${order?.description ?? ""}`,
      );
    }
  }
  const missing = RETURN_STATES.filter((state) => !returns.some((ret) => ret.status === state));
  if (missing.length) console.log(`  No return ${missing.join(", ")}: the replay did not bring them.`);
  return missing.length === 0;
}

/**
 * The customer's order page of the seeded delayed order: the signed link its delay
 * notice carries (orderPageUrl, as the app makes it), opened once through the
 * storefront's app proxy as a phone would. Null when it does not open.
 */
export async function orderPageOfDelayedOrder(
  db: Db,
  sandbox: RunningSandbox,
  shop: string,
  appEnv: NodeJS.ProcessEnv,
  userAgent: string,
): Promise<{ url: string; name: string; customer: string | null; notified: boolean } | null> {
  const delayed = sandbox.seed?.orders.find((order) => order.scenario === "delayed");
  if (!delayed) {
    console.log("  The demo shop has no delayed order; no order page to show.");
    return null;
  }
  const orderId = String(delayed.id).replace(/^gid:\/\/shopify\/Order\//, "");
  // orderPageUrl signs with the app's secret and links the sandbox's storefront: it reads the app's environment.
  for (const name of [
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_APP_URL",
    "SHOPIFY_SANDBOX",
    "SHOPIFY_SANDBOX_ORIGIN",
  ])
    process.env[name] ??= appEnv[name];
  const url = orderPageUrl(shop, orderId);
  const page = await fetch(url, { headers: { "User-Agent": userAgent } });
  const html = await page.text();
  if (page.status !== 200 || !html.includes(delayed.name)) {
    console.log(`  The order page of ${delayed.name} answered ${page.status}: ${url}`);
    return null;
  }
  const notified = (await db.notice.count({ where: { shop, orderId, kind: "delay", status: "sent" } })) > 0;
  return { url, name: delayed.name, customer: delayed.customer, notified };
}
