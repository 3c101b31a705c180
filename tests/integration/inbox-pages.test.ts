// The inbox pages through the real admin routes (production build, sandbox
// session tokens), on both databases: the list puts the longest waiting first
// and filters by channel and status; another shop's conversation is a 404;
// script a customer wrote shows as text; a reply posts, appears and reaches
// the mail sink threaded; the tone check and a colleague's reply since the page
// loaded each ask before sending; two staff see each other; the 6th exchange
// raises "take it to a solution"; resolving schedules the survey mail, whose
// link stores the customer's answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { safeTimeZone, zonedTimeToUtc } from "../../app/notices/shop-time.ts";
import type { IncomingMessage } from "../../app/inbox/types.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { adminPage, BROWSER_UA } from "../support/admin-http.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";

/** What the page shows: the document without its scripts and tags (the loader data is in the scripts). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

async function until<T>(what: string, read: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The page without its scripts (the markup the server rendered). */
const markup = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, " ");

describe.each(PROVIDERS)("inbox pages on %s", (provider) => {
  let stack: TestStack | undefined;
  let database: TestDatabase | undefined;
  let config: SandboxConfig;
  const shop = `kizuna-inbox-${provider}.myshopify.com`;
  let sequence = 0;

  beforeAll(async () => {
    database = provider === "postgresql" ? await createTestDatabase("postgresql") : undefined;
    stack = await startStack(shop, { mail: true, ...(database ? { databaseUrl: database.url } : {}) });
    config = stack.config;
    // The first page load exchanges the session token (offline session).
    expect((await adminPage(config, "/inbox")).status).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
    await database?.drop();
  });

  const db = () => stack!.app.db;

  /** An admin page with a query (filters), as the admin frames it. */
  const listPage = (search: string, locale = "en") =>
    fetch(appFrameUrl(config, shop, "/inbox", issueSessionToken(config, { shop }), search, locale), {
      headers: { "User-Agent": BROWSER_UA },
    });

  /** A customer's mail as the email channel hands it to the inbox. */
  async function customerWrites(
    from: { email: string; name: string },
    text: string,
    options: {
      at?: Date;
      subject?: string;
      channel?: "email" | "sms";
      targetShop?: string;
      /** Answers this conversation's latest reply, the way a mail client threads it. */
      answering?: number;
      kind?: IncomingMessage["kind"];
      orderId?: string;
    } = {},
  ) {
    sequence += 1;
    const channel = options.channel ?? "email";
    const answered = options.answering
      ? await db().message.findFirst({
          where: { shop, conversationId: options.answering, direction: "outgoing" },
          orderBy: { id: "desc" },
          select: { providerMessageId: true },
        })
      : null;
    const incoming: IncomingMessage = {
      channel,
      providerMessageId:
        channel === "email" ? `<m${sequence}.${Date.now()}@customer.example>` : `SM${sequence}x${Date.now()}`,
      identities: channel === "email" ? [{ kind: "email", value: from.email }] : [{ kind: "phone", value: from.email }],
      contactName: from.name,
      subject: options.subject ?? (channel === "email" ? "Question about my order" : null),
      text,
      fullText: text,
      kind: options.kind ?? "message",
      orderId: options.orderId ?? null,
      fromAddress: channel === "email" ? from.email : null,
      fromName: from.name,
      inReplyTo: answered?.providerMessageId ?? null,
      references: answered?.providerMessageId ? [answered.providerMessageId] : [],
      receivedAt: options.at ?? new Date(),
    };
    const received = await receiveMessage(db(), options.targetShop ?? shop, incoming);
    if (received.dropped) throw new Error(`dropped: ${received.reason}`);
    return received;
  }

  /** A form POST to a route's data URL as staff member `sub`. */
  const post = (path: string, fields: Record<string, string>, sub = "1") =>
    fetch(`${stack!.app.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "User-Agent": BROWSER_UA,
        Authorization: `Bearer ${issueSessionToken(config, { shop, sub })}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(fields).toString(),
    });

  const lastMessageId = async (conversationId: number) =>
    (await db().message.findFirst({ where: { shop, conversationId }, orderBy: { id: "desc" }, select: { id: true } }))
      ?.id ?? 0;

  async function reply(conversationId: number, text: string, extra: Record<string, string> = {}, sub = "1") {
    return post(
      `/app/inbox/${conversationId}.data`,
      {
        intent: "reply",
        text,
        seen: String(await lastMessageId(conversationId)),
        ...extra,
      },
      sub,
    );
  }

  it("lists the longest waiting first, and filters by channel and status", async () => {
    const hour = 3_600_000;
    const now = Date.now();
    await customerWrites({ email: "newest@example.com", name: "Newest Nakamura" }, "Hello?", {
      at: new Date(now - 1 * hour),
    });
    await customerWrites({ email: "oldest@example.com", name: "Oldest Ota" }, "Still waiting", {
      at: new Date(now - 30 * hour),
    });
    await customerWrites({ email: "+819012345678", name: "Texting Tanaka" }, "SMS here", {
      at: new Date(now - 5 * hour),
      channel: "sms",
    });

    const list = visibleText(await (await adminPage(config, "/inbox")).text());
    const order = ["Oldest Ota", "Texting Tanaka", "Newest Nakamura"].map((name) => list.indexOf(name));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const sms = visibleText(await (await listPage("channel=sms")).text());
    expect(sms).toContain("Texting Tanaka");
    expect(sms).not.toContain("Oldest Ota");

    const resolved = visibleText(await (await listPage("status=resolved")).text());
    expect(resolved).not.toContain("Oldest Ota");
    expect(resolved).toContain("No conversations match these filters");

    const japanese = visibleText(await (await adminPage(config, "/inbox", "ja")).text());
    expect(japanese).toContain("受信箱");
    expect(japanese).toContain("Oldest Ota");
    // Every string worded: no message key left raw, in either language.
    expect(japanese).not.toMatch(/\b(inbox|nav|notices)\.[a-zA-Z]/);
    expect(list).not.toMatch(/\b(inbox|nav|notices)\.[a-zA-Z]/);
  });

  it("answers another shop's conversation with a 404, changing nothing", async () => {
    const other = await customerWrites({ email: "stranger@example.com", name: "Stranger" }, "Not yours", {
      targetShop: "another-inbox-shop.myshopify.com",
    });
    expect((await adminPage(config, `/inbox/${other.conversationId}`)).status).toBe(404);
    expect((await post(`/app/inbox/${other.conversationId}.data`, { intent: "resolve" })).status).toBe(404);
    expect(
      (await post(`/app/inbox/${other.conversationId}.data`, { intent: "reply", text: "hi", seen: "0" })).status,
    ).toBe(404);
    expect((await adminPage(config, "/inbox/not-a-number")).status).toBe(404);
    const row = await db().conversation.findUnique({ where: { id: other.conversationId } });
    expect(row?.status).toBe("open");
    expect(await db().message.count({ where: { conversationId: other.conversationId } })).toBe(1);
  });

  it("shows script a customer wrote as text", async () => {
    const got = await customerWrites(
      { email: "script@example.com", name: "<b>Bold</b> Bando" },
      'Hi <script>alert("x")</script><img src=x onerror=alert(1)> thanks',
    );
    const html = await (await adminPage(config, `/inbox/${got.conversationId}`)).text();
    const page = markup(html);
    expect(page).toContain("&lt;script&gt;alert(");
    // Nowhere in the document, the loader's data included.
    expect(html).not.toContain('<script>alert("x")');
    expect(html).not.toContain("<img src=x");
    expect(page).toContain("&lt;b&gt;Bold&lt;/b&gt; Bando");
    for (const locale of ["en", "ja"]) {
      const shown = visibleText(await (await adminPage(config, `/inbox/${got.conversationId}`, locale)).text());
      expect(shown, locale).not.toMatch(/\b(inbox|nav|notices|returns)\.[a-zA-Z]/);
    }
  });

  it("offers the seller's self-help answer that fits what the customer wrote, first in the reply box", async () => {
    await db().selfHelpAnswer.create({
      data: { shop, topic: "shipping", locale: "ja", title: "配送日数について", body: "通常2〜3日でお届けします。" },
    });
    await db().selfHelpAnswer.create({
      data: { shop, topic: "sizes", locale: "ja", title: "サイズ表", body: "サイズ表はこちら。" },
    });
    const about = await customerWrites({ email: "nimotsu@example.jp", name: "荷物 待子" }, "荷物がまだ届きません。");
    const shown = visibleText(await (await adminPage(config, `/inbox/${about.conversationId}`)).text());
    expect(shown).toContain("Suggested answer [ja]: 配送日数について");
    expect(shown).not.toContain("Suggested answer [ja]: サイズ表");
    const unrelated = await customerWrites(
      { email: "thanks@example.jp", name: "感謝 太郎" },
      "ありがとうございました！",
    );
    expect(visibleText(await (await adminPage(config, `/inbox/${unrelated.conversationId}`)).text())).not.toContain(
      "Suggested answer",
    );
  });

  it("posts a reply that appears in the conversation and reaches the customer threaded", async () => {
    const got = await customerWrites({ email: "reply-me@example.com", name: "Reply Ruriko" }, "Where is my parcel?");
    const incoming = await db().message.findFirst({ where: { id: got.messageId } });
    const answer = await reply(got.conversationId, "It left our workshop today. Thank you for waiting!");
    expect(answer.status).toBe(200);
    const mail = await stack!.sandbox.mail.waitFor((message) => message.to.includes("reply-me@example.com"), 20_000);
    expect(mail.text).toContain("It left our workshop today.");
    expect(mail.headers["in-reply-to"]).toBe(incoming?.providerMessageId);
    expect(mail.headers["reply-to"]).toMatch(/^reply\+[a-z2-7]+@/);

    const page = visibleText(await (await adminPage(config, `/inbox/${got.conversationId}`)).text());
    expect(page).toContain("It left our workshop today.");
    const conversation = await db().conversation.findUnique({ where: { id: got.conversationId } });
    expect(conversation).toMatchObject({ status: "waiting", waitingSince: null, exchanges: 1 });

    // An empty reply is a 400 and sends nothing.
    const before = await db().message.count({ where: { conversationId: got.conversationId } });
    expect((await reply(got.conversationId, "   ")).status).toBe(400);
    expect(
      (await post(`/app/inbox/${got.conversationId}.data`, { intent: "reply", text: "x", seen: "-1" })).status,
    ).toBe(400);
    expect((await post(`/app/inbox/${got.conversationId}.data`, { intent: "delete-everything" })).status).toBe(400);
    expect(await db().message.count({ where: { conversationId: got.conversationId } })).toBe(before);
  });

  it("asks before sending a defensive reply, and before answering over a colleague's reply", async () => {
    const got = await customerWrites({ email: "tone@example.com", name: "Tone Takeda" }, "It arrived broken.");
    const count = () => db().message.count({ where: { conversationId: got.conversationId, direction: "outgoing" } });

    const defensive = await reply(got.conversationId, "As I already said, it's not our fault.");
    expect(defensive.status).toBe(409);
    expect(await defensive.text()).toContain("tone");
    expect(await count()).toBe(0);
    const confirmed = await reply(got.conversationId, "As I already said, it's not our fault.", { confirmTone: "1" });
    expect(confirmed.status).toBe(200);
    expect(await count()).toBe(1);

    // Staff member 2 loaded the page before staff member 1 replied again.
    const seen = String(await lastMessageId(got.conversationId));
    const again = await customerWrites({ email: "tone@example.com", name: "Tone Takeda" }, "That is not helpful.", {
      subject: "Re: Question about my order",
      answering: got.conversationId,
    });
    expect(again.conversationId).toBe(got.conversationId);
    const staffOne = await reply(got.conversationId, "We are sending a new one today.");
    expect(staffOne.status).toBe(200);
    const overlapping = await post(
      `/app/inbox/${got.conversationId}.data`,
      { intent: "reply", text: "Could you send a photo?", seen },
      "2",
    );
    expect(overlapping.status).toBe(409);
    expect(await overlapping.text()).toContain("overlap");
    expect(await count()).toBe(2);
    const anyway = await post(
      `/app/inbox/${got.conversationId}.data`,
      { intent: "reply", text: "Could you send a photo?", seen, confirmOverlap: "1" },
      "2",
    );
    expect(anyway.status).toBe(200);
    expect(await count()).toBe(3);
  });

  it("shows each staff member who else has the conversation open", async () => {
    const got = await customerWrites({ email: "presence@example.com", name: "Presence Park" }, "Anyone there?");
    const path = `/app/inbox/${got.conversationId}.data`;
    expect((await post(path, { intent: "presence", state: "replying" }, "7")).status).toBe(200);
    const seenByOne = await (await post(path, { intent: "presence", state: "viewing" }, "1")).text();
    expect(seenByOne).toContain("staff:7");
    expect(seenByOne).toContain("replying");
    const seenBySeven = await (await post(path, { intent: "presence", state: "replying" }, "7")).text();
    expect(seenBySeven).toContain("staff:1");
    expect(seenBySeven).not.toContain("staff:7");
    expect((await post(path, { intent: "presence", state: "dancing" }, "1")).status).toBe(400);
  });

  it("flags the 6th exchange: take it to a solution", async () => {
    const customer = { email: "long@example.com", name: "Long Lee" };
    const first = await customerWrites(customer, "Message 1");
    const id = first.conversationId;
    for (let exchange = 1; exchange <= 6; exchange++) {
      if (exchange > 1) {
        const again = await customerWrites(customer, `Message ${exchange}`, {
          subject: "Re: Question about my order",
          answering: id,
        });
        expect(again.conversationId).toBe(id);
      }
      expect((await reply(id, `Answer ${exchange}`)).status).toBe(200);
      const row = await db().conversation.findUnique({ where: { id } });
      expect(row?.exchanges).toBe(exchange);
      const page = await (await adminPage(config, `/inbox/${id}`)).text();
      if (exchange < 6) {
        expect(row?.flaggedAt).toBeNull();
        expect(markup(page)).not.toContain("data-flagged");
      } else {
        expect(row?.flaggedAt).not.toBeNull();
        expect(markup(page)).toContain("data-flagged");
        expect(visibleText(page)).toContain("Take it to a solution");
      }
    }
  }, 120_000);

  it("schedules the survey when a conversation is resolved, and its link stores the answer", async () => {
    const got = await customerWrites({ email: "survey@example.com", name: "Survey Sato" }, "Thanks, all good now.");
    expect((await reply(got.conversationId, "Glad it worked out!")).status).toBe(200);
    const resolved = await post(`/app/inbox/${got.conversationId}.data`, { intent: "resolve" });
    expect(resolved.status).toBe(200);
    const survey = await db().satisfactionSurvey.findUnique({ where: { conversationId: got.conversationId } });
    expect(survey).not.toBeNull();
    const notice = await db().notice.findFirst({
      where: { shop, kind: "survey", dedupeKey: `survey:${got.conversationId}` },
    });
    expect(notice).toMatchObject({ recipient: "survey@example.com", channel: "email" });
    expect(notice!.sendAfter!.getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    expect(notice!.bodyText).toContain(`/survey/${survey!.token}?rating=5`);

    // The link opens the page (storing nothing by itself: mail scanners open links too).
    const opened = await fetch(`${stack!.app.url}/survey/${survey!.token}?rating=4`, {
      headers: { "User-Agent": BROWSER_UA },
    });
    expect(opened.status).toBe(200);
    // In the shop's language (the contact has none of their own): the demo shop's is Japanese.
    expect(await opened.text()).toContain("今回の対応はいかがでしたか");
    expect((await db().satisfactionSurvey.findUnique({ where: { id: survey!.id } }))?.rating).toBeNull();

    // The page's one-click post, then a comment with it.
    const answer = (fields: Record<string, string>, token = survey!.token) =>
      fetch(`${stack!.app.url}/survey/${token}`, {
        method: "POST",
        headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await answer({ rating: "4" })).status).toBe(200);
    expect((await db().satisfactionSurvey.findUnique({ where: { id: survey!.id } }))?.rating).toBe(4);
    expect((await answer({ rating: "5", comment: "Quick and kind <3" })).status).toBe(200);
    const stored = await db().satisfactionSurvey.findUnique({ where: { id: survey!.id } });
    expect(stored).toMatchObject({ rating: 5, comment: "Quick and kind <3" });
    expect(stored?.answeredAt).not.toBeNull();

    // Bad input changes nothing; a forged token is a 404.
    expect((await answer({ rating: "9" })).status).toBe(400);
    expect((await answer({ rating: "4" }, "forged-token-forged-token")).status).toBe(404);
    expect((await fetch(`${stack!.app.url}/survey/forged-token-forged-token`)).status).toBe(404);
    expect((await db().satisfactionSurvey.findUnique({ where: { id: survey!.id } }))?.rating).toBe(5);

    // Reopened before the day: the follow-up is withdrawn.
    expect((await post(`/app/inbox/${got.conversationId}.data`, { intent: "reopen" })).status).toBe(200);
    expect((await db().notice.findUnique({ where: { id: notice!.id } }))?.status).toBe("suppressed");
  });

  it("shows an auto-reply as such, and the notices the customer was sent among the messages", async () => {
    const order = await until("a mirrored order", () =>
      db().order.findFirst({ where: { shop, source: "shopify" }, orderBy: { name: "asc" } }),
    );
    const customer = { email: "away@example.com", name: "Away Abe" };
    const got = await customerWrites(customer, "Is my order late?", { orderId: order.id });
    await db().notice.create({
      data: {
        shop,
        kind: "delay",
        dedupeKey: `test-delay:${order.id}`,
        orderId: order.id,
        channel: "email",
        locale: "en",
        recipient: customer.email,
        status: "sent",
        subject: "Your order is running late",
        sentAt: new Date(),
      },
    });
    expect((await reply(got.conversationId, "We are checking with the carrier.")).status).toBe(200);
    const away = await customerWrites(customer, "I am out of the office until Monday.", {
      kind: "auto_reply",
      answering: got.conversationId,
      subject: "Automatic reply: Question about my order",
    });
    expect(away.conversationId).toBe(got.conversationId);
    const html = await (await adminPage(config, `/inbox/${got.conversationId}`)).text();
    expect(markup(html)).toContain('data-kind="auto_reply"');
    const text = visibleText(html);
    expect(text).toContain("Auto-reply");
    expect(text).toContain("Delay sent by Email");
    // Not the customer's reply: the conversation still waits on them.
    expect((await db().conversation.findUnique({ where: { id: got.conversationId } }))?.status).toBe("waiting");
  });

  it("adds, edits and deletes saved replies, and keeps the seller's tone phrases", async () => {
    const path = "/app/inbox/replies.data";
    expect(
      (
        await post(path, {
          intent: "save-reply",
          locale: "ja",
          title: "発送のご案内",
          body: "{{name}}様、{{order}}は発送済みです。",
        })
      ).status,
    ).toBe(200);
    const saved = await db().savedReply.findFirst({ where: { shop, title: "発送のご案内" } });
    expect(saved).toMatchObject({ locale: "ja" });
    expect(
      (
        await post(path, {
          intent: "save-reply",
          id: String(saved!.id),
          locale: "ja",
          title: "発送のご案内",
          body: "{{name}}様、発送しました。",
        })
      ).status,
    ).toBe(200);
    expect((await db().savedReply.findUnique({ where: { id: saved!.id } }))?.body).toBe("{{name}}様、発送しました。");
    expect((await post(path, { intent: "save-reply", locale: "fr", title: "x", body: "y" })).status).toBe(400);
    expect((await post(path, { intent: "save-reply", locale: "en", title: "", body: "y" })).status).toBe(400);

    // Another shop's saved reply is neither edited nor deleted.
    const foreign = await db().savedReply.create({
      data: { shop: "another-inbox-shop.myshopify.com", locale: "en", title: "Theirs", body: "Theirs" },
    });
    expect(
      (await post(path, { intent: "save-reply", id: String(foreign.id), locale: "en", title: "Mine", body: "Mine" }))
        .status,
    ).toBe(404);
    expect((await post(path, { intent: "delete-reply", id: String(foreign.id) })).status).toBe(404);
    expect((await db().savedReply.findUnique({ where: { id: foreign.id } }))?.title).toBe("Theirs");

    const page = visibleText(await (await adminPage(config, "/inbox/replies", "ja")).text());
    expect(page).toContain("発送のご案内");
    expect(page).toContain("言葉づかいチェック");
    expect((await post(path, { intent: "delete-reply", id: String(saved!.id) })).status).toBe(200);
    expect(await db().savedReply.count({ where: { shop } })).toBe(0);

    // The seller's own phrase warns; the built-in ones no longer do.
    expect((await post(path, { intent: "tone", en: "per the terms\n\nper the terms", ja: "" })).status).toBe(200);
    const got = await customerWrites({ email: "terms@example.com", name: "Terms Tsuda" }, "Can I return it?");
    expect((await reply(got.conversationId, "Per the terms, yes.")).status).toBe(409);
    expect((await reply(got.conversationId, "As I already said, yes.")).status).toBe(200);
    expect((await post(path, { intent: "tone-reset" })).status).toBe(200);
    expect((await db().inboxSettings.findUnique({ where: { shop } }))?.tonePhrases).toBeNull();
  });

  it("snoozes until 9:00 on a day of the shop's clock, assigns and tags", async () => {
    const got = await customerWrites({ email: "later@example.com", name: "Later Lin" }, "No rush.");
    const path = `/app/inbox/${got.conversationId}.data`;
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await post(path, { intent: "snooze", date: day })).status).toBe(200);
    const timezone = safeTimeZone((await db().shop.findUnique({ where: { domain: shop } }))?.timezone);
    const [year, month, date] = day.split("-").map(Number) as [number, number, number];
    const row = await db().conversation.findUnique({ where: { id: got.conversationId } });
    expect(row?.status).toBe("snoozed");
    expect(row?.snoozedUntil?.toISOString()).toBe(
      zonedTimeToUtc({ year, month, day: date, hour: 9, minute: 0 }, timezone).toISOString(),
    );
    // A day gone by, or one that does not exist, is refused and changes nothing.
    expect((await post(path, { intent: "snooze", date: "2020-01-01" })).status).toBe(400);
    expect((await post(path, { intent: "snooze", date: "2031-02-30" })).status).toBe(400);
    expect((await db().conversation.findUnique({ where: { id: got.conversationId } }))?.snoozedUntil).toEqual(
      row?.snoozedUntil,
    );

    expect((await post(path, { intent: "assign", assignee: "me" }, "5")).status).toBe(200);
    expect((await post(path, { intent: "tags", tags: "Broken, 破損、 broken" })).status).toBe(200);
    const after = await db().conversation.findUnique({ where: { id: got.conversationId } });
    expect(after?.assignee).toBe("staff:5");
    expect(JSON.parse(after!.tags)).toEqual(["broken", "破損"]);
    const list = visibleText(await (await listPage("assignee=staff%3A5&tag=broken")).text());
    expect(list).toContain("Later Lin");
    expect(list).toContain("Staff member 5");
    expect(visibleText(await (await listPage("tag=%E7%A0%B4%E6%90%8D")).text())).toContain("Later Lin");
  });
});
