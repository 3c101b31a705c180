// The sandbox store: shops and everything in them, changed only through the
// functions exported here (see each module for the rules it keeps).
export { createSandboxStore, SandboxStore, DEFAULT_SCOPE, type NewShop, type AccessTokenOptions } from "./store.ts";
export { ShopData, levelKey } from "./shop-data.ts";
export { StoreError } from "./errors.ts";
export { systemClock, manualClock, wholeSeconds, type Clock, type ManualClock } from "./clock.ts";
export { compareIds } from "./ids.ts";
export { gid, parseGid, inventoryLevelGid } from "./gid.ts";
export { addLocation, addProduct, adjustInventory, type InventoryChange, type NewProduct } from "./catalogue.ts";
export { addCustomer, displayName, addressName, type NewCustomer } from "./customers.ts";
export { createOrder, cancelOrder, type NewOrder } from "./orders.ts";
export {
  fulfillOrder,
  addFulfillmentEvent,
  holdFulfillmentOrder,
  releaseFulfillmentHolds,
  type NewFulfillment,
  type NewFulfillmentEvent,
} from "./fulfillment.ts";
export {
  requestReturn,
  createReturn,
  approveReturn,
  declineReturn,
  processReturn,
  closeReturn,
  type NewReturn,
  type ReturnLineInput,
} from "./returns.ts";
export { createRefund, type NewRefund, type RefundResult } from "./refunds.ts";
export { addWebhookSubscription, deleteWebhookSubscription } from "./webhook-subscriptions.ts";
export { seedDemoShop, formatSeedSummary, DEMO_SHOP, SCENARIOS, type Scenario, type SeedSummary } from "./seed.ts";
export * as derive from "./derive.ts";
export type * from "./types.ts";
