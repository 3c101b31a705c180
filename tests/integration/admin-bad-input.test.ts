// Bad input to the admin, through the production build over real HTTP, the
// way the embedded admin calls it (sandbox session tokens signed with the
// app's secret): every malformed id, body, number, date and token is a 4xx
// with a message, and nothing is written. The login page answers too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFrameUrl, issueSessionToken, sessionTokenClaims, signJwt } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { RunningApp } from "../e2e/support/app.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
let app: RunningApp;

beforeAll(async () => {
  stack = await startStack("kizuna-bad-input.myshopify.com");
  config = stack.config;
  app = stack.app;
  // The first admin visit installs the shop and starts its backfill, which writes: let it finish.
  expect(
    (await fetch(appFrameUrl(config, config.shop, "", token()), { headers: { "User-Agent": USER_AGENT } })).status,
  ).toBe(200);
  await settled();
}, 300_000);

/** Waits until the install's backfill is done and nothing it started still writes. */
async function settled(): Promise<void> {
  let last = "";
  let quiet = 0;
  for (;;) {
    const shop = await app.db.shop.findUnique({ where: { domain: config.shop } });
    const now = await written();
    // Unchanged for 2 s after the sync: the delay scan the backfill queues may start a moment later.
    quiet = now === last ? quiet + 1 : 0;
    if (shop?.syncStatus === "idle" && shop.syncedAt && quiet >= 4) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

afterAll(async () => {
  await stack?.close();
});

// The library turns away bots (and Node's fetch looks like one): requests carry a browser's User-Agent.
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
function token(): string {
  return issueSessionToken(config, { shop: config.shop });
}

function post(path: string, body: string | Record<string, string>, contentType?: string, bearer = token()) {
  const form = typeof body !== "string";
  return fetch(`${config.appUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "User-Agent": USER_AGENT,
      Authorization: `Bearer ${bearer}`,
      "Content-Type": contentType ?? (form ? "application/x-www-form-urlencoded" : "text/plain"),
    },
    body: form ? new URLSearchParams(body).toString() : body,
  });
}

/** Everything an admin action could write, to compare before and after a refused request. */
async function written(): Promise<string> {
  const db = app.db;
  const tables = await Promise.all([
    db.shopSettings.findMany(),
    db.noticeTemplate.findMany(),
    db.notice.findMany(),
    db.delayCase.findMany(),
    db.webhookEvent.findMany(),
  ]);
  return JSON.stringify(tables);
}

async function expectRefused(response: Response, status: number, message: string) {
  expect(response.status).toBe(status);
  expect(await response.text()).toContain(message);
}

const BAD_IDS = ["1e20", "-1", "1.5", "0x10", "99999999999999999999", "", " 7", "2147483648"];

describe("admin ids are parsed strictly", () => {
  it("refuses malformed and out-of-range ids on every action that takes one, writing nothing", async () => {
    const before = await written();
    for (const id of BAD_IDS) {
      for (const intent of ["resolve", "notify", "snooze"]) {
        const fields = { intent, id, ...(intent === "snooze" ? { until: "2099-01-01" } : {}) };
        await expectRefused(await post("/app/delays.data", fields), 400, "Delay case: not a valid id.");
      }
      await expectRefused(
        await post("/app/notices.data", { intent: "resend", noticeId: id }),
        400,
        "Notice: not a valid id.",
      );
      await expectRefused(
        await post("/app/activity.data", { intent: "replay", eventId: id }),
        400,
        "Event: not a valid id.",
      );
    }
    expect(await written()).toBe(before);
  });

  it("a well-formed id that does not exist is 404, not a write", async () => {
    const before = await written();
    await expectRefused(await post("/app/delays.data", { intent: "resolve", id: "2147483647" }), 404, "");
    await expectRefused(await post("/app/notices.data", { intent: "resend", noticeId: "2147483647" }), 404, "");
    await expectRefused(await post("/app/activity.data", { intent: "replay", eventId: "2147483647" }), 404, "");
    expect(await written()).toBe(before);
  });

  it("refuses unknown intents and impossible dates", async () => {
    const before = await written();
    for (const path of ["/app/activity.data", "/app/delays.data", "/app/notices.data", "/app/settings.data"])
      await expectRefused(await post(path, { intent: "drop-tables" }), 400, "That request was not understood.");
    for (const until of ["2026-02-30", "2026-13-01", "tomorrow", ""])
      await expectRefused(await post("/app/delays.data", { intent: "snooze", id: "1", until }), 400, "Pick a date");
    expect(await written()).toBe(before);
  });
});

describe("admin bodies that are not a form", () => {
  const paths = ["/app/activity.data", "/app/delays.data", "/app/notices.data", "/app/settings.data"];

  it("answers 415 to a JSON or other non-form body on every admin action, writing nothing", async () => {
    const before = await written();
    for (const path of paths) {
      const json = JSON.stringify({ intent: "settings", settings: "{}" });
      await expectRefused(await post(path, json, "application/json"), 415, "accepts a form");
      await expectRefused(await post(path, "intent=settings", "text/plain"), 415, "accepts a form");
    }
    expect(await written()).toBe(before);
  });
});

describe("settings numbers are numbers", () => {
  const settings = {
    senderName: "Tsumugi",
    senderEmail: "hello@tsumugi.example",
    handlingDays: "3",
    holidayPreset: "jp",
    holidays: [],
    quietStart: "22:00",
    quietEnd: "07:30",
    dailyCap: "2",
    followUpDays: "5",
    noticeKinds: {},
  };

  it("answers 413 to a form larger than 256 KB, declared or streamed, writing nothing", async () => {
    const before = await written();
    const big = `intent=settings&settings=${"x".repeat(300 * 1024)}`;
    await expectRefused(await post("/app/settings.data", big, "application/x-www-form-urlencoded"), 413, "too large");
    // No Content-Length (chunked): the limit is found while reading.
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await fetch(`${config.appUrl}/app/settings.data`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "User-Agent": USER_AGENT,
        Authorization: `Bearer ${token()}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: stream,
      duplex: "half",
    } as RequestInit);
    await expectRefused(streamed, 413, "too large");
    expect(await written()).toBe(before);
  });

  it("refuses empty, null, list and non-decimal values with a field error and saves nothing", async () => {
    const cases: [string, unknown, string][] = [
      ["handlingDays", "", "Handling time: enter a number."],
      ["handlingDays", null, "Handling time: enter a number."],
      ["handlingDays", [5], "Handling time: enter a number."],
      ["dailyCap", "", "Daily cap: enter a number."],
      ["dailyCap", null, "Daily cap: enter a number."],
      ["dailyCap", [5], "Daily cap: enter a number."],
      ["followUpDays", "", "Follow-up: enter a number."],
      ["followUpDays", "1e1", "Follow-up: enter a number."],
      ["followUpDays", "0x10", "Follow-up: enter a number."],
      ["followUpDays", "99999999999999999999", "Follow-up: enter a number."],
      ["dailyCap", "2.5", "Daily cap: a whole number."],
      ["handlingDays", 31, "Handling time: 0 to 30 business days."],
    ];
    const before = await written();
    for (const [field, value, message] of cases) {
      const response = await post("/app/settings.data", {
        intent: "settings",
        settings: JSON.stringify({ ...settings, [field]: value }),
      });
      await expectRefused(response, 422, message);
    }
    for (const text of ["not json", "[]", "null", "5"])
      expect((await post("/app/settings.data", { intent: "settings", settings: text })).status).toBe(422);
    expect(await written()).toBe(before);
    expect(await app.db.shopSettings.count()).toBe(0);

    const saved = await post("/app/settings.data", { intent: "settings", settings: JSON.stringify(settings) });
    expect(saved.status).toBe(200);
    expect(await app.db.shopSettings.findUnique({ where: { shop: config.shop } })).toMatchObject({
      handlingDays: 3,
      dailyCap: 2,
      followUpDays: 5,
    });
  });
});

describe("session tokens", () => {
  const signed = (dest: unknown) =>
    signJwt({ ...sessionTokenClaims(config, { shop: config.shop }), dest }, config.apiSecret);

  it("answers 401 to a validly signed token whose dest is not a shop URL, on pages and actions", async () => {
    const before = await written();
    for (const dest of ["not a url", "", 42, null, "javascript:alert(1)", "https://evil.example.com"]) {
      const page = await fetch(appFrameUrl(config, config.shop, "/settings", signed(dest)), {
        redirect: "manual",
        headers: { "User-Agent": USER_AGENT },
      });
      expect(page.status).toBe(401);
      const action = await post("/app/settings.data", { intent: "settings", settings: "{}" }, undefined, signed(dest));
      await expectRefused(action, 401, "The session token does not name a shop.");
    }
    expect(await written()).toBe(before);
  });
});

describe("login page", () => {
  it("GET /auth/login shows the shop-domain form", async () => {
    const response = await fetch(`${config.appUrl}/auth/login`, { headers: { "User-Agent": USER_AGENT } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Shop domain");
    expect(html).toContain("Log in");
  });

  it("an /app visit without a session or shop lands on the login page", async () => {
    const response = await fetch(`${config.appUrl}/app`, { headers: { "User-Agent": USER_AGENT } });
    expect(response.status).toBe(200);
    expect(new URL(response.url).pathname).toBe("/auth/login");
    expect(await response.text()).toContain("Shop domain");
  });

  const login = (body: string, contentType = "application/x-www-form-urlencoded") =>
    fetch(`${config.appUrl}/auth/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "User-Agent": USER_AGENT, "Content-Type": contentType },
      body,
    });

  it("refuses an empty or invalid domain with a message, and a non-form body with 415", async () => {
    await expectRefused(await login("shop="), 400, "Please enter your shop domain to log in.");
    await expectRefused(await login("shop=not%20a%20shop!"), 400, "Please enter a valid shop domain to log in");
    await expectRefused(await login('{"shop":"x"}', "application/json"), 415, "accepts a form");
    const query = await fetch(`${config.appUrl}/auth/login?shop=${encodeURIComponent("<script>")}`, {
      headers: { "User-Agent": USER_AGENT },
    });
    await expectRefused(query, 400, "Please enter a valid shop domain to log in");
  });

  it("a valid domain goes to that store's admin page for the app (the sandbox admin here)", async () => {
    const response = await login(`shop=${config.shop}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`${config.origin}/admin/store/kizuna-bad-input/apps/kizuna`);
  });
});
