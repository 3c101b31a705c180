// "Send again" on the Notices page, through the production build: a sent
// notice goes out once more as a new notice with the same content; the same
// click twice (a double click, a retried request) sends it once; only a sent
// notice can be sent again.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { adminPage, adminPost } from "../support/admin-http.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;

beforeAll(async () => {
  stack = await startStack("kizuna-send-again.myshopify.com", { mail: true });
  config = stack.config;
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

it("sends a sent notice again once per click, and refuses one that was not sent", async () => {
  const db = stack!.app.db;
  const shop = config.shop;
  await db.shopSettings.upsert({
    where: { shop },
    create: { shop, quietStart: "00:00", quietEnd: "00:00" },
    update: { quietStart: "00:00", quietEnd: "00:00" },
  });
  const sent = await db.notice.create({
    data: {
      shop,
      kind: "delay",
      dedupeKey: "delay:f-again",
      channel: "email",
      locale: "en",
      recipient: "again@example.com",
      recipientName: "Mia",
      subject: "Your order #7100 is on its way",
      bodyText: "Hi Mia, your order #7100 is on its way.",
      bodyHtml: "<p>Hi Mia, your order #7100 is on its way.</p>",
      status: "sent",
      sentAt: new Date(),
    },
  });
  const queued = await db.notice.create({
    data: { shop, kind: "delay", dedupeKey: "delay:q", channel: "email", locale: "en", recipient: "q@example.com" },
  });

  const page = await (await adminPage(config, "/notices")).text();
  expect(page).toContain("Send again");
  const attempt = /"attempt":"([0-9a-z]+)"/.exec(page)?.[1] ?? "a1";

  const click = () =>
    adminPost(config, "/app/notices.data", { intent: "send-again", noticeId: String(sent.id), attempt });
  const first = await click();
  expect(first.status).toBe(200);
  expect(await first.text()).toContain("The notice is being sent again.");
  await stack!.sandbox.mail.waitFor((mail) => mail.to.includes("again@example.com"), 15_000);
  const second = await click();
  expect(await second.text()).toContain("This notice was already sent again from this page.");

  const copies = await db.notice.findMany({ where: { shop, recipient: "again@example.com" }, orderBy: { id: "asc" } });
  expect(copies.map((notice) => notice.id)).toHaveLength(2);
  expect(copies[1]).toMatchObject({ subject: sent.subject, bodyText: sent.bodyText });
  // Why the copy exists stays in its history (its status reason is cleared once it is sent).
  expect(
    await db.noticeEvent.count({
      where: { noticeId: copies[1]!.id, status: "queued", reason: `sent_again:${sent.id}` },
    }),
  ).toBe(1);
  // Give a second mail the time it would need, then count: one resend, one mail.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect((await stack!.sandbox.mail.messages()).filter((mail) => mail.to.includes("again@example.com"))).toHaveLength(
    1,
  );

  const refused = await adminPost(config, "/app/notices.data", {
    intent: "send-again",
    noticeId: String(queued.id),
    attempt,
  });
  expect(refused.status).toBe(409);
  expect(await refused.text()).toContain("Only a notice that was sent can be sent again.");
  const malformed = await adminPost(config, "/app/notices.data", {
    intent: "send-again",
    noticeId: String(sent.id),
    attempt: "not valid!",
  });
  expect(malformed.status).toBe(400);
}, 120_000);
