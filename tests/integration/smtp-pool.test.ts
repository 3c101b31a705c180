// The mailer's SMTP connections (app/notices/smtp-pool.server.ts) against a
// real SMTP server (smtp-server, as the sandbox's sink) that this test can
// make misbehave: refuse a recipient, drop idle connections.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSmtpMailer, type Mailer, type MailMessage } from "../../app/notices/mailer.server.ts";

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let server: SMTPServer;
let url: string;
let received: Received[];
let open: number;
let mostOpen: number;
let connectionsSeen: number;
let mailer: Mailer | null;

/** A real SMTP server on `port` (0: any free one) that records what it receives. */
async function startServer(port = 0): Promise<void> {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onConnect(_session, callback) {
      open += 1;
      connectionsSeen += 1;
      mostOpen = Math.max(mostOpen, open);
      callback();
    },
    onClose() {
      open -= 1;
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("refused@")) {
        const error = new Error("No such mailbox") as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  server.listen(port, "127.0.0.1");
  await once(server.server, "listening");
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  received = [];
  open = mostOpen = connectionsSeen = 0;
  mailer = null;
  await startServer();
});

afterEach(async () => {
  mailer?.close?.();
  await new Promise<void>((done) => server.close(() => done()));
});

const message = (to: string, n = 0): MailMessage => ({
  from: { name: "Kizuna Shop", address: "shop@kizuna.example" },
  to: { name: "山田 花子", address: to },
  subject: `再入荷のお知らせ ${n}`,
  text: `お待たせしました。\n.a line that starts with a dot ${n}`,
  html: `<p>お待たせしました。 ${n}</p>`,
  messageId: `<notice-${n}@kizuna.example>`,
});

/** Closes every connection from the server's side, as a server does with idle clients. */
function dropConnections() {
  const connections = (server as unknown as { connections: Set<{ close(): void }> }).connections;
  for (const connection of connections) connection.close();
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((done) => setTimeout(done, 10));
  }
}

describe("the mailer's SMTP connections", () => {
  it("sends many messages at once over at most its connections, each exactly once and intact", async () => {
    mailer = createSmtpMailer(url, { connections: 3 });
    const sends = Array.from({ length: 60 }, (_, n) => mailer!.send(message(`shopper${n}@example.jp`, n)));
    const ids = await Promise.all(sends);
    expect(ids.map((id) => id.messageId)).toEqual(Array.from({ length: 60 }, (_, n) => `<notice-${n}@kizuna.example>`));
    expect(received).toHaveLength(60);
    expect(new Set(received.map((mail) => mail.to[0])).size).toBe(60);
    expect(mostOpen).toBeLessThanOrEqual(3);
    // Reused, not one connection per message.
    expect(connectionsSeen).toBeLessThanOrEqual(3);
    const parsed = await simpleParser(received.find((mail) => mail.to[0] === "shopper7@example.jp")!.raw);
    expect(parsed.subject).toBe("再入荷のお知らせ 7");
    expect(parsed.text).toContain(".a line that starts with a dot 7");
    expect(parsed.html).toContain("お待たせしました。 7");
    expect(parsed.messageId).toBe("<notice-7@kizuna.example>");
  });

  it("fails only the send the server refuses, and keeps the connection for the next", async () => {
    mailer = createSmtpMailer(url, { connections: 1 });
    await mailer.send(message("first@example.jp", 1));
    await expect(mailer.send(message("refused@example.jp", 2))).rejects.toMatchObject({ responseCode: 550 });
    await mailer.send(message("third@example.jp", 3));
    expect(received.map((mail) => mail.to[0])).toEqual(["first@example.jp", "third@example.jp"]);
    expect(connectionsSeen).toBe(1);
  });

  it("replaces a connection the server dropped, without sending any message twice", async () => {
    mailer = createSmtpMailer(url, { connections: 2 });
    await mailer.send(message("before@example.jp", 0));
    for (let n = 1; n <= 10; n++) {
      dropConnections();
      // Sometimes the client has noticed the close before this send, sometimes not.
      if (n % 2 === 0) await until(() => open === 0);
      await mailer.send(message(`after${n}@example.jp`, n));
    }
    expect(received.map((mail) => mail.to[0])).toEqual([
      "before@example.jp",
      ...Array.from({ length: 10 }, (_, n) => `after${n + 1}@example.jp`),
    ]);
  });

  it("sends to an address outside ASCII through nodemailer's composer", async () => {
    mailer = createSmtpMailer(url);
    await mailer.send(message("hanako@例え.jp", 1));
    expect(received).toHaveLength(1);
    // The server offers SMTPUTF8, so the envelope carries the address as it is.
    expect(received[0]!.to).toEqual(["hanako@例え.jp"]);
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.to).toMatchObject({ value: [{ address: "hanako@例え.jp", name: "山田 花子" }] });
    expect(parsed.subject).toBe("再入荷のお知らせ 1");
    expect(parsed.messageId).toBe("<notice-1@kizuna.example>");
  });

  it("reports a server that cannot be reached, and sends once it can", async () => {
    const port = (server.server.address() as AddressInfo).port;
    await new Promise<void>((done) => server.close(() => done()));
    mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, { connections: 1 });
    await expect(mailer.send(message("nobody@example.jp"))).rejects.toThrow(/ECONNREFUSED|connect/i);
    await startServer(port);
    await mailer.send(message("somebody@example.jp", 2));
    expect(received.map((mail) => mail.to[0])).toEqual(["somebody@example.jp"]);
  });
});
