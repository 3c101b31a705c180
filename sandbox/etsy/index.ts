// The Etsy API stand-in: what the app reaches instead of Etsy in sandbox mode.
//   GET  /oauth/connect                     the consent page (PKCE S256 required)
//   POST /oauth/connect                     the seller's answer: back to redirect_uri with code + state
//   POST /v3/public/oauth/token             authorization_code (checks code_verifier) and refresh_token
//   GET  /v3/application/users/me           { user_id, shop_id }
//   GET  /v3/application/users/:id          { user_id, primary_email (email_r, own user only) }
//   GET  /v3/application/shops/:id          { shop_id, shop_name, … }
//   GET  /v3/application/shops/:id/receipts min_last_modified, limit, offset, sort_on, sort_order
//   POST /etsy/notification-mail            sends an Etsy-shaped notification mail (notification-mail.ts)
// Every answer carries Etsy's x-limit-* / x-remaining-* headers; more than 10
// requests in a second from one app answer 429 with retry-after. Tests can
// force 429s, revoke refresh tokens, and read the timestamp of every request.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeHtml, readRequestBody, sendHtml, sendJson, type SandboxHandler } from "../http.ts";
import { sendEtsyNotificationMail, type EtsyNotificationMailInput } from "./notification-mail.ts";
import type { EtsyStandInReceipt } from "./receipts.ts";

export { etsyReceipt, type EtsyStandInReceipt, type ReceiptInput } from "./receipts.ts";
export { sendEtsyNotificationMail, etsyNotificationMail, type EtsyNotificationMailInput } from "./notification-mail.ts";

export const ETSY_SANDBOX_API_KEY = "sandbox-etsy-keystring";
export const ETSY_SANDBOX_SHARED_SECRET = "sandbox-etsy-shared-secret";

export interface EtsyStandInOptions {
  apiKey?: string;
  sharedSecret?: string;
  perSecond?: number;
  perDay?: number;
  /** Milliseconds clock (token lifetimes, the rate window, request timestamps). */
  now?: () => number;
  /** Where POST /etsy/notification-mail sends by default (the app's inbound SMTP), e.g. smtp://127.0.0.1:2526. */
  notificationSmtpUrl?: string;
}

export interface EtsyStandInSeller {
  userId: number;
  shopId: number;
  shopName: string;
  currency: string;
  /** The seller's e-mail on Etsy (getUser's primary_email, with email_r). */
  email?: string | null;
}

export interface RecordedRequest {
  /** Arrival, in the stand-in's milliseconds clock. */
  at: number;
  method: string;
  path: string;
  status: number;
}

interface Grant {
  userId: number;
  scopes: string[];
}

export interface EtsyStandIn {
  handler: SandboxHandler;
  apiKey: string;
  sharedSecret: string;
  addSeller(seller: EtsyStandInSeller): void;
  /** Adds or replaces a receipt of the seller's shop (a change: give it a later updated_timestamp). */
  putReceipt(shopId: number, receipt: EtsyStandInReceipt): void;
  receipts(shopId: number): EtsyStandInReceipt[];
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The most requests that arrived within any `windowMs` (Etsy's second). */
  busiestWindow(windowMs?: number): number;
  /** The next `count` API requests answer 429 with this retry-after (seconds). */
  force429(count: number, retryAfterS: number): void;
  /** Every refresh token of the user stops working (the seller revoked the app on Etsy). */
  revokeRefreshTokens(userId: number): void;
  /** Every access token of the user stops working. */
  revokeAccessTokens(userId: number): void;
  /** Called after each receipts page is answered (a test changes a receipt mid-poll). */
  onReceiptsPage(listener: ((shopId: number, pagesServed: number) => void) | null): void;
  /** Access tokens issued from now on live this many seconds (Etsy: 3600). */
  setAccessTokenSeconds(seconds: number): void;
  /** The encoded tokens handed out (tests check none is stored in clear). */
  readonly issuedTokens: string[];
}

const ACCESS_SECONDS = 3600;
const REFRESH_SECONDS = 90 * 24 * 3600;
const SCOPES = new Set([
  "transactions_r",
  "transactions_w",
  "email_r",
  "shops_r",
  "shops_w",
  "listings_r",
  "profile_r",
]);

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
const token = (userId: number) => `${userId}.${randomBytes(24).toString("base64url")}`;

async function formOf(request: IncomingMessage): Promise<Record<string, string>> {
  const text = (await readRequestBody(request, 64 * 1024)).toString("utf8");
  if ((request.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "object" && value !== null)
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        );
    } catch {
      return {};
    }
    return {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export function createEtsyStandIn(options: EtsyStandInOptions = {}): EtsyStandIn {
  const apiKey = options.apiKey ?? ETSY_SANDBOX_API_KEY;
  const sharedSecret = options.sharedSecret ?? ETSY_SANDBOX_SHARED_SECRET;
  const perSecond = options.perSecond ?? 10;
  const perDay = options.perDay ?? 10_000;
  const now = options.now ?? Date.now;
  const sellers = new Map<number, EtsyStandInSeller>();
  const receiptsOf = new Map<number, Map<number, EtsyStandInReceipt>>();
  const codes = new Map<string, Grant & { challenge: string; redirectUri: string; expiresAt: number }>();
  const accessTokens = new Map<string, Grant & { expiresAt: number }>();
  const refreshTokens = new Map<string, Grant & { expiresAt: number }>();
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  let accessSeconds = ACCESS_SECONDS;
  let receiptsListener: ((shopId: number, pagesServed: number) => void) | null = null;
  let receiptPages = 0;
  let forced = { count: 0, retryAfterS: 1 };
  let accepted: number[] = [];
  let today = { day: "", used: 0 };

  const limitHeaders = (): Record<string, string> => {
    const at = now();
    accepted = accepted.filter((time) => time > at - 1000);
    return {
      "x-limit-per-second": String(perSecond),
      "x-remaining-this-second": String(Math.max(0, perSecond - accepted.length)),
      "x-limit-per-day": String(perDay),
      "x-remaining-today": String(Math.max(0, perDay - today.used)),
    };
  };

  /** Counts a request against the app's limits; a 429 answer when it is over them. */
  const admit = (): { status: 429; retryAfterS: number } | null => {
    const at = now();
    const day = new Date(at).toISOString().slice(0, 10);
    if (today.day !== day) today = { day, used: 0 };
    if (forced.count > 0) {
      forced.count -= 1;
      return { status: 429, retryAfterS: forced.retryAfterS };
    }
    accepted = accepted.filter((time) => time > at - 1000);
    if (accepted.length >= perSecond) return { status: 429, retryAfterS: 1 };
    if (today.used >= perDay) return { status: 429, retryAfterS: 3600 };
    accepted.push(at);
    today.used += 1;
    return null;
  };

  const answer = (
    response: ServerResponse,
    request: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    request.status = status;
    sendJson(response, status, body, { ...limitHeaders(), ...headers });
  };

  const bearer = (request: IncomingMessage): (Grant & { expiresAt: number }) | null => {
    const header = request.headers.authorization ?? "";
    const value = header.startsWith("Bearer ") ? header.slice(7) : "";
    const grant = accessTokens.get(value);
    return grant && grant.expiresAt > now() ? grant : null;
  };

  const issue = (grant: Grant) => {
    const access = token(grant.userId);
    const refresh = token(grant.userId);
    accessTokens.set(access, { ...grant, expiresAt: now() + accessSeconds * 1000 });
    refreshTokens.set(refresh, { ...grant, expiresAt: now() + REFRESH_SECONDS * 1000 });
    issuedTokens.push(access, refresh);
    return { access_token: access, token_type: "Bearer", expires_in: accessSeconds, refresh_token: refresh };
  };

  const consentParams = (params: URLSearchParams | Record<string, string>) => {
    const get = (key: string) => (params instanceof URLSearchParams ? params.get(key) : params[key]) ?? "";
    return {
      responseType: get("response_type"),
      clientId: get("client_id"),
      redirectUri: get("redirect_uri"),
      scope: get("scope"),
      state: get("state"),
      challenge: get("code_challenge"),
      method: get("code_challenge_method"),
    };
  };

  const consentProblem = (p: ReturnType<typeof consentParams>): string | null => {
    if (p.responseType !== "code") return "response_type must be code";
    if (p.clientId !== apiKey) return "unknown client_id";
    if (!/^https?:\/\//.test(p.redirectUri)) return "redirect_uri must be a URL";
    if (!p.state) return "state is required";
    if (p.method !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(p.challenge)) return "code_challenge (S256) is required";
    const scopes = p.scope.split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((scope) => !SCOPES.has(scope))) return "scope names an unknown scope";
    return null;
  };

  const consentPage = (p: ReturnType<typeof consentParams>) => {
    const hidden = Object.entries({
      response_type: p.responseType,
      client_id: p.clientId,
      redirect_uri: p.redirectUri,
      scope: p.scope,
      state: p.state,
      code_challenge: p.challenge,
      code_challenge_method: p.method,
    })
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join("");
    const choices = [...sellers.values()]
      .map(
        (seller, index) =>
          `<label><input type="radio" name="user_id" value="${seller.userId}"${index === 0 ? " checked" : ""}> ${escapeHtml(seller.shopName)}</label><br>`,
      )
      .join("");
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Etsy (sandbox): allow access</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:3rem auto">
<h1>Etsy sandbox</h1><p>Kizuna would like to read your shop, its orders and buyers' email addresses (${escapeHtml(p.scope)}).</p>
<form method="post" action="/oauth/connect">${hidden}<p>${choices || "No Etsy shop in the sandbox."}</p>
<button name="decision" value="allow">Allow access</button> <button name="decision" value="deny">Decline</button></form></body></html>`;
  };

  const handleConnect = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    if (request.method === "GET") {
      const p = consentParams(url.searchParams);
      const problem = consentProblem(p);
      if (problem) return sendHtml(response, 400, `<!doctype html><p>${escapeHtml(problem)}</p>`);
      return sendHtml(response, 200, consentPage(p));
    }
    const form = await formOf(request);
    const p = consentParams(form);
    const problem = consentProblem(p);
    if (problem) return sendHtml(response, 400, `<!doctype html><p>${escapeHtml(problem)}</p>`);
    const back = new URL(p.redirectUri);
    back.searchParams.set("state", p.state);
    const seller = sellers.get(Number(form.user_id)) ?? [...sellers.values()][0];
    if (form.decision !== "allow" || !seller) {
      back.searchParams.set("error", "access_denied");
    } else {
      const code = randomBytes(24).toString("base64url");
      codes.set(code, {
        userId: seller.userId,
        scopes: p.scope.split(/[\s+]+/).filter(Boolean),
        challenge: p.challenge,
        redirectUri: p.redirectUri,
        expiresAt: now() + 5 * 60_000,
      });
      back.searchParams.set("code", code);
    }
    response.writeHead(302, { Location: back.toString() });
    response.end();
  };

  const handleToken = async (request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest) => {
    const form = await formOf(request);
    const refuse = (status: number, error: string, description: string) =>
      answer(response, recorded, status, { error, error_description: description });
    if (form.client_id !== apiKey) return refuse(401, "invalid_client", "unknown client_id");
    if (form.grant_type === "authorization_code") {
      const code = codes.get(form.code ?? "");
      codes.delete(form.code ?? ""); // a code is good once
      if (!code || code.expiresAt < now()) return refuse(400, "invalid_grant", "code is invalid or expired");
      if (code.redirectUri !== form.redirect_uri) return refuse(400, "invalid_grant", "redirect_uri does not match");
      if (!form.code_verifier || s256(form.code_verifier) !== code.challenge)
        return refuse(400, "invalid_grant", "code_verifier does not match the code_challenge");
      return answer(response, recorded, 200, issue(code));
    }
    if (form.grant_type === "refresh_token") {
      const grant = refreshTokens.get(form.refresh_token ?? "");
      if (!grant || grant.expiresAt < now())
        return refuse(400, "invalid_grant", "refresh token is invalid, expired or revoked");
      return answer(response, recorded, 200, issue(grant));
    }
    return refuse(400, "unsupported_grant_type", `grant_type ${form.grant_type ?? "(none)"} is not supported`);
  };

  const handleApi = (request: IncomingMessage, response: ServerResponse, url: URL, recorded: RecordedRequest) => {
    const grant = bearer(request);
    if (!grant) return answer(response, recorded, 401, { error: "invalid_token" });
    const path = url.pathname.replace(/^\/v3\/application/, "");
    if (path === "/users/me") {
      const seller = sellers.get(grant.userId);
      return answer(response, recorded, 200, { user_id: grant.userId, shop_id: seller?.shopId ?? null });
    }
    const userMatch = /^\/users\/(\d+)$/.exec(path);
    if (userMatch) {
      if (Number(userMatch[1]) !== grant.userId)
        return answer(response, recorded, 403, { error: "the token is not for this user" });
      const seller = sellers.get(grant.userId);
      return answer(response, recorded, 200, {
        user_id: grant.userId,
        primary_email: grant.scopes.includes("email_r") ? (seller?.email ?? null) : null,
      });
    }
    const shopMatch = /^\/shops\/(\d+)(\/receipts)?$/.exec(path);
    if (!shopMatch) return answer(response, recorded, 404, { error: `no resource at ${path}` });
    const seller = [...sellers.values()].find((candidate) => candidate.shopId === Number(shopMatch[1]));
    if (!seller) return answer(response, recorded, 404, { error: "shop not found" });
    if (seller.userId !== grant.userId)
      return answer(response, recorded, 403, { error: "the token is not for this shop" });
    if (!shopMatch[2])
      return answer(response, recorded, 200, {
        shop_id: seller.shopId,
        shop_name: seller.shopName,
        user_id: seller.userId,
        currency_code: seller.currency,
        url: `https://www.etsy.com/shop/${encodeURIComponent(seller.shopName)}`,
      });
    if (!grant.scopes.includes("transactions_r"))
      return answer(response, recorded, 403, { error: "transactions_r is required" });
    const q = url.searchParams;
    const limit = Number(q.get("limit") ?? 25);
    const offset = Number(q.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0)
      return answer(response, recorded, 400, { error: "limit must be 1–100 and offset 0 or more" });
    const min = q.has("min_last_modified") ? Number(q.get("min_last_modified")) : null;
    const sortOn = q.get("sort_on") ?? "created";
    const ascending = (q.get("sort_order") ?? "desc").toLowerCase().startsWith("asc");
    const key = (r: EtsyStandInReceipt) =>
      sortOn === "updated" ? r.updated_timestamp : sortOn === "receipt_id" ? r.receipt_id : r.created_timestamp;
    const matching = [...(receiptsOf.get(seller.shopId)?.values() ?? [])]
      .filter((receipt) => min === null || receipt.updated_timestamp >= min)
      .sort((a, b) => (key(a) - key(b) || a.receipt_id - b.receipt_id) * (ascending ? 1 : -1));
    const emails = grant.scopes.includes("email_r");
    const results = matching
      .slice(offset, offset + limit)
      .map((receipt) => ({ ...receipt, buyer_email: emails ? receipt.buyer_email : null }));
    answer(response, recorded, 200, { count: matching.length, results });
    receiptPages += 1;
    receiptsListener?.(seller.shopId, receiptPages);
  };

  const handler: SandboxHandler = async (request, response, url) => {
    if (url.pathname === "/oauth/connect") {
      await handleConnect(request, response, url);
      return true;
    }
    if (url.pathname === "/etsy/notification-mail" && request.method === "POST") {
      const input = (await formOf(request)) as unknown as Partial<EtsyNotificationMailInput> & { smtpUrl?: string };
      const smtpUrl = input.smtpUrl ?? options.notificationSmtpUrl;
      if (!smtpUrl || !input.to) {
        sendJson(response, 400, { error: "to and smtpUrl are required" });
        return true;
      }
      const sent = await sendEtsyNotificationMail(smtpUrl, {
        to: input.to,
        kind: input.kind === "help_request" ? "help_request" : "conversation",
        language: input.language === "ja" ? "ja" : "en",
        buyerName: input.buyerName ?? "Sample Buyer",
        text: input.text ?? null,
        conversationId: input.conversationId ?? String(1_000_000_000 + Math.floor(Math.random() * 1e8)),
        receiptId: input.receiptId ?? null,
        helpWith: input.helpWith ?? null,
        idealResolution: input.idealResolution ?? null,
      });
      sendJson(response, 200, sent);
      return true;
    }
    if (!url.pathname.startsWith("/v3/")) return false;
    const recorded: RecordedRequest = { at: now(), method: request.method ?? "GET", path: url.pathname, status: 0 };
    requests.push(recorded);
    const key = request.headers["x-api-key"];
    // Since 2026-01 Etsy wants the keystring and the shared secret, joined by a colon.
    if (key !== `${apiKey}:${sharedSecret}`) {
      answer(response, recorded, 403, { error: "Invalid API key: send x-api-key: <keystring>:<shared secret>" });
      return true;
    }
    const refused = admit();
    if (refused) {
      answer(response, recorded, 429, { error: "Too many requests" }, { "retry-after": String(refused.retryAfterS) });
      return true;
    }
    if (url.pathname === "/v3/public/oauth/token" && request.method === "POST")
      await handleToken(request, response, recorded);
    else if (url.pathname.startsWith("/v3/application/") && request.method === "GET")
      handleApi(request, response, url, recorded);
    else answer(response, recorded, 404, { error: `nothing at ${url.pathname}` });
    return true;
  };

  return {
    handler,
    apiKey,
    sharedSecret,
    addSeller(seller) {
      sellers.set(seller.userId, seller);
      if (!receiptsOf.has(seller.shopId)) receiptsOf.set(seller.shopId, new Map());
    },
    putReceipt(shopId, receipt) {
      let shop = receiptsOf.get(shopId);
      if (!shop) receiptsOf.set(shopId, (shop = new Map()));
      shop.set(receipt.receipt_id, receipt);
    },
    receipts: (shopId) => [...(receiptsOf.get(shopId)?.values() ?? [])],
    requests,
    busiestWindow(windowMs = 1000) {
      let most = 0;
      let start = 0;
      for (let end = 0; end < requests.length; end++) {
        while (requests[end]!.at - requests[start]!.at >= windowMs) start++;
        most = Math.max(most, end - start + 1);
      }
      return most;
    },
    force429(count, retryAfterS) {
      forced = { count, retryAfterS };
    },
    revokeRefreshTokens(userId) {
      for (const [value, grant] of refreshTokens) if (grant.userId === userId) refreshTokens.delete(value);
    },
    revokeAccessTokens(userId) {
      for (const [value, grant] of accessTokens) if (grant.userId === userId) accessTokens.delete(value);
    },
    onReceiptsPage(listener) {
      receiptsListener = listener;
      receiptPages = 0;
    },
    setAccessTokenSeconds(seconds) {
      accessSeconds = seconds;
    },
    issuedTokens,
  };
}
