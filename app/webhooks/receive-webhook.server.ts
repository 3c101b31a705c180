// Webhook ingestion, DESIGN.md's contract: verify the HMAC over the raw body
// first; store the event once under shop + topic + X-Shopify-Event-Id; enqueue
// it with that key as jobId; answer 200. Nothing else happens in the request.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Queue } from "bullmq";
import { withTimeout, webhookJob } from "../jobs/queues.server.ts";
import { jsonShape } from "./payload.server.ts";
import { isTopic } from "./topics.ts";
import { createEventStore, type EventStore } from "./event-store.server.ts";
import type { EventSink } from "./event-sink.server.ts";
import { acceptsTopic, type InstallLookup } from "../compliance/installed-shops.server.ts";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
const RETRY_ENQUEUE_AFTER_MS = 1_000;

export interface Delivery {
  body: Buffer;
  header(name: string): string | null | undefined;
}

export interface Receipt {
  status: 200 | 400 | 401 | 404 | 413 | 503;
  message: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function verifyHmac(body: Buffer, header: string | null | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface WebhookReceiverOptions {
  /** Where events are written: driverEventSink(DATABASE_URL). */
  sink: EventSink;
  secret: string;
  /** The webhooks queue; a promise while its key space is read from the database (webhookQueue()). */
  queue: Queue | Promise<Queue>;
  /** Whether each shop is installed (cachedInstallLookup over the app's database). */
  installs: InstallLookup;
  /** How long enqueueing may take before the event is left to the sweeper. */
  enqueueTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface WebhookReceiver {
  receive(delivery: Delivery): Promise<Receipt>;
  store: EventStore;
  /** Close after store.drain(). */
  sink: EventSink;
}

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { queue, log = console.warn } = options;
  const timeoutMs = options.enqueueTimeoutMs ?? 500;
  let redisDown = false;
  let retryAt = 0;
  const { sink } = options;
  const store = createEventStore(
    sink,
    async (events) => {
      // While Redis is known to be down, skip straight to the sweeper path
      // instead of making every delivery wait out the timeout.
      if (redisDown && Date.now() < retryAt) return false;
      try {
        await withTimeout(
          Promise.resolve(queue).then((q) => q.addBulk(events.map((event) => webhookJob(event.id)))),
          timeoutMs,
          "enqueueing webhook events",
        );
        if (redisDown) log("webhooks: Redis is back; enqueueing directly again");
        redisDown = false;
        return true;
      } catch (error) {
        // The events are stored: the worker's sweeper enqueues them once Redis answers.
        if (!redisDown)
          log(`webhooks: could not enqueue (${(error as Error).message}); events stay stored for the sweeper`);
        redisDown = true;
        retryAt = Date.now() + RETRY_ENQUEUE_AFTER_MS;
        return false;
      }
    },
    { maxInFlight: sink.maxInFlight },
  );

  async function receive(delivery: Delivery): Promise<Receipt> {
    if (delivery.body.length > MAX_BODY_BYTES) return { status: 413, message: "body larger than 5 MB" };
    if (!verifyHmac(delivery.body, delivery.header("x-shopify-hmac-sha256"), options.secret)) {
      return { status: 401, message: "invalid HMAC signature" };
    }
    const shop = delivery.header("x-shopify-shop-domain")?.toLowerCase() ?? "";
    if (!SHOP_DOMAIN.test(shop)) return { status: 400, message: "missing or invalid X-Shopify-Shop-Domain" };
    const topic = delivery.header("x-shopify-topic") ?? "";
    // Documented choice: a topic we do not subscribe to is acknowledged and
    // ignored (a non-2xx answer would only make Shopify retry it for 4 hours).
    if (!isTopic(topic)) return { status: 200, message: `topic ${JSON.stringify(topic)} ignored` };
    const eventId = delivery.header("x-shopify-event-id") || delivery.header("x-shopify-webhook-id");
    if (!eventId) return { status: 400, message: "missing X-Shopify-Event-Id" };

    let payload: string;
    try {
      payload = utf8.decode(delivery.body);
    } catch {
      return { status: 400, message: "body is not valid JSON" };
    }
    const shape = jsonShape(payload);
    if (shape === "invalid") return { status: 400, message: "body is not valid JSON" };
    if (shape === "not-object") return { status: 400, message: "body must be a JSON object" };
    // Documented choice: an event of a shop that is not installed (never, or
    // uninstalled: then only compliance topics and app/uninstalled count) is
    // acknowledged and not stored, so it holds no customer data and Shopify
    // stops retrying it.
    let state;
    try {
      state = await options.installs.stateOf(shop);
    } catch (error) {
      log(`webhooks: could not read whether ${shop} is installed: ${(error as Error).message}`);
      return { status: 503, message: "could not read the shop; Shopify will retry" };
    }
    if (!acceptsTopic(state, topic)) return { status: 200, message: `shop is not installed: ${topic} ignored` };
    // This process stops taking the shop's other events at once (others within the lookup's TTL).
    if (topic === "app/uninstalled" || topic === "shop/redact") options.installs.forget(shop);

    const triggered = delivery.header("x-shopify-triggered-at");
    const triggeredAt = triggered && !Number.isNaN(Date.parse(triggered)) ? new Date(triggered) : null;
    try {
      const outcome = await store.add({
        key: `${shop}/${topic}/${eventId}`,
        shop,
        topic,
        eventId,
        webhookId: delivery.header("x-shopify-webhook-id") ?? null,
        apiVersion: delivery.header("x-shopify-api-version") ?? null,
        triggeredAt,
        payload,
      });
      return { status: 200, message: outcome === "duplicate" ? "duplicate event ignored" : "stored" };
    } catch (error) {
      log(`webhooks: could not store event: ${(error as Error).message}`);
      // Not stored: a non-2xx makes Shopify deliver it again.
      return { status: 503, message: "could not store the event; Shopify will retry" };
    }
  }

  return { receive, store, sink };
}
