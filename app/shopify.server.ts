// The one place auth is configured: shopifyApp() and the narrow handles the
// routes use. Embedded auth uses session tokens + token exchange (Shopify
// managed installation); sessions live in Prisma.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { db } from "./db.server.ts";
import { env } from "./env.server.ts";
import { recordInstall } from "./shops/record-install.server.ts";

function create() {
  const config = env();
  return shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion: ApiVersion.July26,
    scopes: config.SCOPES.split(",").map((scope) => scope.trim()),
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(db()),
    distribution: AppDistribution.AppStore,
    isEmbeddedApp: true,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: async ({ session }) => {
        await recordInstall(db(), session.shop, session.scope ?? null);
      },
    },
  });
}

let instance: ReturnType<typeof create> | undefined;

function shopify(): ReturnType<typeof create> {
  instance ??= create();
  return instance;
}

export const authenticate = {
  admin: (request: Request) => shopify().authenticate.admin(request),
  public: {
    appProxy: (request: Request) => shopify().authenticate.public.appProxy(request),
  },
};
export const login = (request: Request) => shopify().login(request);
export const addDocumentResponseHeaders = (request: Request, headers: Headers) =>
  shopify().addDocumentResponseHeaders(request, headers);
export const apiVersion = ApiVersion.July26;
