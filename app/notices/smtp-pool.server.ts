// A small pool of SMTP connections for the mailer (mailer.server.ts owns
// SMTP; this is its transport). Each connection is nodemailer's own
// SMTPConnection (greeting, EHLO, STARTTLS, AUTH, PIPELINING, dot-stuffing),
// handed a finished MIME message: nodemailer's pooled transport streams every
// message through its MIME tree and a stream pipeline first, which cost more
// CPU than the SMTP exchange (~650 µs against ~250 µs a message here), and a
// back-in-stock wave sends thousands a minute.
import SMTPConnection from "nodemailer/lib/smtp-connection";
import { parseConnectionUrl } from "nodemailer/lib/shared";

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

export interface SmtpPoolOptions {
  /** Connections open at once at most; further sends wait their turn. */
  connections: number;
  /** A connection is replaced after this many messages. */
  maxMessages: number;
  /** An idle connection is closed after this long. */
  idleMs: number;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

export interface SmtpPool {
  send(envelope: SmtpEnvelope, message: string | Buffer): Promise<SMTPConnection.SentMessageInfo>;
  close(): void;
}

interface Lane {
  connection: SMTPConnection;
  sent: number;
  /** The server or the network ended it: never handed out again. */
  broken: boolean;
  /** Closed and no longer counted as open. */
  retired: boolean;
  idleTimer: NodeJS.Timeout | null;
}

type SmtpError = Error & { code?: string; command?: string; responseCode?: number };

/** Errors before the DATA command: not a byte of the message reached the server. */
const BEFORE_DATA = new Set(["API", "CONN", "MAIL FROM", "RCPT TO"]);
const CONNECTION_LOST = new Set(["ECONNECTION", "ESOCKET", "ETIMEDOUT"]);

function call<T>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

export function createSmtpPool(url: string, options: SmtpPoolOptions): SmtpPool {
  const parsed = parseConnectionUrl(url);
  // The URL's user and password (parseConnectionUrl puts them beside the connection options).
  const auth = (parsed as { auth?: SMTPConnection.Credentials }).auth;
  const settings: SMTPConnection.Options = {
    ...parsed,
    connectionTimeout: options.connectionTimeout,
    greetingTimeout: options.greetingTimeout,
    socketTimeout: options.socketTimeout,
  };
  const idle: Lane[] = [];
  const waiting: ((lane: Lane | null) => void)[] = [];
  let open = 0;
  let closed = false;

  const retire = (lane: Lane, quit: boolean) => {
    if (lane.retired) return;
    lane.retired = true;
    lane.broken = true;
    if (lane.idleTimer) clearTimeout(lane.idleTimer);
    const index = idle.indexOf(lane);
    if (index >= 0) idle.splice(index, 1);
    if (quit) lane.connection.quit();
    else lane.connection.close();
    open -= 1;
    // A waiting send may open a connection in its place.
    waiting.shift()?.(null);
  };

  const connect = async (): Promise<Lane> => {
    const connection = new SMTPConnection(settings);
    const lane: Lane = { connection, sent: 0, broken: false, retired: false, idleTimer: null };
    // Connecting fails through the 'error' event (or a close before the
    // greeting); later errors reach the send callback, and the listener only
    // keeps a dropped idle connection from crashing the process.
    let failConnect: ((error: Error) => void) | null = null;
    connection.on("error", (error: Error) => {
      lane.broken = true;
      failConnect?.(error);
    });
    connection.once("end", () => {
      failConnect?.(new Error("The SMTP server closed the connection."));
      retire(lane, false);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        failConnect = reject;
        connection.connect((error?: Error) => (error ? reject(error) : resolve()));
      });
      if (auth) await call<boolean>((done) => connection.login(auth, done));
    } catch (error) {
      retire(lane, false);
      throw error;
    } finally {
      failConnect = null;
    }
    return lane;
  };

  const acquire = async (fresh: boolean): Promise<Lane> => {
    for (;;) {
      if (closed) throw new Error("The mailer is closed.");
      while (!fresh && idle.length > 0) {
        const lane = idle.pop()!;
        if (lane.idleTimer) clearTimeout(lane.idleTimer);
        lane.idleTimer = null;
        if (!lane.broken) return lane;
      }
      if (open < options.connections) {
        open += 1;
        return connect();
      }
      const handed = await new Promise<Lane | null>((turn) => waiting.push(turn));
      if (handed && !handed.broken) return handed;
    }
  };

  const release = (lane: Lane) => {
    if (lane.broken || closed || lane.sent >= options.maxMessages) return retire(lane, !lane.broken);
    const next = waiting.shift();
    if (next) return next(lane);
    lane.idleTimer = setTimeout(() => retire(lane, true), options.idleMs);
    lane.idleTimer.unref();
    idle.push(lane);
  };

  const attempt = async (lane: Lane, envelope: SmtpEnvelope, message: string | Buffer) => {
    try {
      const info = await call<SMTPConnection.SentMessageInfo>((done) => lane.connection.send(envelope, message, done));
      lane.sent += 1;
      release(lane);
      return info;
    } catch (error) {
      const { code, responseCode } = error as SmtpError;
      if ((code === "EENVELOPE" || code === "EMESSAGE") && responseCode !== 421 && !lane.broken) {
        // The server refused this message; the session is fine once reset.
        lane.connection.reset((resetError) => (resetError ? retire(lane, false) : release(lane)));
      } else retire(lane, false);
      throw error;
    }
  };

  return {
    async send(envelope, message) {
      const lane = await acquire(false);
      const reused = lane.sent > 0;
      try {
        return await attempt(lane, envelope, message);
      } catch (error) {
        const { code, command } = error as SmtpError;
        // A kept connection the server had dropped: nothing was sent, so one
        // more try on a new connection cannot send the message twice.
        if (!reused || !CONNECTION_LOST.has(code ?? "") || !BEFORE_DATA.has(command ?? "")) throw error;
        return attempt(await acquire(true), envelope, message);
      }
    },
    close() {
      closed = true;
      for (const lane of [...idle]) retire(lane, true);
      for (const turn of waiting.splice(0)) turn(null);
    },
  };
}
