// The SMS provider stand-in: the part of Twilio's REST API the app's SMS
// channel uses, under /sms (so the app's Twilio base URL is `<sandbox>/sms`):
//   POST /sms/2010-04-01/Accounts/<AccountSid>/Messages.json       send (form-encoded To, From | MessagingServiceSid, Body)
//   GET  /sms/2010-04-01/Accounts/<AccountSid>/Messages/<Sid>.json  fetch one
// and, for people and tests:
//   GET  /sms                    page: every message, and a form to simulate a reply
//   GET  /sms/api/messages       JSON { messages } newest first;  DELETE forgets them
//   POST /sms/api/inbound        {from, body, to?} (JSON or form): a customer's reply, posted to
//                                the app's webhook signed with X-Twilio-Signature, as Twilio would
import type { IncomingMessage, ServerResponse } from "node:http";
import { readRequestBody, sendHtml, sendJson, type SandboxHandler } from "../http.ts";
import { INSPECTOR_CSP } from "../mail/layout.ts";
import { smsPage } from "./sms-page.ts";
import {
  countSegments,
  isE164,
  isMessagingServiceSid,
  isValidSender,
  newSid,
  optOutType,
  TWILIO_API_VERSION,
  twilioDate,
  twilioError,
  twilioSignature,
} from "./twilio.ts";

export interface SmsMessage {
  sid: string;
  direction: "outbound-api" | "outbound-reply" | "inbound";
  from: string | null;
  to: string;
  body: string;
  status: "queued" | "accepted" | "received";
  messagingServiceSid: string | null;
  numSegments: number;
  dateCreated: string;
  /** Inbound only: what the app's webhook answered. */
  delivery?: InboundDelivery;
}

export interface InboundDelivery {
  url: string;
  status: number | null;
  error?: string;
}

export interface SmsStore {
  /** Oldest first. */
  messages(): SmsMessage[];
  add(message: SmsMessage): void;
  waitFor(predicate: (message: SmsMessage) => boolean, timeoutMs?: number): Promise<SmsMessage>;
  /** Numbers that texted STOP (Twilio then refuses sends to them with 21610). */
  optedOut(): string[];
  setOptedOut(number: string, optedOut: boolean): void;
  clear(): void;
}

export function createSmsStore(): SmsStore {
  let kept: SmsMessage[] = [];
  const stopped = new Set<string>();
  const waiters = new Set<(message: SmsMessage) => void>();
  return {
    messages: () => [...kept],
    add(message) {
      kept.push(message);
      for (const waiter of [...waiters]) waiter(message);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const found = kept.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (message: SmsMessage) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(message);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`SMS sink: no matching message within ${timeoutMs} ms (${kept.length} kept)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    optedOut: () => [...stopped],
    setOptedOut(number, optedOut) {
      if (optedOut) stopped.add(number);
      else stopped.delete(number);
    },
    clear() {
      kept = [];
      stopped.clear();
    },
  };
}

export interface SmsSinkOptions {
  /** Accepted Basic-auth credentials. Defaults: ACsandbox / sandbox-token. */
  accountSid?: string;
  authToken?: string;
  /** The sandbox's own number: the To of simulated replies. Default +15005550006. */
  phoneNumber?: string;
  /** The app's incoming-SMS webhook (Twilio's "A message comes in" URL); a function if it is known late. */
  inboundUrl?: string | (() => string | undefined);
}

interface SinkContext {
  store: SmsStore;
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  inboundUrl: () => string | undefined;
}

const API_PREFIX = `/sms/${TWILIO_API_VERSION}/Accounts/`;
const MAX_BODY_CHARS = 1600;

export function createSmsSinkHandler(store: SmsStore = createSmsStore(), options: SmsSinkOptions = {}): SandboxHandler {
  const inboundUrl = options.inboundUrl;
  const context: SinkContext = {
    store,
    accountSid: options.accountSid ?? "ACsandbox",
    authToken: options.authToken ?? "sandbox-token",
    phoneNumber: options.phoneNumber ?? "+15005550006",
    inboundUrl: typeof inboundUrl === "function" ? inboundUrl : () => inboundUrl,
  };
  return async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path !== "/sms" && !path.startsWith("/sms/")) return false;
    try {
      await route(context, request, response, path);
    } catch (error) {
      // readRequestBody's limit is the only failure expected here.
      if (response.headersSent || !(error instanceof Error && error.message === "request body too large")) throw error;
      sendJson(response, 413, { error: "request body too large (64 KB at most)" });
    }
    return true;
  };
}

async function route(context: SinkContext, request: IncomingMessage, response: ServerResponse, path: string) {
  const method = request.method ?? "GET";
  if (path.startsWith(API_PREFIX)) return twilioApi(context, request, response, path.slice(API_PREFIX.length));
  if (path === "/sms/api/messages" && method === "GET") {
    return sendJson(response, 200, {
      messages: context.store.messages().reverse(),
      optedOut: context.store.optedOut(),
    });
  }
  if (path === "/sms/api/messages" && method === "DELETE") {
    const deleted = context.store.messages().length;
    context.store.clear();
    return sendJson(response, 200, { deleted });
  }
  if (path === "/sms/api/inbound" && method === "POST") return simulateInbound(context, request, response);
  if (path === "/sms/clear" && method === "POST") {
    context.store.clear();
    response.writeHead(303, { Location: "/sms" }).end();
    return;
  }
  if (path === "/sms" && method === "GET") {
    const html = smsPage(context.store.messages().reverse(), context.store.optedOut(), context.inboundUrl());
    return sendHtml(response, 200, html, { "Content-Security-Policy": INSPECTOR_CSP, "Cache-Control": "no-store" });
  }
  sendJson(response, 404, { error: "not found" });
}

// ---- Twilio REST API ----

async function twilioApi(context: SinkContext, request: IncomingMessage, response: ServerResponse, rest: string) {
  if (!authorized(context, request)) {
    return sendJson(response, 401, twilioError(401, 20003, "Authenticate"), {
      "WWW-Authenticate": 'Basic realm="Twilio API"',
    });
  }
  const [accountSid, ...resource] = rest.split("/");
  const messagesPath = resource.join("/");
  if (accountSid !== context.accountSid) return resourceNotFound(response, rest);
  if (messagesPath === "Messages.json" && request.method === "POST") return createMessage(context, request, response);
  const one = /^Messages\/(SM[0-9a-f]{32})\.json$/.exec(messagesPath);
  const message = one && request.method === "GET" ? context.store.messages().find((m) => m.sid === one[1]) : undefined;
  if (message) return sendJson(response, 200, messageResource(context, message));
  resourceNotFound(response, rest);
}

function authorized(context: SinkContext, request: IncomingMessage): boolean {
  const match = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? "");
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return decoded.slice(0, colon) === context.accountSid && decoded.slice(colon + 1) === context.authToken;
}

function resourceNotFound(response: ServerResponse, rest: string): void {
  const message = `The requested resource /${TWILIO_API_VERSION}/Accounts/${rest} was not found`;
  sendJson(response, 404, twilioError(404, 20404, message));
}

async function createMessage(context: SinkContext, request: IncomingMessage, response: ServerResponse) {
  const params = new URLSearchParams((await readRequestBody(request, 64 * 1024)).toString("utf8"));
  const to = params.get("To") ?? "";
  const from = params.get("From");
  const serviceSid = params.get("MessagingServiceSid");
  const body = params.get("Body") ?? "";
  const problem = validateSend(context, to, from, serviceSid, body);
  if (problem) return sendJson(response, problem.status, problem);

  const message: SmsMessage = {
    sid: newSid("SM"),
    direction: "outbound-api",
    from: from ?? null,
    to,
    body,
    // Twilio answers "accepted" when a Messaging Service still has to pick the sender.
    status: from ? "queued" : "accepted",
    messagingServiceSid: serviceSid ?? null,
    numSegments: countSegments(body),
    dateCreated: new Date().toISOString(),
  };
  context.store.add(message);
  sendJson(response, 201, messageResource(context, message));
}

function validateSend(context: SinkContext, to: string, from: string | null, serviceSid: string | null, body: string) {
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!isE164(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!from && !serviceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (from && !isValidSender(from)) {
    return twilioError(
      400,
      21212,
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    );
  }
  if (serviceSid && !isMessagingServiceSid(serviceSid)) {
    return twilioError(400, 21705, `The Messaging Service Sid ${serviceSid} is invalid.`);
  }
  if (!body.trim()) return twilioError(400, 21602, "Message body is required.");
  if ([...body].length > MAX_BODY_CHARS) {
    return twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
  }
  if (context.store.optedOut().includes(to)) {
    return twilioError(400, 21610, "Attempt to send to unsubscribed recipient");
  }
  return null;
}

/** The Message resource as Twilio's JSON spells it. */
function messageResource(context: SinkContext, message: SmsMessage) {
  const uri = `/${TWILIO_API_VERSION}/Accounts/${context.accountSid}/Messages/${message.sid}`;
  const date = twilioDate(new Date(message.dateCreated));
  return {
    account_sid: context.accountSid,
    api_version: TWILIO_API_VERSION,
    body: message.body,
    date_created: date,
    date_sent: null,
    date_updated: date,
    direction: message.direction,
    error_code: null,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: "0",
    num_segments: String(message.numSegments),
    price: null,
    price_unit: "USD",
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}

// ---- Inbound replies ----

async function simulateInbound(context: SinkContext, request: IncomingMessage, response: ServerResponse) {
  const fromForm = (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  const input = await readInboundInput(request, fromForm);
  if (!input) return sendJson(response, 400, { error: 'send JSON {"from": "+8190…", "body": "STOP", "to"?: "+1…"}' });
  if (!isE164(input.from)) return sendJson(response, 400, { error: `from must be an E.164 number, got ${input.from}` });

  const message: SmsMessage = {
    sid: newSid("SM"),
    direction: "inbound",
    from: input.from,
    to: input.to ?? context.phoneNumber,
    body: input.body,
    status: "received",
    messagingServiceSid: null,
    numSegments: countSegments(input.body),
    dateCreated: new Date().toISOString(),
  };
  const optOut = optOutType(input.body);
  if (optOut === "STOP") context.store.setOptedOut(input.from, true);
  if (optOut === "START") context.store.setOptedOut(input.from, false);

  const url = context.inboundUrl();
  const result = url ? await deliverInbound(context, url, message, optOut) : undefined;
  const delivery = result?.delivery;
  context.store.add({ ...message, delivery });
  for (const body of result?.replies ?? []) context.store.add(replyTo(message, body));

  if (fromForm) {
    response.writeHead(303, { Location: "/sms" }).end();
    return;
  }
  sendJson(response, 200, { message: { ...message, delivery }, delivered: delivery?.status != null });
}

interface InboundInput {
  from: string;
  body: string;
  to?: string;
}

async function readInboundInput(request: IncomingMessage, fromForm: boolean): Promise<InboundInput | null> {
  const text = (await readRequestBody(request, 64 * 1024)).toString("utf8");
  let fields: Record<string, unknown>;
  try {
    fields = fromForm ? Object.fromEntries(new URLSearchParams(text)) : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return null;
  }
  const { from, body, to } = fields ?? {};
  if (typeof from !== "string" || typeof body !== "string" || !body) return null;
  return { from: from.trim(), body, ...(typeof to === "string" && to ? { to: to.trim() } : {}) };
}

/** POSTs the reply to the app exactly as Twilio does: form-encoded, signed. Returns TwiML <Message> answers. */
async function deliverInbound(
  context: SinkContext,
  url: string,
  message: SmsMessage,
  optOut: string | null,
): Promise<{ delivery: InboundDelivery; replies: string[] }> {
  const params: Record<string, string> = {
    MessageSid: message.sid,
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    AccountSid: context.accountSid,
    From: message.from ?? "",
    To: message.to,
    Body: message.body,
    NumMedia: "0",
    NumSegments: String(message.numSegments),
    SmsStatus: "received",
    ApiVersion: TWILIO_API_VERSION,
    ...(optOut ? { OptOutType: optOut } : {}),
  };
  try {
    const answer = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilioSignature(context.authToken, url, params),
        "User-Agent": "TwilioProxy/1.1",
        Accept: "*/*",
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    const replies = answer.ok ? twimlMessages(await answer.text()) : [];
    return { delivery: { url, status: answer.status }, replies };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { delivery: { url, status: null, error: reason }, replies: [] };
  }
}

function replyTo(inbound: SmsMessage, body: string): SmsMessage {
  return {
    sid: newSid("SM"),
    direction: "outbound-reply",
    from: inbound.to,
    to: inbound.from ?? "",
    body,
    status: "queued",
    messagingServiceSid: null,
    numSegments: countSegments(body),
    dateCreated: new Date().toISOString(),
  };
}

/** The texts of <Message> verbs in a TwiML answer (plain or with a nested <Body>). */
export function twimlMessages(xml: string): string[] {
  if (!/<Response[\s>]/.test(xml)) return [];
  return [...xml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)]
    .map((match) => (match[1] ?? "").replace(/<\/?Body>/g, ""))
    .map((text) => text.replace(/<[^>]+>/g, "").trim())
    .map(unescapeXml)
    .filter(Boolean);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, "&");
}
