// The sandbox: one HTTP server made of the stand-ins for what needs a Shopify
// account (docs/decisions/0005-sandbox.md), plus the SMTP sink. Used by
// `npm run demo`, the browser tests and the integration tests.
import { createServer, type Server } from "node:http";
import { createAdminApiHandler, type AdminApiStats } from "./admin-api/index.ts";
import { adminUrl, createAdminHostHandler } from "./admin/index.ts";
import type { SandboxConfig, SandboxHandler } from "./http.ts";
import { freePort, sendJson } from "./http.ts";
import { createMailPagesHandler } from "./mail/mail-pages.ts";
import { startMailSink, type MailSink } from "./mail/mail-sink.ts";
import { createSmsSinkHandler, createSmsStore, type SmsStore } from "./sms/sms-sink.ts";
import { createStockPagesHandler } from "./stock/stock-pages.ts";
import { createStorefrontHandler, type StorefrontProduct } from "./storefront/storefront.ts";
import {
  createSandboxStore,
  formatSeedSummary,
  seedDemoShop,
  type SandboxStore,
  type SeedSummary,
} from "./store/index.ts";
import { emitterFor } from "./webhooks/emitter.ts";
import { createEtsyStandIn, type EtsyStandIn } from "./etsy/index.ts";
import { seedDemoEtsyShop } from "./etsy/seed.ts";
import { replayShop } from "./webhooks/replay.ts";

export interface SandboxOptions {
  /** Port for the HTTP server (0 = any free one). */
  port?: number;
  /** Port for the SMTP sink (0 = any free one). */
  smtpPort?: number;
  storeTitle?: string;
  /** Leaky bucket of the Admin API emulator: restore rate (points/s) and size. */
  restoreRate?: number;
  maximumAvailable?: number;
  /** Seed the demo shop (default true). */
  seed?: boolean;
}

export interface RunningSandbox {
  config: SandboxConfig;
  store: SandboxStore;
  mail: MailSink;
  sms: SmsStore;
  /** The Etsy API stand-in (sandbox/etsy): sellers, receipts, recorded requests, forced 429s. */
  etsy: EtsyStandIn;
  seed: SeedSummary | null;
  /** What the Admin API emulator answered: requests, and how many were THROTTLED. */
  adminApiStats: AdminApiStats;
  /** The admin host's URL of the app in the demo shop. */
  adminUrl: string;
  /** Sends every record of the seeded shop to the app as signed webhooks. */
  replay(): Promise<number>;
  close(): Promise<void>;
}

function storefrontProducts(store: SandboxStore, shop: string): StorefrontProduct[] {
  const data = store.shop(shop);
  if (!data) return [];
  return [...data.products.values()]
    .filter((product) => product.status === "ACTIVE")
    .map((product) => ({
      id: product.id,
      handle: product.handle,
      title: product.title,
      description: product.descriptionHtml
        .replace(/<[^>]*>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
      variants: [...data.variants.values()]
        .filter((variant) => variant.productId === product.id)
        .sort((a, b) => a.position - b.position)
        .map((variant) => {
          const available = [...data.inventoryLevels.values()]
            .filter((level) => level.inventoryItemId === variant.inventoryItemId)
            .reduce((sum, level) => sum + level.available, 0);
          return {
            id: variant.id,
            title: variant.title,
            price: variant.price,
            available: available > 0,
            inventoryQuantity: available,
          };
        }),
    }));
}

/** One HTTP server from handlers tried in order; 404 when none answers. */
export function composeHandlers(handlers: SandboxHandler[]) {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://sandbox.local");
    void (async () => {
      for (const handler of handlers) if (await handler(request, response, url)) return;
      sendJson(response, 404, { error: `nothing in the sandbox at ${url.pathname}` });
    })().catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 500, { error: error.message });
      else response.destroy();
    });
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
}

/** Starts the sandbox; the returned config carries its origin. */
export async function startSandbox(
  base: Omit<SandboxConfig, "origin">,
  options: SandboxOptions = {},
): Promise<RunningSandbox> {
  const mail = await startMailSink({ port: options.smtpPort ?? 0 });
  const store = createSandboxStore();
  const seed = options.seed === false ? null : seedDemoShop(store, base.shop);
  const sms = createSmsStore();
  const etsy = createEtsyStandIn();
  if (options.seed !== false) seedDemoEtsyShop(etsy);
  const port = options.port || (await freePort());
  const config: SandboxConfig = { ...base, origin: `http://127.0.0.1:${port}` };
  const links = [
    { label: "Storefront", href: "/store" },
    { label: "Mail sink", href: "/mail" },
    { label: "SMS sink", href: "/sms" },
    { label: "Stock (receive inventory)", href: "/stock" },
  ];
  // One emitter: webhooks about changes made through the Admin API and the stock page go out in order.
  const emitter = emitterFor(config);
  const adminApi = createAdminApiHandler(store, config, {
    emit: emitter,
    restoreRate: options.restoreRate,
    maximumAvailable: options.maximumAvailable,
  });
  const server = composeHandlers([
    adminApi,
    etsy.handler,
    createAdminHostHandler(config, { storeTitle: options.storeTitle ?? "Kizuna Demo Store", links }),
    createMailPagesHandler(mail),
    // A reply typed on the SMS sink's page reaches the app as Twilio would post it (STOP included).
    createSmsSinkHandler(sms, { inboundUrl: `${config.appUrl.replace(/\/$/, "")}/notices/sms-inbound` }),
    createStockPagesHandler(store, config, emitter),
    createStorefrontHandler(config, {
      products: () => storefrontProducts(store, config.shop),
      proxy: { subpath: "kizuna", prefix: "apps" },
      shopName: options.storeTitle ?? "Kizuna Demo Store",
      currency: store.shop(config.shop)?.shop.currency ?? "JPY",
    }),
    (_request, response, url) => {
      if (url.pathname !== "/") return false;
      response.writeHead(302, { Location: adminUrl(config) });
      response.end();
      return true;
    },
  ]);
  await listen(server, port);
  return {
    config,
    store,
    mail,
    sms,
    etsy,
    seed,
    adminApiStats: adminApi.stats,
    adminUrl: adminUrl(config),
    replay: async () => (await replayShop(store, config)).length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await mail.close();
    },
  };
}

export { formatSeedSummary };
