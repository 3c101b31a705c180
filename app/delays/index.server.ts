// The delay detection API the worker and the admin call.
export { evaluateOrder, evaluateOrders } from "./evaluate-order.server.ts";
export {
  scanDelays,
  scanOptionsFor,
  type OnDelayChange,
  type ScanOptions,
  type ScanSummary,
} from "./scan-delays.server.ts";
export {
  dedupeKeyOf,
  evaluateOrderAndNotify,
  notifyChanges,
  queueNoticeNotifier,
  scanAndNotify,
  type DelayNotify,
  type QueueNotice,
} from "./notify.server.ts";
export {
  delayCounts,
  listCases,
  notifyCaseNow,
  notifyCaseNowOutcome,
  resolveCase,
  snoozeCase,
  DelayCaseNotFound,
} from "./cases.server.ts";
export { transitStats } from "./transit.server.ts";
export type { DelayCaseRow, DelayChanges } from "./sync-cases.server.ts";
