// The one way the app talks to the Shopify Admin GraphQL API.
//
// Shopify limits each app+shop pair with a leaky bucket of "cost points"
// (extensions.cost.throttleStatus). Running into the limit costs a wasted
// round trip and, for background jobs, a burst of failures; so this client
// remembers the bucket per shop, waits *before* sending a request it expects
// the bucket cannot afford, and treats a throttle answer as "wait and resend",
// never as a failure. Real failures (network, 5xx) are retried with backoff;
// errors that a resend cannot fix (bad query, userErrors, 401/403) are thrown
// at once as AdminApiError.
//
// Resending a mutation after a network error or 5xx is only safe when it
// cannot apply twice, so only queries and mutations carrying @idempotent
// (refundCreate, see app/graphql/refunds.ts) are resent; any other mutation's
// failure is thrown and its caller's state machine decides.

import { API_VERSION } from "../webhooks/topics.ts";

export interface AdminApiOptions {
  shop: string;
  accessToken: string;
  apiVersion?: string;
  /** Default `https://${shop}`; the sandbox passes its local emulator, e.g. http://127.0.0.1:PORT. */
  origin?: string;
  /** Resends after a network error or HTTP 5xx (default 4). */
  maxRetries?: number;
  /** Waits after throttling before giving up (default 20). */
  maxThrottleWaits?: number;
  /** Per attempt (default 30 s); a timeout counts as a network error. */
  timeoutMs?: number;
  /** Injected by tests to record waits instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected by tests for a fixed clock (milliseconds). */
  now?: () => number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface AdminApiResponse<T> {
  data: T;
  cost?: QueryCost;
}

export interface AdminUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export type AdminApiErrorKind = "graphql" | "http" | "network" | "throttled";

export class AdminApiError extends Error {
  readonly kind: AdminApiErrorKind;
  readonly status?: number;
  readonly messages: string[];
  /** Set when a mutation answered with userErrors. */
  readonly userErrors?: AdminUserError[];

  constructor(
    kind: AdminApiErrorKind,
    messages: string[],
    extra: { status?: number; userErrors?: AdminUserError[] } = {},
  ) {
    super(
      `Admin API ${kind} error${extra.status ? ` (HTTP ${extra.status})` : ""}: ${messages.join("; ") || "no message"}`,
    );
    this.name = "AdminApiError";
    this.kind = kind;
    this.messages = messages;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.userErrors) this.userErrors = extra.userErrors;
  }
}

/** Cost assumed for a query never sent before: Shopify's typical small query costs less. */
const DEFAULT_EXPECTED_COST = 50;
/** Wait after a throttle answer that says nothing usable about the bucket. */
const DEFAULT_THROTTLE_WAIT_MS = 1000;
const BACKOFF_BASE_MS = 500;

interface Bucket extends ThrottleStatus {
  readAt: number;
}

// Module-level on purpose: every AdminApi instance for the same shop shares
// one Shopify bucket, so they must share what they know about it.
const buckets = new Map<string, Bucket>();
const requestedCosts = new Map<string, number>();

/** Forgets every bucket and remembered cost (tests start from a clean slate). */
export function clearAdminApiState(): void {
  buckets.clear();
  requestedCosts.clear();
}

type Outcome<T> =
  | { kind: "ok"; response: AdminApiResponse<T> }
  | { kind: "throttled"; waitMs: number; error: AdminApiError }
  | { kind: "retry"; error: AdminApiError }
  | { kind: "fail"; error: AdminApiError };

export class AdminApi {
  readonly shop: string;
  readonly apiVersion: string;
  readonly origin: string;
  private readonly accessToken: string;
  private readonly maxRetries: number;
  private readonly maxThrottleWaits: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(options: AdminApiOptions) {
    this.shop = options.shop;
    this.accessToken = options.accessToken;
    this.apiVersion = options.apiVersion ?? API_VERSION;
    this.origin = (options.origin ?? `https://${options.shop}`).replace(/\/+$/, "");
    this.maxRetries = options.maxRetries ?? 4;
    this.maxThrottleWaits = options.maxThrottleWaits ?? 20;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  get endpoint(): string {
    return `${this.origin}/admin/api/${this.apiVersion}/graphql.json`;
  }

  private get bucketKey(): string {
    return `${this.origin}|${this.shop}`;
  }

  async request<T>(query: string, variables?: Record<string, unknown>): Promise<AdminApiResponse<T>> {
    let failures = 0;
    let throttleWaits = 0;
    let justWaitedForBucket = false;
    for (;;) {
      // After a throttle wait the bucket was already waited for; waiting again
      // on a stale estimate would double the delay.
      if (!justWaitedForBucket) await this.waitForBudget(query);
      justWaitedForBucket = false;

      const outcome = await this.attempt<T>(query, variables);
      switch (outcome.kind) {
        case "ok":
          return outcome.response;
        case "fail":
          throw outcome.error;
        case "throttled":
          if (++throttleWaits > this.maxThrottleWaits) throw outcome.error;
          await this.sleep(outcome.waitMs);
          justWaitedForBucket = true;
          break;
        case "retry":
          if (!isSafeToResend(query) || ++failures > this.maxRetries) throw outcome.error;
          await this.sleep(BACKOFF_BASE_MS * 2 ** (failures - 1));
          break;
      }
    }
  }

  /** Waits until the estimated bucket can afford what this query cost last time. */
  private async waitForBudget(query: string): Promise<void> {
    const bucket = buckets.get(this.bucketKey);
    if (!bucket || bucket.restoreRate <= 0) return;
    // A query costlier than the whole bucket can only wait for a full bucket.
    const expected = Math.min(requestedCosts.get(query) ?? DEFAULT_EXPECTED_COST, bucket.maximumAvailable);
    const missing = expected - estimateAvailable(bucket, this.now());
    if (missing > 0) await this.sleep(Math.ceil((missing / bucket.restoreRate) * 1000));
  }

  private async attempt<T>(query: string, variables: Record<string, unknown> | undefined): Promise<Outcome<T>> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-Shopify-Access-Token": this.accessToken,
        },
        body: JSON.stringify(variables ? { query, variables } : { query }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return { kind: "retry", error: new AdminApiError("network", [errorMessage(error)]) };
    }
    const body = parseJson(text);
    if (response.status === 429) {
      const error = new AdminApiError("throttled", errorMessages(body, "Too many requests"), { status: 429 });
      return { kind: "throttled", waitMs: retryAfterMs(response.headers.get("retry-after"), this.now()), error };
    }
    if (!response.ok) return httpFailure(response.status, body, text);
    if (!isRecord(body)) {
      return { kind: "retry", error: new AdminApiError("http", ["Response is not JSON"], { status: response.status }) };
    }
    return this.graphqlOutcome<T>(query, body);
  }

  private graphqlOutcome<T>(query: string, body: Record<string, unknown>): Outcome<T> {
    const cost = readCost(body);
    if (cost) this.remember(query, cost);
    if (isThrottled(body)) {
      const error = new AdminApiError("throttled", errorMessages(body, "Throttled"));
      return { kind: "throttled", waitMs: throttleWaitMs(cost), error };
    }
    if (body.errors !== undefined) {
      return { kind: "fail", error: new AdminApiError("graphql", errorMessages(body, "GraphQL error")) };
    }
    if (!isRecord(body.data)) {
      return { kind: "fail", error: new AdminApiError("graphql", ["Response has no data"]) };
    }
    const userErrors = collectUserErrors(body.data);
    if (userErrors.length > 0) {
      const messages = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message));
      return { kind: "fail", error: new AdminApiError("graphql", messages, { userErrors }) };
    }
    // The caller's query decides the shape; the operations test checks each query against the schema.
    const data = body.data as T;
    return { kind: "ok", response: cost ? { data, cost } : { data } };
  }

  private remember(query: string, cost: QueryCost): void {
    requestedCosts.set(query, cost.requestedQueryCost);
    buckets.set(this.bucketKey, { ...cost.throttleStatus, readAt: this.now() });
  }
}

/** The bucket refills at restoreRate points per second since it was last read. */
function estimateAvailable(bucket: Bucket, now: number): number {
  const refilled = bucket.currentlyAvailable + (Math.max(0, now - bucket.readAt) / 1000) * bucket.restoreRate;
  return Math.min(bucket.maximumAvailable, refilled);
}

function throttleWaitMs(cost: QueryCost | undefined): number {
  if (!cost || cost.throttleStatus.restoreRate <= 0) return DEFAULT_THROTTLE_WAIT_MS;
  const { currentlyAvailable, restoreRate, maximumAvailable } = cost.throttleStatus;
  const missing = Math.min(cost.requestedQueryCost, maximumAvailable) - currentlyAvailable;
  return missing > 0 ? Math.ceil((missing / restoreRate) * 1000) : DEFAULT_THROTTLE_WAIT_MS;
}

/** Retry-After is seconds or an HTTP date. */
/** A query, or a mutation Shopify deduplicates by its idempotency key. */
export function isSafeToResend(query: string): boolean {
  const firstDefinition = query.replace(/#[^\n]*/g, "").trim();
  return !firstDefinition.startsWith("mutation") || query.includes("@idempotent");
}

function retryAfterMs(header: string | null, now: number): number {
  if (!header) return DEFAULT_THROTTLE_WAIT_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_THROTTLE_WAIT_MS : Math.max(0, date - now);
}

function httpFailure<T>(status: number, body: unknown, text: string): Outcome<T> {
  const messages = errorMessages(body, text.trim().slice(0, 200) || `HTTP ${status}`);
  const error = new AdminApiError("http", messages, { status });
  // 5xx may pass (Shopify has brief outages); 4xx (bad token, missing scope) will not.
  return status >= 500 ? { kind: "retry", error } : { kind: "fail", error };
}

function isThrottled(body: Record<string, unknown>): boolean {
  return (
    Array.isArray(body.errors) &&
    body.errors.some((e) => isRecord(e) && isRecord(e.extensions) && e.extensions.code === "THROTTLED")
  );
}

function readCost(body: Record<string, unknown>): QueryCost | undefined {
  const cost = isRecord(body.extensions) ? body.extensions.cost : undefined;
  if (!isRecord(cost) || !isRecord(cost.throttleStatus)) return undefined;
  const status = cost.throttleStatus;
  const numbers = [cost.requestedQueryCost, status.maximumAvailable, status.currentlyAvailable, status.restoreRate];
  if (!numbers.every((n) => typeof n === "number")) return undefined;
  return {
    requestedQueryCost: cost.requestedQueryCost as number,
    actualQueryCost: typeof cost.actualQueryCost === "number" ? cost.actualQueryCost : null,
    throttleStatus: {
      maximumAvailable: status.maximumAvailable as number,
      currentlyAvailable: status.currentlyAvailable as number,
      restoreRate: status.restoreRate as number,
    },
  };
}

/** userErrors of each mutation payload at the top of `data`. */
function collectUserErrors(data: Record<string, unknown>): AdminUserError[] {
  const found: AdminUserError[] = [];
  for (const payload of Object.values(data)) {
    if (!isRecord(payload)) continue;
    // Most payloads name the list userErrors; some their own (orderCancel: orderCancelUserErrors).
    const lists = Object.entries(payload).filter(
      ([key, value]) => /^(\w+U|u)serErrors$/.test(key) && Array.isArray(value),
    );
    for (const e of lists.flatMap(([, value]) => value as unknown[])) {
      if (!isRecord(e)) continue;
      found.push({
        message: typeof e.message === "string" ? e.message : "Unknown user error",
        field: Array.isArray(e.field) ? e.field.map(String) : null,
        code: typeof e.code === "string" ? e.code : null,
      });
    }
  }
  return found;
}

/** Shopify sends `errors` as an array of {message} or, on some HTTP errors, a plain string. */
function errorMessages(body: unknown, fallback: string): string[] {
  if (!isRecord(body)) return [fallback];
  const { errors } = body;
  if (typeof errors === "string") return [errors];
  if (Array.isArray(errors)) {
    const messages = errors.map((e) => (isRecord(e) && typeof e.message === "string" ? e.message : JSON.stringify(e)));
    if (messages.length > 0) return messages;
  }
  return [fallback];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
