// The web process's single webhook receiver (shared by the fast path in
// server/index.ts and the Remix route used under `shopify app dev`).
import { cachedInstallLookup } from "../compliance/installed-shops.server.ts";
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { webhookQueue } from "../jobs/queues.server.ts";
import { driverEventSink } from "./event-sink.server.ts";
import { createWebhookReceiver, type WebhookReceiver } from "./receive-webhook.server.ts";

let receiver: WebhookReceiver | undefined;

export function webhookReceiver(): WebhookReceiver {
  receiver ??= createWebhookReceiver({
    sink: driverEventSink(env().DATABASE_URL),
    secret: env().SHOPIFY_API_SECRET,
    queue: webhookQueue(),
    installs: cachedInstallLookup(db()),
  });
  return receiver;
}
