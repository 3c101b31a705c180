// Delivers webhooks as Shopify does when the app misbehaves: each delivery is
// retried when it is not answered 200 in time (Shopify: 8 retries over 4 hours
// with backoff; here the same count, shortened), and deliveries are spread
// over every web the seller runs behind the load balancer.
import { randomUUID } from "node:crypto";
import { webhookHeaders, type WebhookToSend } from "../../sandbox/webhooks/send-webhook.ts";
import { sleep } from "../lib/wait.ts";

export interface Delivery {
  /** The event's key as the app stores it: shop/topic/event id. */
  key: string;
  webhook: WebhookToSend;
}

export interface SenderOptions {
  urls: string[];
  secret: string;
  concurrency: number;
  retries: number;
  /** First retry's wait; doubles per retry up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A delivery not answered within this is abandoned and retried, as Shopify times out after 5 s. */
  timeoutMs: number;
  /**
   * Spread the first attempts over at least this long: the faults are placed
   * at fractions of the deliveries, so they must fall while events still arrive.
   */
  minSeconds?: number;
  /** Called after each delivery settles (answered 200, or given up), with the number settled so far. */
  onProgress?: (settled: number) => void;
}

export interface SendReport {
  deliveries: number;
  attempts: number;
  /** Event keys answered 200 at least once. */
  acknowledged: Set<string>;
  /** Event keys of deliveries never answered 200 after every retry. */
  givenUp: Set<string>;
  /** HTTP statuses seen, by status (0 = no answer). */
  statuses: Map<number, number>;
}

export async function sendAll(deliveries: Delivery[], options: SenderOptions): Promise<SendReport> {
  const report: SendReport = {
    deliveries: deliveries.length,
    attempts: 0,
    acknowledged: new Set(),
    givenUp: new Set(),
    statuses: new Map(),
  };
  let next = 0;
  let settled = 0;
  const started = Date.now();
  const spacingMs = ((options.minSeconds ?? 0) * 1000) / Math.max(1, deliveries.length);
  let turn = 0;

  async function deliver(delivery: Delivery): Promise<void> {
    // One webhook id per delivery (its retries keep it), as Shopify does.
    const webhook = { ...delivery.webhook, webhookId: randomUUID() };
    const body = typeof webhook.body === "string" ? webhook.body : new Uint8Array(webhook.body);
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(options.backoffMs * 2 ** (attempt - 1), options.maxBackoffMs));
      const url = options.urls[turn++ % options.urls.length];
      report.attempts += 1;
      let status = 0;
      try {
        const response = await fetch(`${url}/webhooks`, {
          method: "POST",
          headers: webhookHeaders(webhook, options.secret),
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 0;
      }
      report.statuses.set(status, (report.statuses.get(status) ?? 0) + 1);
      if (status === 200) {
        report.acknowledged.add(delivery.key);
        return;
      }
    }
    report.givenUp.add(delivery.key);
  }

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < deliveries.length) {
        const index = next++;
        const due = started + index * spacingMs - Date.now();
        if (due > 0) await sleep(due);
        await deliver(deliveries[index]!);
        settled += 1;
        options.onProgress?.(settled);
      }
    }),
  );
  return report;
}
