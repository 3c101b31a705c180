// The inbox's SMTP receiver (started by the worker process when
// INBOUND_SMTP_PORT is set). It takes mail only for addresses that exist: a
// shop's inbox+<key>@ or a conversation's reply+<token>@ (550 otherwise, at
// RCPT, before any data), and refuses mail over 25 MB (552: by SIZE at MAIL
// FROM, else while the data arrives). Each accepted mail goes through
// receiveRawMail; a failure answers 451 so the sending server tries again.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Db } from "../app/db.server.ts";
import { MAX_INBOUND_MAIL_BYTES, receiveRawMail } from "../app/inbox/channels/email-inbound.server.ts";
import { shopOfAddress } from "../app/inbox/inbox-address.server.ts";

export interface InboundSmtpOptions {
  db: Db;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  maxBytes?: number;
  /** Shown in the greeting. */
  name?: string;
  log?: (message: string, error?: unknown) => void;
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const maxBytes = options.maxBytes ?? MAX_INBOUND_MAIL_BYTES;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ""));
  const server = new SMTPServer({
    name: options.name ?? "kizuna-inbound",
    banner: "Kizuna inbox",
    size: maxBytes,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    // Connections at once: more wait at TCP (a sending server retries).
    maxClients: 100,
    // A slow client holds a connection at most this long per step.
    socketTimeout: 60_000,
    onRcptTo(address, _session, callback) {
      shopOfAddress(options.db, address.address)
        .then((found) => callback(found ? undefined : smtpError("No such mailbox here", 550)))
        .catch((error: unknown) => {
          log("inbound smtp: recipient check failed", error);
          callback(smtpError("Try again later", 451));
        });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and dropped (the client is still sending it).
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded || size > maxBytes) return callback(smtpError("Message too large", 552));
        const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
        receiveRawMail(options.db, Buffer.concat(chunks), { recipients, ...(from ? { from } : {}) })
          .then((result) => {
            if (result.status === "unreadable") callback(smtpError("Message not readable", 554));
            else if (result.status === "unknown_address") callback(smtpError("No such mailbox here", 550));
            else callback();
          })
          .catch((error: unknown) => {
            log("inbound smtp: storing a mail failed", error);
            callback(smtpError("Try again later", 451));
          });
      });
    },
  });
  server.on("error", (error) => log("inbound smtp: server error", error));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
