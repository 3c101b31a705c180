// POST /admin/oauth/access_token, as @shopify/shopify-api 13 calls it: token
// exchange (a session token for an offline or online access token, optionally
// an expiring offline token with a refresh token), refresh, and the migration
// of a non-expiring offline token to an expiring one. Body JSON (or form),
// answer JSON. The shop is the one the session token names (its `dest`); the
// app's sandbox fetch also names it in X-Sandbox-Shop, which must agree.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readRequestBody, sendJson, type SandboxConfig } from "../http.ts";
import type { SandboxStore } from "../store/index.ts";
import { verifySessionToken } from "./session-token.ts";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

/** Lifetimes of Shopify's expiring tokens: offline access 1 hour, refresh 90 days, online access 1 day. */
const OFFLINE_ACCESS_SECONDS = 60 * 60;
const REFRESH_SECONDS = 90 * 24 * 60 * 60;
const ONLINE_ACCESS_SECONDS = 24 * 60 * 60 - 1;

export interface TokenEndpoint {
  store: SandboxStore;
  config: SandboxConfig;
  scope: string;
  now: () => number;
}

type Answer = { status: number; body: Record<string, unknown> };

function refusal(status: number, error: string, description: string): Answer {
  return { status, body: { error, error_description: description } };
}

export async function answerTokenRequest(
  request: IncomingMessage,
  response: ServerResponse,
  endpoint: TokenEndpoint,
): Promise<void> {
  if (request.method !== "POST") {
    sendJson(response, 405, { errors: "Method Not Allowed" }, { Allow: "POST" });
    return;
  }
  const params = parseParams(await readRequestBody(request, 1024 * 1024), request.headers["content-type"]);
  const answer = params
    ? exchange(params, headerShop(request), endpoint)
    : refusal(400, "invalid_request", "Malformed body");
  sendJson(response, answer.status, answer.body);
}

function exchange(params: Record<string, string>, shopHeader: string | null, endpoint: TokenEndpoint): Answer {
  const { config } = endpoint;
  if (params.client_id !== config.apiKey || params.client_secret !== config.apiSecret) {
    return refusal(401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret");
  }
  if (params.grant_type === "refresh_token") return refresh(params, shopHeader, endpoint);
  if (params.grant_type !== TOKEN_EXCHANGE_GRANT) {
    return refusal(400, "unsupported_grant_type", `grant_type ${params.grant_type ?? "(none)"} is not supported`);
  }
  const requested = params.requested_token_type;
  if (requested !== OFFLINE_TOKEN_TYPE && requested !== ONLINE_TOKEN_TYPE) {
    return refusal(400, "invalid_request", "requested_token_type must be an offline or online access token");
  }
  if (params.subject_token_type === OFFLINE_TOKEN_TYPE) return migrate(params, shopHeader, endpoint);
  if (params.subject_token_type !== ID_TOKEN_TYPE) {
    return refusal(400, "invalid_request", "subject_token_type must be an id_token");
  }
  const verified = verifySessionToken(params.subject_token ?? "", {
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    now: new Date(endpoint.now()),
  });
  if (!verified.ok) return refusal(400, "invalid_subject_token", `Session token is invalid: ${verified.reason}`);
  if (shopHeader && shopHeader !== verified.shop) {
    return refusal(400, "invalid_subject_token", "Session token was issued for another shop");
  }
  if (!endpoint.store.shop(verified.shop)) return refusal(404, "invalid_request", `Shop ${verified.shop} not found`);
  return requested === ONLINE_TOKEN_TYPE
    ? onlineToken(verified.shop, verified.claims.sub, endpoint)
    : offlineToken(verified.shop, params.expiring === "1", endpoint);
}

function offlineToken(shop: string, expiring: boolean, endpoint: TokenEndpoint): Answer {
  const { store, scope } = endpoint;
  if (!expiring) return { status: 200, body: { access_token: store.issueAccessToken(shop, { scope }), scope } };
  const now = endpoint.now();
  const accessToken = store.issueAccessToken(shop, { scope, expiresAt: new Date(now + OFFLINE_ACCESS_SECONDS * 1000) });
  const refreshToken = store.issueRefreshToken(shop, scope, new Date(now + REFRESH_SECONDS * 1000));
  return {
    status: 200,
    body: {
      access_token: accessToken,
      expires_in: OFFLINE_ACCESS_SECONDS,
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_SECONDS,
      scope,
    },
  };
}

function onlineToken(shop: string, userId: string, endpoint: TokenEndpoint): Answer {
  const { store, scope } = endpoint;
  const expiresAt = new Date(endpoint.now() + ONLINE_ACCESS_SECONDS * 1000);
  const accessToken = store.issueAccessToken(shop, { kind: "online", scope, expiresAt, userId });
  return {
    status: 200,
    body: {
      access_token: accessToken,
      scope,
      expires_in: ONLINE_ACCESS_SECONDS,
      associated_user_scope: scope,
      associated_user: {
        id: Number(userId),
        first_name: "Demo",
        last_name: "Staff",
        email: `staff@${shop}`,
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    },
  };
}

function refresh(params: Record<string, string>, shopHeader: string | null, endpoint: TokenEndpoint): Answer {
  const found = endpoint.store.takeRefreshToken(params.refresh_token ?? "");
  if (!found || found.expiresAt.getTime() < endpoint.now()) {
    return refusal(400, "invalid_grant", "Refresh token is invalid, expired or already used");
  }
  if (shopHeader && shopHeader !== found.shop)
    return refusal(400, "invalid_grant", "Refresh token belongs to another shop");
  return offlineToken(found.shop, true, endpoint);
}

/** A non-expiring offline token traded for an expiring one (the old token stops working). */
function migrate(params: Record<string, string>, shopHeader: string | null, endpoint: TokenEndpoint): Answer {
  const old = endpoint.store.accessToken(params.subject_token ?? "");
  if (!old || old.kind !== "offline" || old.expiresAt !== null || (shopHeader && shopHeader !== old.shop)) {
    return refusal(400, "invalid_subject_token", "Subject token is not a non-expiring offline token of this shop");
  }
  endpoint.store.revokeAccessToken(old.token);
  return offlineToken(old.shop, true, endpoint);
}

function headerShop(request: IncomingMessage): string | null {
  const value = request.headers["x-sandbox-shop"];
  return typeof value === "string" && value ? value.toLowerCase() : null;
}

function parseParams(body: Buffer, contentType: string | undefined): Record<string, string> | null {
  const text = body.toString("utf8");
  if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === "string" ? v : String(v)]));
  } catch {
    return null;
  }
}
