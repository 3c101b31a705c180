// The sandbox for the browser tests: the admin host stand-in and a minimal
// token exchange (all the app asks of Shopify while these pages load). Once
// sandbox/server.ts composes every part, the tests can start that instead.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { closeServer } from "../../../server/app-server.ts";
import { createAdminHostHandler, verifySessionToken } from "../../../sandbox/admin/index.ts";
import { readRequestBody, sendJson, type SandboxConfig, type SandboxHandler } from "../../../sandbox/http.ts";

export interface TestSandbox {
  config: SandboxConfig;
  close(): Promise<void>;
}

/** POST /admin/oauth/access_token as Shopify answers it for an offline token (expiring when asked). */
export function tokenExchangeStandIn(config: SandboxConfig): SandboxHandler {
  return async (request, response, url) => {
    if (request.method !== "POST" || url.pathname !== "/admin/oauth/access_token") return false;
    const body = JSON.parse((await readRequestBody(request)).toString()) as Record<string, string>;
    const shop = String(request.headers["x-sandbox-shop"] ?? "");
    if (body.client_id !== config.apiKey || body.client_secret !== config.apiSecret) {
      sendJson(response, 401, { error: "invalid_client" });
      return true;
    }
    const claims = verifySessionToken(config, body.subject_token ?? "");
    if (!claims || claims.dest !== `https://${shop}`) {
      sendJson(response, 400, { error: "invalid_subject_token" });
      return true;
    }
    const expiring = body.expiring === "1";
    sendJson(response, 200, {
      access_token: `shpat_${randomBytes(16).toString("hex")}`,
      scope: "read_orders,read_products,read_customers",
      ...(expiring && {
        expires_in: 3600,
        refresh_token: `shprt_${randomBytes(16).toString("hex")}`,
        refresh_token_expires_in: 7_776_000,
      }),
    });
    return true;
  };
}

export async function startTestSandbox(config: SandboxConfig, port: number): Promise<TestSandbox> {
  const handlers: SandboxHandler[] = [
    createAdminHostHandler(config, { storeTitle: "Kizuna E2E Store" }),
    tokenExchangeStandIn(config),
  ];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", config.origin);
    void (async () => {
      for (const handler of handlers) if (await handler(request, response, url)) return;
      sendJson(response, 404, { error: `the sandbox has nothing at ${url.pathname}` });
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  return { config, close: () => closeServer(server) };
}
