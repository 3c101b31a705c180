// POST /notices/sms-inbound[?shop=<shop>.myshopify.com] — the SMS provider's
// "a message comes in" webhook. Without ?shop, a STOP applies to every shop
// that has texted the number (one sending number for the whole app). X-Twilio-Signature is checked first (401);
// STOP / 停止 opts the number out, START opts it back in; any other text goes to
// the shop's inbox (without ?shop: the shop that last texted the number). Answers TwiML.
import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "../db.server.ts";
import { env, smsSettings } from "../env.server.ts";
import {
  handleInboundSms,
  handleInboundSmsForAllShops,
  readBodyWithin,
  verifyTwilioSignature,
} from "../notices/inbound-sms.server.ts";
import { escapeHtml } from "../notices/template-language.ts";
import { receiveSms, shopOfSmsSender } from "../inbox/channels/sms.server.ts";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export async function loader() {
  return text(405, "Use POST.");
}

export async function action({ request }: ActionFunctionArgs) {
  const config = smsSettings();
  if (!config) return text(404, "SMS is not configured.");
  // Refused by Content-Length, or once the body passes the limit: never read whole first.
  const raw = await readBodyWithin(request);
  if (raw === null) return text(413, "Request body too large.");
  const params = new URLSearchParams(raw);
  const url = new URL(request.url);
  // Twilio signs the URL it was given: the public one (behind a proxy the request URL may differ).
  const publicUrl = new URL(url.pathname + url.search, env().SHOPIFY_APP_URL).toString();
  const signature = request.headers.get("X-Twilio-Signature");
  const valid = [request.url, publicUrl].some((candidate) =>
    verifyTwilioSignature(config.authToken, candidate, params, signature),
  );
  if (!valid) return text(401, "Invalid X-Twilio-Signature.");
  const from = params.get("From") ?? "";
  const body = params.get("Body") ?? "";
  if (!from) return text(400, "From is required.");
  const shop = url.searchParams.get("shop");
  let result;
  if (shop === null) {
    result = await handleInboundSmsForAllShops(db(), { from, body });
  } else {
    const known =
      SHOP_DOMAIN.test(shop) && (await db().shop.findUnique({ where: { domain: shop }, select: { domain: true } }));
    if (!known) return text(404, "Unknown shop.");
    result = await handleInboundSms(db(), shop, { from, body });
  }
  if (result.action === "ignored") {
    const inboxShop = shop ?? (await shopOfSmsSender(db(), from));
    const sid = params.get("MessageSid") ?? params.get("SmsSid");
    if (inboxShop) await receiveSms(db(), inboxShop, { from, body, sid });
  }
  const twiml = result.reply
    ? `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeHtml(result.reply)}</Message></Response>`
    : `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`;
  return new Response(twiml, { status: 200, headers: { "Content-Type": "text/xml; charset=utf-8" } });
}
