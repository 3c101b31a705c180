// The Admin API emulator: what the app reaches at https://<shop>/admin/… in
// sandbox mode. It serves
//   POST /admin/api/<pinned version>/graphql.json  (other versions: 404)
//   POST /admin/oauth/access_token                 (token exchange, refresh)
//   POST /admin/sandbox/returns                    (a return made in Shopify's admin: see admin-actions.ts)
// with the real Admin schema, Shopify's error shapes, query costs and a leaky
// bucket per app and shop, against the sandbox store. Mutations emit the
// webhooks Shopify would send through `options.emit`.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { loadAdminSchema } from "../../app/graphql/admin-schema.server.ts";
import { readRequestBody, sendJson, type SandboxConfig, type SandboxHandler } from "../http.ts";
import { DEFAULT_SCOPE, type AccessToken, type SandboxStore } from "../store/index.ts";
import type { WebhookEmitter } from "../webhooks/emitter.ts";
import { ADMIN_RETURNS_PATH, answerAdminReturn } from "./admin-actions.ts";
import { LeakyBucket } from "./bucket.ts";
import { runGraphql, type GraphqlRequest } from "./graphql.ts";
import { answerTokenRequest } from "./oauth.ts";
import type { ResolverContext } from "./resolvers/index.ts";

export { signSessionToken, sessionTokenFor, verifySessionToken, type SessionTokenClaims } from "./session-token.ts";
export { MAX_QUERY_COST, type QueryCost } from "./graphql.ts";

export interface AdminApiOptions {
  /** Points per second the bucket refills (Shopify Standard: 100). */
  restoreRate?: number;
  /** Bucket size (Shopify Standard: 2,000). */
  maximumAvailable?: number;
  /** Where mutations' webhooks go; without it none are sent. */
  emit?: WebhookEmitter;
  /** The scope issued tokens carry (default: what shopify.app.toml asks for). */
  scope?: string;
  /** Milliseconds clock for buckets and token lifetimes (tests). */
  now?: () => number;
  log?: (message: string) => void;
}

export interface AdminApiStats {
  /** GraphQL requests that were authenticated. */
  requests: number;
  /** Of those, how many were answered THROTTLED. */
  throttled: number;
}

export type AdminApiHandler = SandboxHandler & { readonly stats: AdminApiStats };

const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";

export function createAdminApiHandler(
  store: SandboxStore,
  config: SandboxConfig,
  options: AdminApiOptions = {},
): AdminApiHandler {
  const schema = loadAdminSchema(config.apiVersion);
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.error(`[sandbox admin-api] ${message}`));
  const buckets = new Map<string, LeakyBucket>();
  const stats: AdminApiStats = { requests: 0, throttled: 0 };

  /** Shopify's bucket is per app and shop. */
  const bucketFor = (shop: string): LeakyBucket => {
    const key = `${config.apiKey}|${shop}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new LeakyBucket(options.maximumAvailable ?? 2000, options.restoreRate ?? 100, now);
      buckets.set(key, bucket);
    }
    return bucket;
  };

  const authenticated = (request: IncomingMessage): AccessToken | null => {
    const token = store.accessToken(String(request.headers["x-shopify-access-token"] ?? ""));
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= now()) || !store.shop(token.shop)) return null;
    // The sandbox fetch names the shop the app meant to call: a token is only good for its own shop.
    const named = request.headers["x-sandbox-shop"];
    return typeof named === "string" && named.toLowerCase() !== token.shop ? null : token;
  };

  const answerGraphql = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "POST") {
      sendJson(response, 405, { errors: "Method Not Allowed" }, { Allow: "POST" });
      return;
    }
    const token = authenticated(request);
    if (!token) {
      sendJson(response, 401, { errors: INVALID_TOKEN });
      return;
    }
    const body = graphqlRequestOf(await readRequestBody(request), request.headers["content-type"]);
    if (!body) {
      sendJson(response, 400, { errors: { query: "Required parameter missing or invalid" } });
      return;
    }
    stats.requests += 1;
    const context: ResolverContext = {
      store,
      data: store.requireShop(token.shop),
      config,
      emit: (topic, payload) =>
        options.emit?.emit({ topic, shop: token.shop, body: payload, apiVersion: config.apiVersion }),
    };
    const answer = await runGraphql(schema, bucketFor(token.shop), context, body, log);
    if (answer.throttled) stats.throttled += 1;
    sendJson(response, 200, answer.body, { "X-Request-Id": randomUUID() });
  };

  const handler: SandboxHandler = async (request, response, url) => {
    if (url.pathname === "/admin/oauth/access_token") {
      await guarded(response, log, () =>
        answerTokenRequest(request, response, { store, config, now, scope: options.scope ?? DEFAULT_SCOPE }),
      );
      return true;
    }
    if (url.pathname === ADMIN_RETURNS_PATH) {
      await guarded(response, log, () => answerAdminReturn(request, response, { store, config, emit: options.emit }));
      return true;
    }
    const match = /^\/admin\/api\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!match) return false;
    if (match[1] !== config.apiVersion || match[2] !== "graphql.json") {
      sendJson(response, 404, { errors: "Not Found" });
      return true;
    }
    await guarded(response, log, () => answerGraphql(request, response));
    return true;
  };
  return Object.assign(handler, { stats });
}

/** `{ query, variables, operationName }` as JSON, or the bare query as application/graphql. */
function graphqlRequestOf(body: Buffer, contentType: string | undefined): GraphqlRequest | null {
  const text = body.toString("utf8");
  if (contentType?.includes("application/graphql")) return text.trim() ? { query: text } : null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return null;
    const { query, variables, operationName } = value as Record<string, unknown>;
    if (typeof query !== "string" || !query.trim()) return null;
    return {
      query,
      variables: typeof variables === "object" && variables !== null ? (variables as Record<string, unknown>) : null,
      operationName: typeof operationName === "string" ? operationName : null,
    };
  } catch {
    return null;
  }
}

async function guarded(
  response: ServerResponse,
  log: (message: string) => void,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (response.headersSent) return;
    if (error instanceof Error && error.message === "request body too large") {
      sendJson(response, 413, { errors: "Request body too large" });
      return;
    }
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendJson(response, 500, { errors: "Internal error. Looks like something went wrong on our end." });
  }
}
