// The sandbox store: shops and everything in them, changed only through the
// functions exported here (see each module for the rules it keeps).
export { createSandboxStore, SandboxStore, DEFAULT_SCOPE, type NewShop, type AccessTokenOptions } from "./store.ts";
export { ShopData, levelKey, STANDARD_RETURN_REASONS } from "./shop-data.ts";
export { StoreError } from "./errors.ts";
export { systemClock, manualClock, wholeSeconds, type Clock, type ManualClock } from "./clock.ts";
export { compareIds } from "./ids.ts";
export { gid, parseGid, inventoryLevelGid } from "./gid.ts";
export { addLocation, addProduct, adjustInventory, type InventoryChange, type NewProduct } from "./catalogue.ts";
export { addCustomer, displayName, addressName, type NewCustomer } from "./customers.ts";
export {
  createOrder,
  cancelOrder,
  cancelOrderWithRefund,
  checkCancellable,
  STAFF_NOTE_MAX,
  type Cancellation,
  type CancelResult,
  type NewOrder,
} from "./orders.ts";
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
  cancelReturn,
  processReturn,
  closeReturn,
  reopenReturn,
  createReverseDelivery,
  financialOutcome,
  invoiceAmount,
  saleTransaction,
  returnHasWork,
  carrierNameOf,
  DECLINE_NOTE_MAX,
  type NewReturn,
  type ReturnLineInput,
  type ExchangeLineInput,
  type DispositionInput,
  type ReturnProcessing,
  type ProcessResult,
  type OutcomeInput,
  type FinancialOutcome,
  type NewReverseDelivery,
} from "./returns.ts";
export {
  createRefund,
  creditStoreCredit,
  suggestRefund,
  STORE_CREDIT_GATEWAY,
  type NewRefund,
  type RefundResult,
  type RefundSuggestion,
  type RefundSuggestionInput,
} from "./refunds.ts";
export { addWebhookSubscription, deleteWebhookSubscription } from "./webhook-subscriptions.ts";
export { seedDemoShop, formatSeedSummary, DEMO_SHOP, SCENARIOS, type Scenario, type SeedSummary } from "./seed.ts";
export * as derive from "./derive.ts";
export type * from "./types.ts";
