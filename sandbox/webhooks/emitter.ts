// Delivers webhooks to the app the way Shopify does: after the change, signed,
// only for the topics the app subscribes to, retried on failure — and, on
// request, the way Shopify sometimes does: twice, out of order, late, or all
// at once. Mutations in the Admin API emulator emit through this; the demo
// replays a whole shop through it.
import { randomUUID } from "node:crypto";
import { ALL_TOPICS } from "../../app/webhooks/topics.ts";
import type { SandboxConfig } from "../http.ts";
import { seededRandom } from "../random.ts";
import { sendWebhook, type WebhookToSend } from "./send-webhook.ts";

/** How deliveries misbehave (all off by default: one delivery each, in order, at once). */
export interface DeliveryPlan {
  /** Extra deliveries of each webhook: same X-Shopify-Event-Id, new X-Shopify-Webhook-Id. */
  duplicates?: number;
  /** Deliver each batch in a shuffled order (deterministic for a given `seed`). */
  reorder?: boolean;
  seed?: number;
  /** Wait before each delivery. */
  delayMs?: number;
  /** Deliveries in flight at once: 1 keeps the order; a large number sends a burst. */
  concurrency?: number;
}

export interface EmitterOptions {
  /** The app's webhook endpoint, e.g. http://localhost:3000/webhooks */
  url: string;
  secret: string;
  apiVersion?: string;
  /** Topics the app subscribes to; others are not sent (default: the app's shopify.app.toml topics). */
  topics?: readonly string[] | null;
  plan?: DeliveryPlan;
  /** Further attempts after a failed delivery (network error or non-2xx), as Shopify retries. */
  retries?: number;
  retryDelayMs?: number;
  log?: (message: string) => void;
}

export interface DeliveryRecord {
  topic: string;
  shop: string;
  eventId: string;
  webhookId: string;
  /** The app's HTTP status, or null if it could not be reached. */
  status: number | null;
  attempts: number;
  error?: string;
}

export interface WebhookEmitter {
  /** Queues a webhook and returns at once: Shopify delivers after the change, not within it. */
  emit(webhook: WebhookToSend): void;
  /** Resolves once everything emitted so far has been delivered (or given up on), with those deliveries. */
  flush(): Promise<DeliveryRecord[]>;
  /** Every delivery so far, oldest first. */
  readonly deliveries: readonly DeliveryRecord[];
}

export function createWebhookEmitter(options: EmitterOptions): WebhookEmitter {
  const deliveries: DeliveryRecord[] = [];
  let queued: WebhookToSend[] = [];
  let scheduled = false;
  let work: Promise<DeliveryRecord[]> = Promise.resolve([]);
  let batchRound = 0;

  // Webhooks emitted in the same tick (one mutation's) go out as one batch, so
  // a reordering plan can shuffle them among themselves.
  const pump = () => {
    scheduled = false;
    const batch = queued;
    queued = [];
    const round = batchRound++;
    work = work.then(async () => {
      const records = await deliver(batch, options, round);
      deliveries.push(...records);
      return records;
    });
  };

  return {
    emit(webhook) {
      if (!isSubscribed(webhook.topic, options.topics)) return;
      queued.push({ ...webhook, eventId: webhook.eventId ?? randomUUID() });
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    },
    async flush() {
      const start = deliveries.length;
      while (scheduled || queued.length > 0) await new Promise((resolve) => setImmediate(resolve));
      await work;
      return deliveries.slice(start);
    },
    deliveries,
  };
}

/** An emitter posting to the app of a sandbox config (`${appUrl}/webhooks`, signed with its secret). */
export function emitterFor(config: SandboxConfig, options: Partial<EmitterOptions> = {}): WebhookEmitter {
  return createWebhookEmitter({
    url: `${config.appUrl.replace(/\/+$/, "")}/webhooks`,
    secret: config.apiSecret,
    apiVersion: config.apiVersion,
    ...options,
  });
}

/** Sends a batch once (e.g. a replayed shop) and resolves with every delivery. */
export async function deliverWebhooks(
  webhooks: readonly WebhookToSend[],
  options: EmitterOptions,
): Promise<DeliveryRecord[]> {
  const subscribed = webhooks
    .filter((webhook) => isSubscribed(webhook.topic, options.topics))
    .map((webhook) => ({ ...webhook, eventId: webhook.eventId ?? randomUUID() }));
  return deliver(subscribed, options, 0);
}

function isSubscribed(topic: string, topics: readonly string[] | null | undefined): boolean {
  const list = topics === undefined ? ALL_TOPICS : topics;
  return list === null || list.includes(topic);
}

async function deliver(
  batch: readonly WebhookToSend[],
  options: EmitterOptions,
  round: number,
): Promise<DeliveryRecord[]> {
  const plan = options.plan ?? {};
  let attempts = batch.flatMap((webhook) => Array.from({ length: 1 + (plan.duplicates ?? 0) }, () => webhook));
  if (plan.reorder) attempts = shuffled(attempts, (plan.seed ?? 1) + round);
  const records: DeliveryRecord[] = new Array(attempts.length);
  let next = 0;
  const worker = async () => {
    while (next < attempts.length) {
      const index = next++;
      const webhook = attempts[index] as WebhookToSend;
      if (plan.delayMs) await sleep(plan.delayMs);
      records[index] = await deliverOne(webhook, options);
    }
  };
  const concurrency = Math.max(1, Math.min(plan.concurrency ?? 1, attempts.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return records;
}

async function deliverOne(webhook: WebhookToSend, options: EmitterOptions): Promise<DeliveryRecord> {
  const delivery: WebhookToSend = {
    ...webhook,
    apiVersion: webhook.apiVersion ?? options.apiVersion,
    webhookId: randomUUID(),
    triggeredAt: webhook.triggeredAt ?? new Date(),
  };
  const record: DeliveryRecord = {
    topic: webhook.topic,
    shop: webhook.shop,
    eventId: webhook.eventId ?? "",
    webhookId: delivery.webhookId ?? "",
    status: null,
    attempts: 0,
  };
  const tries = 1 + (options.retries ?? 2);
  while (record.attempts < tries) {
    record.attempts += 1;
    try {
      const { status } = await sendWebhook(options.url, delivery, options.secret);
      record.status = status;
      delete record.error;
      if (status >= 200 && status < 300) return record;
      record.error = `HTTP ${status}`;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    if (record.attempts < tries) await sleep((options.retryDelayMs ?? 250) * record.attempts);
  }
  options.log?.(
    `webhook ${webhook.topic} for ${webhook.shop} failed after ${record.attempts} attempts: ${record.error}`,
  );
  return record;
}

/** Fisher–Yates with a small seeded generator (mulberry32): the same seed gives the same order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
