// shop/redact (48 h after uninstall): delete every row the shop owns, in every
// table. The list below is the one place that knows the tables; it is typed as
// a Record over all Prisma models, so a new model does not compile until it is
// added here, and tests/unit/redact-shop.test.ts checks it against
// prisma/schema.prisma (a new model without a `shop` column fails there).
import type { Prisma } from "../generated/prisma-sqlite/client.ts";
import type { Tx } from "../mirror/write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "../mirror/project-event.server.ts";

export interface ShopOwnedModel {
  /** The column holding the shop's myshopify domain. */
  column: "shop" | "domain";
  remove(tx: Tx, shop: string): PromiseLike<{ count: number }>;
}

/** Every model and how one shop's rows leave it. The Shop row goes last. */
export const SHOP_OWNED_MODELS: Record<Prisma.ModelName, ShopOwnedModel> = {
  Session: { column: "shop", remove: (tx, shop) => tx.session.deleteMany({ where: { shop } }) },
  WebhookEvent: { column: "shop", remove: (tx, shop) => tx.webhookEvent.deleteMany({ where: { shop } }) },
  Customer: { column: "shop", remove: (tx, shop) => tx.customer.deleteMany({ where: { shop } }) },
  Order: { column: "shop", remove: (tx, shop) => tx.order.deleteMany({ where: { shop } }) },
  LineItem: { column: "shop", remove: (tx, shop) => tx.lineItem.deleteMany({ where: { shop } }) },
  FulfillmentOrder: { column: "shop", remove: (tx, shop) => tx.fulfillmentOrder.deleteMany({ where: { shop } }) },
  Fulfillment: { column: "shop", remove: (tx, shop) => tx.fulfillment.deleteMany({ where: { shop } }) },
  FulfillmentEvent: { column: "shop", remove: (tx, shop) => tx.fulfillmentEvent.deleteMany({ where: { shop } }) },
  Product: { column: "shop", remove: (tx, shop) => tx.product.deleteMany({ where: { shop } }) },
  Variant: { column: "shop", remove: (tx, shop) => tx.variant.deleteMany({ where: { shop } }) },
  InventoryLevel: { column: "shop", remove: (tx, shop) => tx.inventoryLevel.deleteMany({ where: { shop } }) },
  Return: { column: "shop", remove: (tx, shop) => tx.return.deleteMany({ where: { shop } }) },
  Refund: { column: "shop", remove: (tx, shop) => tx.refund.deleteMany({ where: { shop } }) },
  ReturnPhoto: { column: "shop", remove: (tx, shop) => tx.returnPhoto.deleteMany({ where: { shop } }) },
  ReturnEvent: { column: "shop", remove: (tx, shop) => tx.returnEvent.deleteMany({ where: { shop } }) },
  MoneyAction: { column: "shop", remove: (tx, shop) => tx.moneyAction.deleteMany({ where: { shop } }) },
  ReturnPolicy: { column: "shop", remove: (tx, shop) => tx.returnPolicy.deleteMany({ where: { shop } }) },
  DataExport: { column: "shop", remove: (tx, shop) => tx.dataExport.deleteMany({ where: { shop } }) },
  ShopSettings: { column: "shop", remove: (tx, shop) => tx.shopSettings.deleteMany({ where: { shop } }) },
  NoticeTemplate: { column: "shop", remove: (tx, shop) => tx.noticeTemplate.deleteMany({ where: { shop } }) },
  Notice: { column: "shop", remove: (tx, shop) => tx.notice.deleteMany({ where: { shop } }) },
  NoticeEvent: { column: "shop", remove: (tx, shop) => tx.noticeEvent.deleteMany({ where: { shop } }) },
  NoticeContent: { column: "shop", remove: (tx, shop) => tx.noticeContent.deleteMany({ where: { shop } }) },
  NoticeDailyCount: { column: "shop", remove: (tx, shop) => tx.noticeDailyCount.deleteMany({ where: { shop } }) },
  Suppression: { column: "shop", remove: (tx, shop) => tx.suppression.deleteMany({ where: { shop } }) },
  DelayCase: { column: "shop", remove: (tx, shop) => tx.delayCase.deleteMany({ where: { shop } }) },
  TransitSample: { column: "shop", remove: (tx, shop) => tx.transitSample.deleteMany({ where: { shop } }) },
  RestockSubscription: { column: "shop", remove: (tx, shop) => tx.restockSubscription.deleteMany({ where: { shop } }) },
  RestockEpisode: { column: "shop", remove: (tx, shop) => tx.restockEpisode.deleteMany({ where: { shop } }) },
  RestockAlert: { column: "shop", remove: (tx, shop) => tx.restockAlert.deleteMany({ where: { shop } }) },
  Contact: { column: "shop", remove: (tx, shop) => tx.contact.deleteMany({ where: { shop } }) },
  ContactIdentity: { column: "shop", remove: (tx, shop) => tx.contactIdentity.deleteMany({ where: { shop } }) },
  Conversation: { column: "shop", remove: (tx, shop) => tx.conversation.deleteMany({ where: { shop } }) },
  Message: { column: "shop", remove: (tx, shop) => tx.message.deleteMany({ where: { shop } }) },
  MessageOriginal: { column: "shop", remove: (tx, shop) => tx.messageOriginal.deleteMany({ where: { shop } }) },
  MessageAttachment: { column: "shop", remove: (tx, shop) => tx.messageAttachment.deleteMany({ where: { shop } }) },
  SavedReply: { column: "shop", remove: (tx, shop) => tx.savedReply.deleteMany({ where: { shop } }) },
  InboxSettings: { column: "shop", remove: (tx, shop) => tx.inboxSettings.deleteMany({ where: { shop } }) },
  SatisfactionSurvey: { column: "shop", remove: (tx, shop) => tx.satisfactionSurvey.deleteMany({ where: { shop } }) },
  EtsyLink: { column: "shop", remove: (tx, shop) => tx.etsyLink.deleteMany({ where: { shop } }) },
  EtsyAuthStart: { column: "shop", remove: (tx, shop) => tx.etsyAuthStart.deleteMany({ where: { shop } }) },
  StaffLogin: { column: "shop", remove: (tx, shop) => tx.staffLogin.deleteMany({ where: { shop } }) },
  AnalyticsDaily: { column: "shop", remove: (tx, shop) => tx.analyticsDaily.deleteMany({ where: { shop } }) },
  AnalyticsDuration: { column: "shop", remove: (tx, shop) => tx.analyticsDuration.deleteMany({ where: { shop } }) },
  AnalyticsHourly: { column: "shop", remove: (tx, shop) => tx.analyticsHourly.deleteMany({ where: { shop } }) },
  SelfHelpAnswer: { column: "shop", remove: (tx, shop) => tx.selfHelpAnswer.deleteMany({ where: { shop } }) },
  DelayHoldout: { column: "shop", remove: (tx, shop) => tx.delayHoldout.deleteMany({ where: { shop } }) },
  Shop: { column: "domain", remove: (tx, shop) => tx.shop.deleteMany({ where: { domain: shop } }) },
};

/** Deletes everything of `shop`; returns how many rows left each table. */
export async function deleteShopData(tx: Tx, shop: string): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const [model, owned] of Object.entries(SHOP_OWNED_MODELS)) removed[model] = (await owned.remove(tx, shop)).count;
  return removed;
}

/**
 * The shop comes from the verified webhook header; the payload's
 * `shop_domain` is ignored (Shopify's example even says "{shop}.myshopify.com").
 * This deletes the shop/redact event's own WebhookEvent row too: the worker
 * must not expect it to be there afterwards.
 */
export async function redactShop(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  await deleteShopData(tx, event.shop);
  return {};
}
