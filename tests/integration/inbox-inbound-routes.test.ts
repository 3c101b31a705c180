// The inbox's ways in, over real HTTP and real SMTP on both databases:
// POST /inbound/email (bearer secret, size limit, unreadable and unknown
// addresses refused, a second delivery stored once), the worker's SMTP
// receiver (550 for an unknown recipient, 552 over the size limit), and the
// signed SMS webhook handing a text that is not STOP to the inbox.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { inboxAddress } from "../../app/inbox/inbox-address.server.ts";
import { twilioSignature } from "../../sandbox/sms/twilio.ts";
import { startInboundSmtp, type InboundSmtp } from "../../server/inbound-smtp.ts";
import { PROVIDERS, createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-inbox-routes.myshopify.com";
const SECRET = "inbound-secret-0123456789abcdef0123456789";
const DOMAIN = "in.kizuna.test";
const APP_URL = "https://kizuna.example.com";
const SMS_TOKEN = "sms-token";

type Action = (args: { request: Request; params: object; context: object }) => Promise<Response>;

/** The Node request as a Web Request with its body streamed (as Remix's adapter hands it to a route). */
function webRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
  const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
  const iterator = incoming[Symbol.asyncIterator]();
  return new Request(new URL(incoming.url ?? "/", origin), {
    method: incoming.method,
    headers,
    ...(hasBody
      ? {
          body: new ReadableStream<Uint8Array>({
            async pull(controller) {
              const { done, value } = (await iterator.next()) as { done: boolean; value: Buffer };
              if (done) controller.close();
              else controller.enqueue(new Uint8Array(value));
            },
          }),
          duplex: "half",
        }
      : {}),
  } as RequestInit);
}

function mail(to: string, id: string, body = "Hello, where is my order?"): string {
  return [
    "From: Emma Wilson <emma.routes@example.com>",
    `To: ${to}`,
    "Subject: Where is my order?",
    `Message-ID: <${id}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
}

describe.each(PROVIDERS)("inbox inbound routes on %s", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let server: Server;
  let origin: string;
  let inbox: string;
  let smtp: InboundSmtp;
  const routes = new Map<string, Action>();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    vi.resetModules();
    vi.stubEnv("DATABASE_URL", database.url);
    vi.stubEnv("SHOPIFY_API_KEY", "key");
    vi.stubEnv("SHOPIFY_API_SECRET", "secret");
    vi.stubEnv("SHOPIFY_APP_URL", APP_URL);
    vi.stubEnv("INBOUND_EMAIL_SECRET", SECRET);
    vi.stubEnv("INBOUND_DOMAIN", DOMAIN);
    vi.stubEnv("SMS_API_URL", "http://127.0.0.1:9/sms");
    vi.stubEnv("SMS_ACCOUNT_SID", "ACsandbox");
    vi.stubEnv("SMS_AUTH_TOKEN", SMS_TOKEN);
    vi.stubEnv("SMS_FROM", "+15005550006");
    routes.set("/inbound/email", (await import("../../app/routes/inbound.email.tsx")).action as Action);
    routes.set("/notices/sms-inbound", (await import("../../app/routes/notices.sms-inbound.tsx")).action as Action);
    server = createServer((incoming, response) => {
      void (async () => {
        const action = routes.get((incoming.url ?? "").split("?")[0]!);
        if (!action) return void response.writeHead(404).end();
        const answer = await action({ request: webRequest(incoming, origin), params: {}, context: {} });
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => (headers[name] = value));
        response.writeHead(answer.status, headers);
        response.end(Buffer.from(await answer.arrayBuffer()));
      })().catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await db.shop.create({ data: { domain: SHOP, name: "Routes Store" } });
    inbox = await inboxAddress(db, SHOP, DOMAIN);
    smtp = await startInboundSmtp({ db, port: 0, host: "127.0.0.1", maxBytes: 64 * 1024, log: () => undefined });
  });

  afterAll(async () => {
    await smtp?.close();
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    vi.unstubAllEnvs();
    await database?.drop();
  });

  const post = (body: string, headers: Record<string, string> = {}, path = "/inbound/email") =>
    fetch(`${origin}${path}`, { method: "POST", body, headers: { "Content-Type": "message/rfc822", ...headers } });

  it("answers 401 without the right bearer secret, and stores nothing", async () => {
    const body = mail(inbox, "unauthorized-01@example.com");
    expect((await post(body)).status).toBe(401);
    expect((await post(body, { Authorization: "Bearer wrong-secret" })).status).toBe(401);
    expect((await post(body, { Authorization: `Bearer ${SECRET}x` })).status).toBe(401);
    expect(await db.message.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("stores a mail once: 200 with its conversation, then duplicate on the second delivery", async () => {
    const body = mail(inbox, "http-01@example.com");
    const first = await post(body, { Authorization: `Bearer ${SECRET}` });
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { conversationId: number; duplicate: boolean };
    expect(answer.duplicate).toBe(false);
    const second = (await (await post(body, { Authorization: `Bearer ${SECRET}` })).json()) as typeof answer;
    expect(second).toMatchObject({ conversationId: answer.conversationId, duplicate: true });
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: answer.conversationId } });
    expect(conversation.shop).toBe(SHOP);
    expect(await db.message.count({ where: { conversationId: answer.conversationId } })).toBe(1);
  });

  it("two concurrent deliveries of one mail store it once", async () => {
    const body = mail(inbox, "http-race@example.com");
    const answers = await Promise.all(
      [1, 2, 3].map(async () => (await post(body, { Authorization: `Bearer ${SECRET}` })).json()),
    );
    const typed = answers as { conversationId: number; duplicate: boolean }[];
    expect(typed.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(new Set(typed.map((answer) => answer.conversationId)).size).toBe(1);
    expect(await db.message.count({ where: { providerMessageId: "<http-race@example.com>" } })).toBe(1);
  });

  it("answers 400 for a body that is no mail and 404 for an address of no shop", async () => {
    const auth = { Authorization: `Bearer ${SECRET}` };
    expect((await post("just some words", auth)).status).toBe(400);
    expect((await post(mail("inbox+zzzzzzzzzzzzzzzz@in.kizuna.test", "nobody-01@example.com"), auth)).status).toBe(404);
    expect((await post(mail("someone@example.com", "nobody-02@example.com"), auth)).status).toBe(404);
  });

  it("answers 413 for a mail over 25 MB without reading it", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        `${origin}/inbound/email`,
        {
          method: "POST",
          headers: { Authorization: `Bearer ${SECRET}`, "Content-Length": 26 * 1024 * 1024 },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on("error", () => undefined);
      outgoing.write(Buffer.alloc(64 * 1024, 0x61));
      setTimeout(() => reject(new Error("no answer")), 20_000).unref();
    });
    expect(status).toBe(413);
  });

  it("the SMTP receiver refuses unknown recipients (550) and oversize mail (552), and stores the rest", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      const unknown = await transport
        .sendMail({
          envelope: { from: "emma@example.com", to: ["inbox+qqqqqqqqqqqqqqqq@in.kizuna.test"] },
          raw: mail(inbox, "smtp-00@example.com"),
        })
        .catch((error: { responseCode?: number }) => error);
      expect((unknown as { responseCode?: number }).responseCode).toBe(550);

      const big = mail(inbox, "smtp-big@example.com", "x".repeat(100 * 1024));
      const oversize = await transport
        .sendMail({ envelope: { from: "emma@example.com", to: [inbox] }, raw: big })
        .catch((error: { responseCode?: number }) => error);
      expect((oversize as { responseCode?: number }).responseCode).toBe(552);
      expect(await db.message.count({ where: { providerMessageId: "<smtp-big@example.com>" } })).toBe(0);

      await transport.sendMail({
        envelope: { from: "emma@example.com", to: [inbox] },
        raw: mail(inbox, "smtp-01@example.com", "Sent over SMTP"),
      });
      const message = await db.message.findFirstOrThrow({
        where: { shop: SHOP, providerMessageId: "<smtp-01@example.com>" },
      });
      expect(message.text).toBe("Sent over SMTP");
    } finally {
      transport.close();
    }
  });

  it("a signed SMS that is not STOP lands in the inbox once; STOP does not", async () => {
    const send = async (params: Record<string, string>) => {
      const body = new URLSearchParams(params);
      const url = `${APP_URL}/notices/sms-inbound?shop=${SHOP}`;
      return fetch(`${origin}/notices/sms-inbound?shop=${SHOP}`, {
        method: "POST",
        body: body.toString(),
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Twilio-Signature": twilioSignature(SMS_TOKEN, url, params),
        },
      });
    };
    const text = { From: "+819011112222", Body: "荷物はいつ届きますか？", MessageSid: "SMroutes01" };
    expect((await send(text)).status).toBe(200);
    expect((await send(text)).status).toBe(200);
    const messages = await db.message.findMany({ where: { shop: SHOP, channel: "sms" } });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe("荷物はいつ届きますか？");
    const identity = await db.contactIdentity.findFirstOrThrow({
      where: { shop: SHOP, kind: "phone", value: "+819011112222" },
    });
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: messages[0]!.conversationId } });
    expect(conversation.contactId).toBe(identity.contactId);

    expect((await send({ From: "+819011112222", Body: "STOP", MessageSid: "SMroutes02" })).status).toBe(200);
    expect(await db.message.count({ where: { shop: SHOP, channel: "sms" } })).toBe(1);
    // A forged signature is refused before anything is stored.
    const forged = await fetch(`${origin}/notices/sms-inbound?shop=${SHOP}`, {
      method: "POST",
      body: new URLSearchParams({ From: "+819099999999", Body: "hi", MessageSid: "SMforged" }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "AAAA" },
    });
    expect(forged.status).toBe(401);
    expect(await db.message.count({ where: { shop: SHOP, providerMessageId: "SMforged" } })).toBe(0);
  });
});
