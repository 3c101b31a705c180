// The events a fault run sends: the sandbox's seeded shop as Shopify would
// have sent it (its orders, parcels and carrier scans cause delay cases and
// customer notices), then Shopify's documented example payloads of every
// subscribed topic under fresh event ids up to the wanted count. Each event is
// delivered 1–3 times and the deliveries are shuffled (seeded, so a run repeats).
import { createSandboxStore, seedDemoShop, type SandboxStore } from "../../sandbox/store/index.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { shopWebhooks } from "../../sandbox/webhooks/replay.ts";
import { seededRandom } from "../../sandbox/random.ts";
import { API_VERSION, SUBSCRIBED_TOPICS } from "../../app/webhooks/topics.ts";
import type { WebhookToSend } from "../../sandbox/webhooks/send-webhook.ts";
import type { Delivery } from "./sender.ts";

export const SEEDED_SHOP = "kizuna-faults.myshopify.com";
export const EXAMPLES_SHOP = "kizuna-faults-examples.myshopify.com";

// app/uninstalled would end the examples shop mid-run; compliance topics are
// the bad-input corpus's and the compliance tests' business.
const EXAMPLE_TOPICS = SUBSCRIBED_TOPICS.filter((topic) => topic !== "app/uninstalled");

export interface EventSet {
  store: SandboxStore;
  /** Distinct events (one merchant action each). */
  events: WebhookToSend[];
  /** Every delivery, shuffled: 1–3 per event. */
  deliveries: Delivery[];
  seededEvents: number;
}

export const eventKey = (webhook: Pick<WebhookToSend, "shop" | "topic" | "eventId">) =>
  `${webhook.shop}/${webhook.topic}/${webhook.eventId ?? ""}`;

export function buildEvents(count: number, seed: number, runTag: string): EventSet {
  const store = createSandboxStore();
  seedDemoShop(store, SEEDED_SHOP);
  const seeded = shopWebhooks(store, SEEDED_SHOP).slice(0, count);
  const examples = EXAMPLE_TOPICS.map((topic) => ({ topic, body: examplePayload(topic, API_VERSION) }));
  const events: WebhookToSend[] = [...seeded];
  for (let i = 0; events.length < count; i++) {
    const example = examples[i % examples.length]!;
    events.push({
      topic: example.topic,
      shop: EXAMPLES_SHOP,
      body: example.body,
      eventId: `faults-${runTag}-${i}`,
      apiVersion: API_VERSION,
    });
  }
  const random = seededRandom(seed);
  const deliveries: Delivery[] = [];
  for (const webhook of events) {
    const times = 1 + Math.floor(random() * 3);
    for (let n = 0; n < times; n++) deliveries.push({ key: eventKey(webhook), webhook });
  }
  // Fisher–Yates with the seeded generator.
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
  }
  return { store, events, deliveries, seededEvents: seeded.length };
}
