// Webhook subscriptions created through the Admin API (the app's TOML
// subscriptions are app-scoped and not listed, as on Shopify).
import { StoreError } from "./errors.ts";
import type { ShopData } from "./shop-data.ts";
import type { Id, WebhookSubscription } from "./types.ts";

export interface NewWebhookSubscription {
  topic: string;
  uri: string;
  format?: "JSON" | "XML";
  filter?: string | null;
  includeFields?: string[];
  apiVersion: string;
  at?: Date;
}

export function addWebhookSubscription(data: ShopData, input: NewWebhookSubscription): WebhookSubscription {
  const taken = [...data.webhookSubscriptions.values()].some((s) => s.topic === input.topic && s.uri === input.uri);
  if (taken)
    throw new StoreError("Address for this topic has already been taken", ["webhookSubscription", "uri"], "TAKEN");
  const at = input.at ?? data.now();
  const subscription: WebhookSubscription = {
    id: data.nextId("webhookSubscription"),
    topic: input.topic,
    uri: input.uri,
    format: input.format ?? "JSON",
    filter: input.filter ?? null,
    includeFields: input.includeFields ?? [],
    apiVersion: input.apiVersion,
    createdAt: at,
    updatedAt: at,
  };
  data.webhookSubscriptions.set(subscription.id, subscription);
  return subscription;
}

export function deleteWebhookSubscription(data: ShopData, id: Id): void {
  if (!data.webhookSubscriptions.delete(id)) {
    throw new StoreError("Webhook subscription does not exist", ["id"], "NOT_FOUND");
  }
}
