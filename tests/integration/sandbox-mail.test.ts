// The sandbox's mail sink (a real SMTP server) and SMS sink (Twilio's REST
// API), exercised the way the app will use them: nodemailer over SMTP, and
// form-encoded HTTP with Basic auth; replies reach a real HTTP server.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMailPagesHandler } from "../../sandbox/mail/mail-pages.ts";
import { startMailSink, type MailSink, type SinkMessage } from "../../sandbox/mail/mail-sink.ts";
import { createSmsSinkHandler, createSmsStore, type SmsStore } from "../../sandbox/sms/sms-sink.ts";
import { twilioSignature } from "../../sandbox/sms/twilio.ts";
import { close, listen, originOf, serve } from "../support/serve.ts";

let sink: MailSink;
let sms: SmsStore;
let sandbox: Server;
let origin: string;
let appWebhook: Server;
let appWebhookUrl: string;
let inbound: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let twimlReply = "";

beforeAll(async () => {
  sink = await startMailSink({ maxMessageBytes: 200_000 });
  sms = createSmsStore();
  sandbox = await serve([createMailPagesHandler(sink), createSmsSinkHandler(sms, { inboundUrl: () => appWebhookUrl })]);
  origin = originOf(sandbox);
  // Plays the app's incoming-SMS webhook.
  appWebhook = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      inbound.push({ url: request.url ?? "", headers: request.headers, body });
      response.writeHead(200, { "Content-Type": "text/xml" }).end(twimlReply);
    });
  });
  await listen(appWebhook);
  appWebhookUrl = `${originOf(appWebhook)}/sms/inbound?shop=demo.myshopify.com`;
});

afterAll(async () => {
  await sink.close();
  await close(sandbox);
  await close(appWebhook);
});

beforeEach(() => {
  sink.clear();
  sms.clear();
  inbound = [];
  twimlReply = "";
});

describe("mail sink", () => {
  it("keeps a multipart mail sent over real SMTP, with its headers", async () => {
    const transport = nodemailer.createTransport(sink.url);
    await transport.sendMail({
      from: '"Kizuna Demo Store" <shop@kizuna-demo.example>',
      to: '"山田 花子" <hanako@example.jp>',
      bcc: "audit@kizuna-demo.example",
      subject: "再入荷のお知らせ：藍染めトートバッグ",
      text: "山田様\n藍染めトートバッグが再入荷しました。",
      html: "<p>山田様</p><p>藍染めトートバッグが<strong>再入荷</strong>しました。</p>",
      headers: {
        "List-Unsubscribe": "<https://app.example/unsubscribe/abc>, <mailto:unsubscribe@kizuna-demo.example>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });

    const message = await sink.waitFor((item) => item.to.includes("hanako@example.jp"));
    expect(message.subject).toBe("再入荷のお知らせ：藍染めトートバッグ");
    expect(message.from).toContain("shop@kizuna-demo.example");
    expect(message.text).toContain("藍染めトートバッグが再入荷しました。");
    expect(message.html).toContain("<strong>再入荷</strong>");
    expect(message.headers["list-unsubscribe"]).toBe(
      "<https://app.example/unsubscribe/abc>, <mailto:unsubscribe@kizuna-demo.example>",
    );
    expect(message.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(message.envelope).toEqual({
      from: "shop@kizuna-demo.example",
      to: ["hanako@example.jp", "audit@kizuna-demo.example"],
    });
    expect(message.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(await sink.messages()).toHaveLength(1);

    const api = (await getJson("/mail/api/messages")) as { received: number; messages: SinkMessage[] };
    expect(api.received).toBe(1);
    expect(api.messages[0]).toMatchObject({
      id: message.id,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: { "list-unsubscribe-post": "List-Unsubscribe=One-Click" },
    });
    const byRecipient = (await getJson("/mail/api/messages?to=audit@kizuna-demo.example")) as {
      messages: SinkMessage[];
    };
    expect(byRecipient.messages.map((item) => item.id)).toEqual([message.id]);

    const page = await fetch(`${origin}/mail/${message.id}`);
    const html = await page.text();
    expect(html).toContain("one-click (RFC 8058)");
    expect(html).toContain("再入荷のお知らせ：藍染めトートバッグ");
  });

  it("escapes everything a mail carries on its pages and shows its HTML only in a sandboxed frame", async () => {
    const transport = nodemailer.createTransport(sink.url);
    await transport.sendMail({
      from: "shop@kizuna-demo.example",
      to: "victim@example.com",
      subject: '<script>alert("subject")</script> & more',
      text: "<b>not bold</b>",
      html: '<p>Hi</p><script>alert("html")</script><img src=x onerror="alert(1)">',
      headers: { "X-Evil": "<svg onload=alert(2)>" },
    });
    const message = await sink.waitFor((item) => item.to === "victim@example.com");

    const list = await (await fetch(`${origin}/mail`)).text();
    expect(list).not.toContain("<script>alert");
    expect(list).toContain("&#60;script&#62;alert(&#34;subject&#34;)&#60;/script&#62; &#38; more");

    const response = await fetch(`${origin}/mail/${message.id}`);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const detail = await response.text();
    expect(detail).not.toContain("<script>alert");
    expect(detail).not.toContain("<svg onload");
    expect(detail).not.toContain("<img src=x");
    expect(detail).not.toContain("<b>not bold</b>");
    const frame = /<iframe title="HTML part" sandbox="" [^>]*srcdoc="([^"]*)"><\/iframe>/.exec(detail);
    expect(frame?.[1]).toContain("&#60;script&#62;alert(&#34;html&#34;)&#60;/script&#62;");

    const raw = await fetch(`${origin}/mail/${message.id}/raw`);
    expect(raw.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("shows an empty state, and DELETE forgets every message", async () => {
    await nodemailer.createTransport(sink.url).sendMail({ from: "a@example.com", to: "b@example.com", text: "x" });
    await sink.waitFor(() => true);

    const deleted = await fetch(`${origin}/mail/api/messages`, { method: "DELETE" });
    expect(await deleted.json()).toEqual({ deleted: 1 });
    expect(await sink.messages()).toEqual([]);
    const page = await (await fetch(`${origin}/mail`)).text();
    expect(page).toContain("No mail yet");
    expect((await fetch(`${origin}/mail/999`)).status).toBe(404);
  });

  it("accepts SMTP credentials without checking them and refuses a message over the size limit", async () => {
    const withAuth = nodemailer.createTransport(sink.url.replace("smtp://", "smtp://user:secret@"));
    await withAuth.sendMail({ from: "a@example.com", to: "auth@example.com", text: "hello" });
    await sink.waitFor((item) => item.to === "auth@example.com");

    const huge = nodemailer.createTransport(sink.url);
    const sending = huge.sendMail({ from: "a@example.com", to: "big@example.com", text: "x".repeat(300_000) });
    await expect(sending).rejects.toMatchObject({ responseCode: 552 });
    expect((await sink.messages()).some((item) => item.to === "big@example.com")).toBe(false);
  });

  it("waitFor rejects with what the sink holds when nothing matches", async () => {
    await expect(sink.waitFor((item) => item.to === "nobody@example.com", 50)).rejects.toThrow(/no matching message/);
  });
});

describe("SMS sink (Twilio-compatible)", () => {
  const endpoint = () => `${origin}/sms/2010-04-01/Accounts/ACsandbox/Messages.json`;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const send = (fields: Record<string, string>, authorization = basic("ACsandbox", "sandbox-token")) =>
    fetch(endpoint(), {
      method: "POST",
      headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });

  it("answers 201 with Twilio's Message resource and keeps the message", async () => {
    const response = await send({
      To: "+819012345678",
      From: "+15005550006",
      Body: "藍染めトートバッグが再入荷しました",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      account_sid: "ACsandbox",
      api_version: "2010-04-01",
      status: "queued",
      direction: "outbound-api",
      to: "+819012345678",
      from: "+15005550006",
      body: "藍染めトートバッグが再入荷しました",
      num_segments: "1",
      error_code: null,
    });
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body.date_created).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(body.uri).toBe(`/2010-04-01/Accounts/ACsandbox/Messages/${String(body.sid)}.json`);

    expect(sms.messages()).toHaveLength(1);
    const listed = (await getJson("/sms/api/messages")) as { messages: { sid: string }[] };
    expect(listed.messages[0]?.sid).toBe(body.sid);
    const fetched = await fetch(`${origin}/sms${String(body.uri)}`, {
      headers: { Authorization: basic("ACsandbox", "sandbox-token") },
    });
    expect(fetched.status).toBe(200);

    const viaService = await send({ To: "+819012345678", MessagingServiceSid: `MG${"a".repeat(32)}`, Body: "hi" });
    expect(viaService.status).toBe(201);
    expect(await viaService.json()).toMatchObject({ status: "accepted", from: null });
  });

  it("answers 401 like Twilio for wrong or missing credentials", async () => {
    for (const authorization of [basic("ACsandbox", "wrong"), basic("ACother", "sandbox-token"), ""]) {
      const response = await send({ To: "+819012345678", From: "+15005550006", Body: "x" }, authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Basic");
      expect(await response.json()).toMatchObject({ code: 20003, status: 401 });
    }
    expect(sms.messages()).toEqual([]);
  });

  it("answers 400 with Twilio's error codes for bad input", async () => {
    const cases: [Record<string, string>, number][] = [
      [{ To: "090-1234-5678", From: "+15005550006", Body: "x" }, 21211],
      [{ From: "+15005550006", Body: "x" }, 21604],
      [{ To: "+819012345678", Body: "x" }, 21603],
      [{ To: "+819012345678", From: "+15005550006" }, 21602],
      [{ To: "+819012345678", From: "+15005550006", Body: "x".repeat(1601) }, 21617],
    ];
    for (const [fields, code] of cases) {
      const response = await send(fields);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code, status: 400, more_info: expect.stringContaining(`${code}`) });
    }
    expect(sms.messages()).toEqual([]);
  });

  it("signs a simulated reply exactly as Twilio does, honours STOP, and keeps TwiML answers", async () => {
    twimlReply =
      "<?xml version=\"1.0\"?><Response><Message>You're unsubscribed &amp; won't get more texts.</Message></Response>";
    const response = await fetch(`${origin}/sms/api/inbound`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: "+819012345678", body: "STOP" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ delivered: true, message: { delivery: { status: 200 } } });

    expect(inbound).toHaveLength(1);
    const delivery = inbound[0]!;
    expect(delivery.url).toBe("/sms/inbound?shop=demo.myshopify.com");
    expect(delivery.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const params = Object.fromEntries(new URLSearchParams(delivery.body));
    expect(params).toMatchObject({ From: "+819012345678", To: "+15005550006", Body: "STOP", AccountSid: "ACsandbox" });
    expect(params.OptOutType).toBe("STOP");
    // Recomputed here from Twilio's documented algorithm, independently of the sink's code.
    const signed = Object.keys(params)
      .sort()
      .reduce((text, key) => text + key + params[key], appWebhookUrl);
    const expected = createHmac("sha1", "sandbox-token").update(signed).digest("base64");
    expect(delivery.headers["x-twilio-signature"]).toBe(expected);

    // Twilio refuses further sends to a number that texted STOP.
    const refused = await send({ To: "+819012345678", From: "+15005550006", Body: "back in stock" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 21610 });

    const reply = sms.messages().find((message) => message.direction === "outbound-reply");
    expect(reply).toMatchObject({ to: "+819012345678", body: "You're unsubscribed & won't get more texts." });
  });

  it("forwards a Japanese opt-out word untouched for the app to handle", async () => {
    await fetch(`${origin}/sms/api/inbound`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: "+819011112222", body: "停止" }),
    });
    const params = Object.fromEntries(new URLSearchParams(inbound[0]?.body));
    expect(params.Body).toBe("停止");
    expect(params.OptOutType).toBeUndefined();
    expect(inbound[0]?.headers["x-twilio-signature"]).toBe(twilioSignature("sandbox-token", appWebhookUrl, params));
  });

  it("computes Twilio's documented example signature", () => {
    const params = {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675309",
      Digits: "1234",
      From: "+14158675309",
      To: "+18005551212",
    };
    expect(twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe(
      "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
    );
  });

  it("escapes message bodies on the /sms page", async () => {
    await send({ To: "+819012345678", From: "+15005550006", Body: "<img src=x onerror=alert(1)>" });
    const response = await fetch(`${origin}/sms`);
    const page = await response.text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&#60;img src=x onerror=alert(1)&#62;");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

// ---- helpers ----

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(`${origin}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}
