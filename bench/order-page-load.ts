// The load generator for `npm run bench -- order-page`, run as its own process
// so it never shares an event loop with the web process under test. For each
// phase in turn (a warm-up, then the measured part) autocannon keeps
// `connections` requests in flight:
//   - "static": GET /favicon.ico, a file the same express app serves;
//   - "page": GET /proxy/orders/<id>?t=<token>, a shopper opening their order
//     page through the app proxy: the order picked at random among the opened
//     ones, its signed link token (orderLinkToken, as a notice carries it),
//     and the query Shopify's app proxy adds (shop, logged_in_customer_id,
//     path_prefix, timestamp, signature), built and signed per request by the
//     sandbox's proxiedUrl (signProxyQuery), so every request has a fresh
//     timestamp and signature.
//
// Input: a PageLoadConfig as JSON in BENCH_ORDER_PAGE_LOAD.
// Output: `phase:<name>:start|end` lines, then `result:<PhaseReport[] JSON>`.
import autocannon, { type RequestParams } from "autocannon";
import { orderLinkToken } from "../app/storefront/order-link.server.ts";
import { seededRandom } from "../sandbox/random.ts";
import { proxiedUrl } from "../sandbox/storefront/app-proxy.ts";

export interface PagePhase {
  name: string;
  kind: "static" | "page";
  warmupS: number;
  durationS: number;
}

export interface PageLoadConfig {
  /** The web process, e.g. http://127.0.0.1:40123 */
  url: string;
  connections: number;
  phases: PagePhase[];
  secret: string;
  shop: string;
  /** The storefront path of the app proxy. */
  pathPrefix: string;
  /** Order ids the shoppers open. */
  openedIds: { first: number; stride: number; count: number };
  staticPath: string;
}

export interface PhaseReport {
  name: string;
  kind: PagePhase["kind"];
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  requestsPerS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  statusCodes: Record<string, number>;
  /** Average response size, bytes. */
  bytes: number;
}

export const LOAD_CONFIG_ENV = "BENCH_ORDER_PAGE_LOAD";
export const RESULT_PREFIX = "result:";

/** The j-th opened order's index among all orders: one per stride, at a scattered place within it. */
export function openedIndex(j: number, stride: number): number {
  return j * stride + ((j * 7919) % stride);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round(sorted[rank]! * 100) / 100;
}

function pagePaths(config: PageLoadConfig): () => string {
  const { first, stride, count } = config.openedIds;
  const tokens = new Map<number, string>();
  const random = seededRandom(7);
  const target = {
    url: `${config.url}/proxy`,
    pathPrefix: config.pathPrefix,
    shop: config.shop,
    secret: config.secret,
  };
  return () => {
    const j = Math.floor(random() * count);
    const id = String(first + openedIndex(j, stride));
    let token = tokens.get(j);
    if (!token) {
      token = orderLinkToken(config.shop, id, { secret: config.secret });
      tokens.set(j, token);
    }
    const storefront = new URL(
      `https://${config.shop}${config.pathPrefix}/orders/${id}?t=${encodeURIComponent(token)}`,
    );
    const url = proxiedUrl(storefront, target);
    return `${url.pathname}${url.search}`;
  };
}

function runPhase(config: PageLoadConfig, phase: PagePhase, name: string, durationS: number): Promise<PhaseReport> {
  const nextPage = phase.kind === "page" ? pagePaths(config) : null;
  const setupRequest = (request: RequestParams): RequestParams => {
    request.path = nextPage ? nextPage() : config.staticPath;
    return request;
  };
  const latencies: number[] = [];
  let bytes = 0;
  console.log(`phase:${name}:start`);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: config.url,
        connections: config.connections,
        duration: durationS,
        timeout: 10,
        headers: {
          // A phone's browser, as the storefront is mostly visited on phones.
          "user-agent":
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
          "accept-language": "ja-JP,ja;q=0.9,en;q=0.8",
          accept: "text/html,application/xhtml+xml",
        },
        requests: [{ method: "GET", path: config.staticPath, setupRequest }],
      },
      (error, result) => {
        console.log(`phase:${name}:end`);
        if (error) return reject(error);
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          name,
          kind: phase.kind,
          responses: latencies.length,
          ok2xx: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          durationS: result.duration,
          requestsPerS: Math.round(result["2xx"] / result.duration),
          p50Ms: percentile(sorted, 0.5),
          p90Ms: percentile(sorted, 0.9),
          p99Ms: percentile(sorted, 0.99),
          maxMs: percentile(sorted, 1),
          statusCodes: Object.fromEntries(
            Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
          ),
          bytes: latencies.length ? Math.round(bytes / latencies.length) : 0,
        });
      },
    );
    instance.on("response", (_client, _status, resBytes, responseTime) => {
      latencies.push(responseTime);
      bytes += resBytes;
    });
  });
}

/**
 * Waits until the server has worked off what the last phase left queued (autocannon
 * stops waiting, the server does not): a static request answered within 50 ms.
 */
async function drain(config: PageLoadConfig, maxS = 120): Promise<void> {
  const deadline = Date.now() + maxS * 1000;
  while (Date.now() < deadline) {
    const started = performance.now();
    try {
      const response = await fetch(`${config.url}${config.staticPath}`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (performance.now() - started < 50) return;
    } catch {
      // still busy
    }
    await new Promise((done) => setTimeout(done, 500));
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env[LOAD_CONFIG_ENV] ?? "") as PageLoadConfig;
  const reports: PhaseReport[] = [];
  for (const phase of config.phases) {
    await drain(config);
    if (phase.warmupS > 0) await runPhase(config, phase, `${phase.name}-warmup`, phase.warmupS);
    reports.push(await runPhase(config, phase, phase.name, phase.durationS));
  }
  console.log(RESULT_PREFIX + JSON.stringify(reports));
}

// Only when started as a process (bench/order-page.ts imports the types).
if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
