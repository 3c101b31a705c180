// "Notify now" on the Delays page, through the production build: the web
// process puts the send on the job queue in the request, so the mail reaches
// the sink at once — not at the worker's once-a-minute notice sweep.
import { afterAll, beforeAll, expect, it } from "vitest";
import { evaluateOrder } from "../../app/delays/index.server.ts";
import { adminPost } from "../support/admin-http.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;

beforeAll(async () => {
  stack = await startStack("kizuna-notify-now.myshopify.com", { mail: true });
  config = stack.config;
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("sends the seller's notice at once, before the next notice sweep", async () => {
  const db = stack!.app.db;
  const shop = config.shop;
  const now = new Date();
  await db.shopSettings.upsert({
    where: { shop },
    create: { shop, quietStart: "00:00", quietEnd: "00:00" },
    update: { quietStart: "00:00", quietEnd: "00:00" },
  });
  await db.customer.create({
    data: { shop, id: "c-now", email: "hana@example.com", firstName: "Hana", lastName: "Mori", locale: "en" },
  });
  await db.order.create({
    data: {
      shop,
      id: "o-now",
      name: "#7001",
      customerId: "c-now",
      currency: "JPY",
      totalPrice: "3300",
      fulfillmentStatus: "UNFULFILLED",
      shopifyCreatedAt: new Date(now.getTime() - 10 * 86_400_000),
      shopifyUpdatedAt: now,
    },
  });
  await evaluateOrder(db, shop, "o-now", now);
  const delay = await db.delayCase.findFirstOrThrow({ where: { shop, orderId: "o-now", status: "open" } });

  // The worker sweeps notices at the start of each minute: post well after one and
  // expect the mail before the next, so only the request itself can have queued it.
  while (new Date().getSeconds() < 10 || new Date().getSeconds() > 35) await sleep(500);
  const posted = new Date();
  const nextSweep = new Date(posted);
  nextSweep.setSeconds(60, 0);
  const response = await adminPost(config, "/app/delays.data", {
    intent: "notify",
    id: String(delay.id),
    message: "we are re-packing it 4711",
  });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain("The customer will be told.");

  let mail = null;
  while (!mail && Date.now() < nextSweep.getTime() - 1_000) {
    mail = (await stack!.sandbox.mail.messages()).find((message) => message.text?.includes("re-packing it 4711"));
    if (!mail) await sleep(200);
  }
  expect(mail, "the mail arrived before the next notice sweep").toBeTruthy();
  expect(mail!.envelope.to).toEqual(["hana@example.com"]);
  const notice = await db.notice.findFirstOrThrow({ where: { shop, orderId: "o-now", kind: "delay" } });
  expect((await db.delayCase.findUniqueOrThrow({ where: { id: delay.id } })).noticeId).toBe(notice.id);
}, 120_000);
