// The bad-input corpus: requests an attacker or a broken client sends, against
// a running web with the sandbox behind it (session tokens, token exchange,
// app proxy signatures as Shopify makes them). Each rejected request must be
// answered 4xx (a redirect to login counts for the admin) and write nothing:
// every table is read before and after each request. Customer text with
// markup that is rightly accepted is checked where the admin shows it.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { parse, stringify, LosslessNumber } from "lossless-json";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { appFrameUrl, issueSessionToken, sessionTokenClaims, signJwt } from "../../sandbox/admin/index.ts";
import { freePort } from "../../sandbox/http.ts";
import { startSandbox } from "../../sandbox/server.ts";
import { signProxyQuery } from "../../sandbox/storefront/app-proxy.ts";
import { shopWebhooks } from "../../sandbox/webhooks/replay.ts";
import { webhookHeaders, type WebhookToSend } from "../../sandbox/webhooks/send-webhook.ts";
import { until } from "../lib/wait.ts";
import { createCluster, FaultRedis } from "./cluster.ts";
import { createRunDatabase } from "./databases.ts";
import { API_KEY, SECRET } from "./pipeline-run.ts";
import { SEEDED_SHOP } from "./events.ts";
import type { Db } from "../../app/db.server.ts";

export interface BadInputGroup {
  name: string;
  tried: number;
  fourxx: number;
  /** Redirects (an admin request without a session goes to login). */
  threexx: number;
  /** A rejected request answered 2xx. */
  twoxx: number;
  fivexx: number;
  rowsWritten: number;
}

export interface BadInputFigures extends Omit<BadInputGroup, "name"> {
  groups: BadInputGroup[];
  /** Accepted texts with markup; pages that showed them escaped, and unescaped. */
  accepted: { tried: number; escaped: number; unescaped: number };
  detail: string[];
}

const OTHER_SHOP = "kizuna-faults-other.myshopify.com";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
const SCRIPT = `<script>alert("kizuna-xss")</script>`;
const escapedScript = "&lt;script&gt;alert(";
const HUGE_IDS = ["1e20", "18446744073709551616", "99999999999999999999999999", "-1", "0x10", "1.5", "NaN"];

interface Case {
  group: string;
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * A documented 200 that must change nothing: a webhook of a shop that is not
   * installed, an unknown topic, a list page out of range read as page 1.
   */
  mayAcknowledge?: boolean;
  /** Headers first, the body only if no answer comes: a server should answer 413 without reading it. */
  headersFirst?: boolean;
}

type Snapshot = Map<string, Set<string>>;

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/** Every row of every table, as text: a request that changes, adds or removes a row shows in the difference. */
async function snapshot(db: Db): Promise<Snapshot> {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const result: Snapshot = new Map();
  for (const { name } of tables) {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name}"`);
    result.set(name, new Set(rows.map(json)));
  }
  return result;
}

function changedRows(before: Snapshot, after: Snapshot): { count: number; tables: string[] } {
  let count = 0;
  const tables: string[] = [];
  for (const [table, rows] of after) {
    const old = before.get(table) ?? new Set();
    const added = [...rows].filter((row) => !old.has(row)).length;
    const removed = [...old].filter((row) => !rows.has(row)).length;
    const n = Math.max(added, removed);
    if (n > 0) tables.push(`${table} ${n}`);
    count += n;
  }
  return { count, tables };
}

function proxyPath(path: string, params: [string, string][], secret = SECRET): string {
  const query = new URLSearchParams(params);
  query.append("signature", signProxyQuery(query, secret));
  return `${path}?${query}`;
}

function proxyParams(shop: string, timestamp = Math.floor(Date.now() / 1000)): [string, string][] {
  return [
    ["shop", shop],
    ["logged_in_customer_id", ""],
    ["path_prefix", "/apps/kizuna"],
    ["timestamp", String(timestamp)],
  ];
}

function signedWebhook(webhook: WebhookToSend, secret = SECRET): Record<string, string> {
  return webhookHeaders({ apiVersion: API_VERSION, ...webhook }, secret);
}

function corpus(input: {
  token: () => string;
  config: Parameters<typeof issueSessionToken>[0];
  otherCaseId: number;
  otherNoticeId: number;
  variantId: string;
}): Case[] {
  const cases: Case[] = [];
  const add = (entry: Case) => cases.push(entry);
  const order = JSON.stringify({
    id: 1,
    admin_graphql_api_id: "gid://shopify/Order/1",
    updated_at: new Date().toISOString(),
  });

  // Webhooks.
  const webhook = (extra: Partial<WebhookToSend> = {}): WebhookToSend => ({
    topic: "orders/updated",
    shop: SEEDED_SHOP,
    body: order,
    eventId: `bad-${randomBytes(6).toString("hex")}`,
    ...extra,
  });
  const plain = webhook();
  const noHmac = signedWebhook(plain);
  delete noHmac["X-Shopify-Hmac-Sha256"];
  add({ group: "webhooks", name: "absent HMAC", method: "POST", path: "/webhooks", headers: noHmac, body: order });
  add({
    group: "webhooks",
    name: "HMAC with another secret",
    method: "POST",
    path: "/webhooks",
    headers: signedWebhook(webhook(), "not-the-secret"),
    body: order,
  });
  add({
    group: "webhooks",
    name: "HMAC of another body",
    method: "POST",
    path: "/webhooks",
    headers: signedWebhook(webhook()),
    body: `${order} `,
  });
  add({
    group: "webhooks",
    name: "HMAC not base64",
    method: "POST",
    path: "/webhooks",
    headers: { ...signedWebhook(webhook()), "X-Shopify-Hmac-Sha256": "%%%" },
    body: order,
  });
  for (const [name, body] of [
    ["malformed JSON", "{"],
    ["JSON that is not an object", "[1,2,3]"],
    ["empty body", ""],
    ["truncated UTF-8", Buffer.from([0x7b, 0x22, 0xe3, 0x81])],
  ] as const) {
    const w = webhook({ body });
    add({ group: "webhooks", name, method: "POST", path: "/webhooks", headers: signedWebhook(w), body });
  }
  const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
  add({
    group: "webhooks",
    name: "oversized body (6 MB), signed",
    method: "POST",
    path: "/webhooks",
    headers: signedWebhook(webhook({ body: big })),
    body: big,
    headersFirst: true,
  });
  const noTopic = signedWebhook(webhook());
  delete noTopic["X-Shopify-Topic"];
  add({
    group: "webhooks",
    name: "absent topic",
    method: "POST",
    path: "/webhooks",
    headers: noTopic,
    body: order,
    mayAcknowledge: true,
  });
  const unknown = webhook({ topic: "orders/exploded" });
  add({
    group: "webhooks",
    name: "unknown topic",
    method: "POST",
    path: "/webhooks",
    headers: signedWebhook(unknown),
    body: order,
    mayAcknowledge: true,
  });
  for (const shop of ["evil.example.com", "", "a/../b.myshopify.com"]) {
    const w = webhook({ shop });
    add({
      group: "webhooks",
      name: `shop domain ${JSON.stringify(shop)}`,
      method: "POST",
      path: "/webhooks",
      headers: signedWebhook(w),
      body: order,
    });
  }
  const never = webhook({ shop: "never-installed.myshopify.com" });
  add({
    group: "webhooks",
    name: "shop never installed (200, ignored)",
    method: "POST",
    path: "/webhooks",
    headers: signedWebhook(never),
    body: order,
    mayAcknowledge: true,
  });
  add({ group: "webhooks", name: "GET /webhooks", method: "GET", path: "/webhooks" });

  // Admin routes: Authorization: Bearer <session token>, as App Bridge's fetch sends.
  const claims = sessionTokenClaims(input.config, { shop: SEEDED_SHOP });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const tokens: [string, string | null][] = [
    ["no session token", null],
    [
      "forged session token (another secret)",
      issueSessionToken({ ...input.config, apiSecret: "forged" }, { shop: SEEDED_SHOP }),
    ],
    ["expired session token", issueSessionToken(input.config, { shop: SEEDED_SHOP, now: Date.now() - 3_600_000 })],
    ["alg none session token", `${header}.${payload}.`],
    ["session token for another app (aud)", signJwt({ ...claims, aud: "another-app" }, SECRET)],
    [
      "session token not yet valid (nbf)",
      signJwt({ ...claims, nbf: claims.nbf + 3_600, iat: claims.iat + 3_600, exp: claims.exp + 3_600 }, SECRET),
    ],
    ["session token with dest not a URL", signJwt({ ...claims, dest: "not a url" }, SECRET)],
    ["session token, garbage", "a.b.c"],
  ];
  for (const path of [
    "/app",
    "/app/activity",
    "/app/delays",
    "/app/notices",
    "/app/orders",
    "/app/restock",
    "/app/settings",
  ]) {
    for (const [name, token] of tokens) {
      add({ group: "admin: session tokens", name: `GET ${path}, ${name}`, path, headers: token ? bearer(token) : {} });
    }
  }
  for (const [name, token] of tokens)
    add({
      group: "admin: session tokens",
      name: `POST /app/delays resolve, ${name}`,
      method: "POST",
      path: "/app/delays",
      headers: { ...(token ? bearer(token) : {}), "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=resolve&id=1",
    });
  // GET /auth/login is the login page (200); what it refuses is a bad shop domain.
  for (const [name, body, type] of [
    ["empty shop", "shop=", "application/x-www-form-urlencoded"],
    ["shop not a domain", "shop=%3Cscript%3E", "application/x-www-form-urlencoded"],
    ["shop outside myshopify.com", "shop=evil.example.com", "application/x-www-form-urlencoded"],
    ["JSON body", '{"shop":"kizuna-faults.myshopify.com"}', "application/json"],
  ])
    add({
      group: "admin: session tokens",
      name: `POST /auth/login, ${name}`,
      method: "POST",
      path: "/auth/login",
      headers: { "User-Agent": BROWSER_UA, "Content-Type": type! },
      body,
    });
  add({
    group: "admin: session tokens",
    name: "GET /app without shop",
    path: "/app",
    headers: { "User-Agent": BROWSER_UA },
  });

  const form = (body: Record<string, string>) => ({
    method: "POST",
    headers: { ...bearer(input.token()), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body).toString(),
  });
  for (const id of HUGE_IDS) {
    add({
      group: "admin: ids",
      name: `resolve delay case ${id}`,
      path: "/app/delays",
      ...form({ intent: "resolve", id }),
    });
    add({
      group: "admin: ids",
      name: `resend notice ${id}`,
      path: "/app/notices",
      ...form({ intent: "resend", noticeId: id }),
    });
    add({
      group: "admin: ids",
      name: `GET /app/delays?page=${id}`,
      path: `/app/delays?page=${encodeURIComponent(id)}`,
      headers: bearer(input.token()),
      mayAcknowledge: true,
    });
    add({
      group: "admin: ids",
      name: `GET /app/orders?page=${id}`,
      path: `/app/orders?page=${encodeURIComponent(id)}`,
      headers: bearer(input.token()),
      mayAcknowledge: true,
    });
  }
  add({
    group: "admin: cross-shop",
    name: "resolve another shop's delay case",
    path: "/app/delays",
    ...form({ intent: "resolve", id: String(input.otherCaseId) }),
  });
  add({
    group: "admin: cross-shop",
    name: "snooze another shop's delay case",
    path: "/app/delays",
    ...form({ intent: "snooze", id: String(input.otherCaseId), until: "2099-01-01" }),
  });
  add({
    group: "admin: cross-shop",
    name: "notify another shop's delay case",
    path: "/app/delays",
    ...form({ intent: "notify", id: String(input.otherCaseId) }),
  });
  add({
    group: "admin: cross-shop",
    name: "resend another shop's notice",
    path: "/app/notices",
    ...form({ intent: "resend", noticeId: String(input.otherNoticeId) }),
  });
  add({
    group: "admin: settings",
    name: "JSON-bodied POST to settings",
    path: "/app/settings",
    method: "POST",
    headers: { ...bearer(input.token()), "Content-Type": "application/json" },
    body: JSON.stringify({ intent: "settings", settings: { dailyCap: 1 } }),
  });
  for (const value of ['""', "null", "[5]", '"abc"', "-5", "1e20"]) {
    const settings = `{"dailyCap":${value}}`;
    add({
      group: "admin: settings",
      name: `settings dailyCap ${value}`,
      path: "/app/settings",
      ...form({ intent: "settings", settings }),
    });
  }
  add({
    group: "admin: settings",
    name: "settings not JSON",
    path: "/app/settings",
    ...form({ intent: "settings", settings: "{" }),
  });
  add({ group: "admin: settings", name: "unknown intent", path: "/app/settings", ...form({ intent: "drop-tables" }) });
  add({
    group: "admin: settings",
    name: "test notice to an address with CR/LF",
    path: "/app/settings",
    ...form({
      intent: "template-test",
      kind: "delay",
      channel: "email",
      locale: "en",
      subject: "Hi",
      body: "Hello",
      to: "a@b.example\r\nBcc: victim@example.com",
    }),
  });
  add({
    group: "admin: settings",
    name: "template subject with CR/LF",
    path: "/app/settings",
    ...form({
      intent: "template-save",
      kind: "delay",
      channel: "email",
      locale: "en",
      subject: "Hi\r\nBcc: victim@example.com",
      body: "Hello",
    }),
  });

  // App proxy (the storefront's Notify me signup).
  const signupPath = "/proxy/restock-subscriptions";
  const signup = { variantId: input.variantId, email: "shopper@example.com", locale: "en" };
  const jsonBody = (body: unknown) => ({
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  add({
    group: "app proxy",
    name: "absent signature",
    path: `${signupPath}?${new URLSearchParams(proxyParams(SEEDED_SHOP))}`,
    ...jsonBody(signup),
  });
  add({
    group: "app proxy",
    name: "signature with another secret",
    path: proxyPath(signupPath, proxyParams(SEEDED_SHOP), "forged"),
    ...jsonBody(signup),
  });
  add({
    group: "app proxy",
    name: "signature of another shop's query, shop changed",
    path: proxyPath(signupPath, proxyParams(OTHER_SHOP)).replace(`shop=${OTHER_SHOP}`, `shop=${SEEDED_SHOP}`),
    ...jsonBody(signup),
  });
  {
    // Shop given twice: a URL signed for the sender's own shop, with another shop put in front.
    const own = proxyPath(signupPath, proxyParams(SEEDED_SHOP));
    add({
      group: "app proxy",
      name: "shop given twice (signature of the last)",
      path: own.replace("?", `?shop=${encodeURIComponent(OTHER_SHOP)}&`),
      ...jsonBody({ ...signup, email: "twice@example.com" }),
    });
  }
  add({
    group: "app proxy",
    name: "timestamp a day old",
    path: proxyPath(signupPath, proxyParams(SEEDED_SHOP, Math.floor(Date.now() / 1000) - 86_400)),
    ...jsonBody({ ...signup, email: "old@example.com" }),
  });
  const signed = () => proxyPath(signupPath, proxyParams(SEEDED_SHOP));
  add({
    group: "app proxy",
    name: "malformed JSON",
    path: signed(),
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{",
  });
  add({
    group: "app proxy",
    name: "oversized body (1 MB)",
    path: signed(),
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...signup, pad: "x".repeat(1024 * 1024) }),
  });
  for (const email of [`a@b.example\r\nBcc: victim@example.com`, `${SCRIPT}@example.com`, "not-an-email", ""])
    add({
      group: "app proxy",
      name: `email ${JSON.stringify(email).slice(0, 40)}`,
      path: signed(),
      ...jsonBody({ ...signup, email }),
    });
  // A locale the app does not know falls back to the shop's (a valid signup, not a rejection): not in the corpus.
  add({
    group: "app proxy",
    name: "phone with script, SMS consent",
    path: signed(),
    ...jsonBody({ ...signup, phone: SCRIPT, smsConsent: true }),
  });
  for (const id of HUGE_IDS)
    add({ group: "app proxy", name: `variant id ${id}`, path: signed(), ...jsonBody({ ...signup, variantId: id }) });
  add({ group: "app proxy", name: "GET /proxy/ping unsigned", path: "/proxy/ping" });

  // Public notice routes.
  for (const token of ["", "forged", "a.b", "x".repeat(10_000)]) {
    add({
      group: "notices",
      name: `GET unsubscribe token ${token.slice(0, 12) || "(none)"}`,
      path: `/notices/unsubscribe?token=${token}`,
    });
    add({
      group: "notices",
      name: `POST unsubscribe token ${token.slice(0, 12) || "(none)"}`,
      method: "POST",
      path: `/notices/unsubscribe?token=${token}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
  }
  add({
    group: "notices",
    name: "SMS inbound, unsigned",
    method: "POST",
    path: "/notices/sms-inbound",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "From=%2B819000000000&Body=STOP",
  });
  add({
    group: "notices",
    name: "SMS inbound, 1 MB",
    method: "POST",
    path: "/notices/sms-inbound",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: `Body=${"x".repeat(1024 * 1024)}`,
  });
  return cases;
}

/**
 * One request on a connection of its own, answered as soon as the status line
 * arrives: a server may answer 413 and close before an oversized body is
 * written (as it should), which fetch reports as a network error.
 */
function send(origin: string, entry: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = entry.body === undefined ? undefined : Buffer.from(entry.body);
    const request = httpRequest(`${origin}${entry.path}`, {
      method: entry.method ?? "GET",
      agent: false,
      headers: {
        // Shopify's admin and storefront are browsers; a bot's user agent is turned away before anything else.
        "User-Agent": BROWSER_UA,
        ...entry.headers,
        ...(body ? { "Content-Length": String(body.length) } : {}),
      },
      timeout: 15_000,
    });
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("timeout", () => request.destroy(new Error("no answer in 15 s")));
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (entry.headersFirst && body) {
      request.flushHeaders();
      const later = setTimeout(() => request.end(body), 3_000);
      request.once("response", () => clearTimeout(later));
    } else request.end(body);
  });
}

/** A seeded order's orders/updated with markup in every customer text field, newer than what is stored. */
function scriptedOrder(webhooks: WebhookToSend[]): WebhookToSend | null {
  const created = webhooks.find((webhook) => webhook.topic === "orders/create");
  if (!created) return null;
  const body = parse(String(created.body)) as Record<string, unknown>;
  const mark = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(mark);
    if (typeof node !== "object" || node === null || node instanceof LosslessNumber) return;
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (
        typeof value === "string" &&
        /(^|_)(name|first_name|last_name|address1|address2|city|company|note|title)$/.test(key)
      )
        record[key] = `${SCRIPT}${value}`;
      else mark(value);
    }
  };
  mark(body);
  body.updated_at = new Date(Date.now() + 60_000).toISOString();
  return {
    topic: "orders/updated",
    shop: SEEDED_SHOP,
    body: stringify(body) ?? "{}",
    eventId: `xss-${randomBytes(6).toString("hex")}`,
  };
}

export async function runBadInput(options: {
  root: string;
  log: (line: string) => void;
  echo: boolean;
}): Promise<BadInputFigures> {
  const { log } = options;
  const dir = mkdtempSync(join(options.root, "bad-input-"));
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox(
    { appUrl, apiKey: API_KEY, apiSecret: SECRET, shop: SEEDED_SHOP, apiVersion: API_VERSION },
    { port: 0 },
  );
  const database = await createRunDatabase("sqlite", dir);
  const detail: string[] = [];
  const redis = new FaultRedis(await freePort(), dir);
  await redis.start();
  const cluster = await createCluster(
    {
      databaseUrl: database.url,
      redisUrl: redis.url,
      redisPrefix: `kizuna-faults-bad-${randomBytes(3).toString("hex")}`,
      secret: SECRET,
      apiKey: API_KEY,
      smtpUrl: sandbox.mail.url,
      sandboxOrigin: sandbox.config.origin,
    },
    { webs: 1, workers: 1, ports: [port] },
    options.echo,
  );
  try {
    await cluster.start();
    const db = database.db;
    // Install as Shopify admin does: the seller opens the app (token exchange, then backfill).
    const opened = await fetch(
      appFrameUrl(sandbox.config, SEEDED_SHOP, "", issueSessionToken(sandbox.config, { shop: SEEDED_SHOP })),
      {
        headers: { "User-Agent": BROWSER_UA },
      },
    );
    if (!opened.ok) throw new Error(`opening the app answered ${opened.status}`);
    await until("the backfill", async () => {
      const row = await db.shop.findUnique({ where: { domain: SEEDED_SHOP } });
      if (row?.syncStatus === "failed") throw new Error(`backfill failed: ${row.syncError}`);
      return row?.syncStatus === "idle" && row.syncedAt !== null;
    });
    // Another shop with a delay case and a notice of its own, for the cross-shop ids.
    await recordInstall(db, OTHER_SHOP, null);
    const otherCase = await db.delayCase.create({
      data: {
        shop: OTHER_SHOP,
        orderId: "1",
        subject: "order",
        rule: "handling_time",
        reason: "LATE",
        openedAt: new Date(),
      },
    });
    const otherNotice = await db.notice.create({
      data: {
        shop: OTHER_SHOP,
        kind: "delay",
        dedupeKey: "delay:1:LATE",
        channel: "email",
        locale: "en",
        recipient: "other@example.com",
        status: "dead",
      },
    });
    // A sold-out variant (what Notify me is for), and the same one in the other shop, so a
    // signup that lands in the wrong shop is accepted there and shows as a write.
    const variant = await db.variant.findFirst({ where: { shop: SEEDED_SHOP, inventoryQuantity: { lte: 0 } } });
    if (!variant) throw new Error("the seeded shop has no sold-out variant for the app proxy cases");
    const product = await db.product.findUnique({ where: { shop_id: { shop: SEEDED_SHOP, id: variant.productId } } });
    if (product) await db.product.create({ data: { ...product, shop: OTHER_SHOP } });
    await db.variant.create({ data: { ...variant, shop: OTHER_SHOP } });
    const levels = await db.inventoryLevel.findMany({
      where: { shop: SEEDED_SHOP, inventoryItemId: variant.inventoryItemId ?? "" },
    });
    for (const level of levels) await db.inventoryLevel.create({ data: { ...level, shop: OTHER_SHOP } });

    // Accepted text with markup: a signed order update whose customer texts carry <script>.
    const accepted = { tried: 0, unescaped: 0, escaped: 0 };
    const scripted = scriptedOrder(shopWebhooks(sandbox.store, SEEDED_SHOP));
    if (scripted) {
      accepted.tried += 1;
      const response = await fetch(`${appUrl}/webhooks`, {
        method: "POST",
        headers: signedWebhook(scripted),
        body: String(scripted.body),
      });
      if (response.status !== 200) detail.push(`the order with <script> in its texts was answered ${response.status}`);
      await until("the order with <script> to be processed", async () => {
        const row = await db.webhookEvent.findFirst({ where: { shop: SEEDED_SHOP, eventId: scripted.eventId } });
        return row?.status === "processed" || row?.status === "failed";
      });
      for (const path of ["", "/orders", "/delays", "/notices", "/restock"]) {
        const token = issueSessionToken(sandbox.config, { shop: SEEDED_SHOP });
        const page = await fetch(appFrameUrl(sandbox.config, SEEDED_SHOP, path, token), {
          headers: { "User-Agent": BROWSER_UA },
        });
        const html = await page.text();
        if (html.includes(escapedScript)) accepted.escaped += 1;
        if (html.includes(SCRIPT)) {
          accepted.unescaped += 1;
          detail.push(`/app${path} shows customer text unescaped (${SCRIPT})`);
        }
      }
    }

    // Only the web from here: what changes in the database, a request changed.
    await Promise.all(cluster.workers.map((worker) => worker.stop()));
    const token = () => issueSessionToken(sandbox.config, { shop: SEEDED_SHOP });
    const cases = corpus({
      token,
      config: sandbox.config,
      otherCaseId: otherCase.id,
      otherNoticeId: otherNotice.id,
      variantId: variant.id,
    });
    // The corpus means something only if a valid request of the same shape is served.
    for (const path of ["/app/delays", "/app/notices"]) {
      const status = await send(appUrl, {
        group: "control",
        name: path,
        path,
        headers: { Authorization: `Bearer ${token()}` },
      });
      if (status !== 200)
        throw new Error(`a valid session token on GET ${path} answered ${status}: the corpus would prove nothing`);
    }
    const groups = new Map<string, BadInputGroup>();
    for (const entry of cases) {
      const group = groups.get(entry.group) ?? {
        name: entry.group,
        tried: 0,
        fourxx: 0,
        threexx: 0,
        twoxx: 0,
        fivexx: 0,
        rowsWritten: 0,
      };
      groups.set(entry.group, group);
      const before = await snapshot(db);
      let status = 0;
      try {
        status = await send(appUrl, entry);
      } catch (error) {
        detail.push(`${entry.group}: ${entry.name}: no answer (${(error as Error).message})`);
      }
      const written = changedRows(before, await snapshot(db));
      group.tried += 1;
      if (status >= 500 || status === 0) group.fivexx += 1;
      else if (status >= 400) group.fourxx += 1;
      else if (status >= 300) group.threexx += 1;
      else if (!entry.mayAcknowledge) group.twoxx += 1;
      group.rowsWritten += written.count;
      if (process.env.FAULTS_TRACE) log(`    ${status} ${entry.group}: ${entry.name}`);
      const bad = status >= 500 || status === 0 || (status < 300 && !entry.mayAcknowledge) || written.count > 0;
      if (bad)
        detail.push(
          `${entry.group}: ${entry.name} → ${status || "no answer"}${written.count ? `, wrote ${written.tables.join(", ")}` : ""}`,
        );
    }
    const all = [...groups.values()];
    const sum = (key: keyof Omit<BadInputGroup, "name">) => all.reduce((total, group) => total + group[key], 0);
    log(`  ${cases.length} requests tried`);
    return {
      groups: all,
      tried: sum("tried"),
      fourxx: sum("fourxx"),
      threexx: sum("threexx"),
      twoxx: sum("twoxx"),
      fivexx: sum("fivexx"),
      rowsWritten: sum("rowsWritten"),
      accepted,
      detail,
    };
  } finally {
    await cluster.stop();
    await redis.stop();
    await sandbox.close();
    await database.drop();
  }
}
