// Signs and posts webhooks the way Shopify does: HMAC-SHA256 of the raw body
// with the app secret (base64), and every X-Shopify-* header.
import { createHmac, randomUUID } from "node:crypto";
import { API_VERSION } from "../../app/webhooks/topics.ts";

export interface WebhookToSend {
  topic: string;
  shop: string;
  body: string | Buffer;
  apiVersion?: string;
  /** Shared by every delivery of one merchant action (dedupe on it). */
  eventId?: string;
  /** One per delivery attempt. */
  webhookId?: string;
  triggeredAt?: Date;
}

export function signBody(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export function webhookHeaders(webhook: WebhookToSend, secret: string): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": webhook.topic,
    "X-Shopify-Hmac-Sha256": signBody(webhook.body, secret),
    "X-Shopify-Shop-Domain": webhook.shop,
    "X-Shopify-API-Version": webhook.apiVersion ?? API_VERSION,
    "X-Shopify-Webhook-Id": webhook.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": webhook.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": (webhook.triggeredAt ?? new Date()).toISOString(),
  };
}

export async function sendWebhook(
  url: string,
  webhook: WebhookToSend,
  secret: string,
): Promise<{ status: number; text: string }> {
  const body = typeof webhook.body === "string" ? webhook.body : new Uint8Array(webhook.body);
  const response = await fetch(url, { method: "POST", headers: webhookHeaders(webhook, secret), body });
  return { status: response.status, text: await response.text() };
}
