// The one place auth is configured: shopifyApp() and the narrow handles the
// routes use. Embedded auth uses session tokens + token exchange (Shopify
// managed installation); sessions live in Prisma.
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, LogSeverity, shopifyApp, type ApiVersion } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { db } from "./db.server.ts";
import { env } from "./env.server.ts";
import { API_VERSION } from "./webhooks/topics.ts";
import { recordInstall } from "./shops/record-install.server.ts";
import { allowSandboxAdmin, routeShopifyApiToSandbox, sandboxBouncePage, sandboxOf } from "./sandbox/sandbox.server.ts";
import { backfillJob, syncQueue } from "./jobs/queues.server.ts";
import { refuseTokenWithoutShop } from "./shopify/session-token-shop.server.ts";

/** The first backfill after install; if Redis is away, the daily reconciliation does it. */
async function requestBackfill(shop: string): Promise<void> {
  const job = backfillJob(shop);
  await syncQueue()
    .then((queue) => queue.add(job.name, job.data, job.opts))
    .catch((error: Error) =>
      console.warn(`install: backfill for ${shop} not queued (${error.message}); the daily run will do it`),
    );
}

function create() {
  const config = env();
  const sandbox = sandboxOf(config);
  if (sandbox) routeShopifyApiToSandbox(sandbox);
  return shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION as ApiVersion,
    scopes: config.SCOPES.split(",").map((scope) => scope.trim()),
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(db()),
    distribution: AppDistribution.AppStore,
    isEmbeddedApp: true,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    // The library logs every request's authentication at info ("Authenticating admin request…"):
    // warnings and errors only, so the log has one line per problem, not several per request.
    logger: { level: LogSeverity.Warning },
    hooks: {
      afterAuth: async ({ session }) => {
        await recordInstall(db(), session.shop, session.scope ?? null);
        await requestBackfill(session.shop);
      },
    },
  });
}

let instance: ReturnType<typeof create> | undefined;

function shopify(): ReturnType<typeof create> {
  instance ??= create();
  return instance;
}

// In sandbox mode the bounce page loads the App Bridge stand-in; every other
// request takes the library's path unchanged.
async function authenticateAdmin(request: Request) {
  const app = shopify();
  const sandbox = sandboxOf();
  const bounce = sandbox && sandboxBouncePage(request, env().SHOPIFY_API_KEY, sandbox);
  if (bounce) throw bounce;
  const noShop = refuseTokenWithoutShop(request);
  if (noShop) throw noShop;
  return app.authenticate.admin(request);
}

export const authenticate = {
  admin: authenticateAdmin,
  public: {
    appProxy: (request: Request) => shopify().authenticate.public.appProxy(request),
  },
};
export const unauthenticated = {
  admin: (shop: string) => shopify().unauthenticated.admin(shop),
};
export const login = (request: Request) => shopify().login(request);
export const addDocumentResponseHeaders = (request: Request, headers: Headers) => {
  shopify().addDocumentResponseHeaders(request, headers);
  const sandbox = sandboxOf();
  if (sandbox) allowSandboxAdmin(headers, sandbox);
};
