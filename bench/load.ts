// The load generator for `npm run bench -- ingest`, run as its own process so
// it never shares an event loop with the server under test. Posts Shopify's
// signed orders/updated example body with autocannon: a warm-up phase, then
// the measured phase. Every request carries a fresh X-Shopify-Event-Id and
// X-Shopify-Webhook-Id (the body and its HMAC stay the same), so each one is
// a new event the server must store.
//
// Input: a LoadConfig as JSON in the BENCH_LOAD_CONFIG environment variable.
// Output: progress lines
// `phase:<name>:start|end` and finally `result:<LoadReport JSON>`.
import autocannon, { type RequestParams } from "autocannon";
import { examplePayload } from "../sandbox/webhooks/example-payloads.ts";
import { webhookHeaders } from "../sandbox/webhooks/send-webhook.ts";

export interface LoadConfig {
  url: string;
  connections: number;
  warmupS: number;
  durationS: number;
  secret: string;
  shop: string;
  topic: string;
  apiVersion: string;
  /** Prefix of every event id, unique per run so phases and targets never collide. */
  tag: string;
}

export interface PhaseReport {
  /** Event ids `${tag}-${phase}-<n>`: lets the caller count what the server stored for this phase. */
  eventIdPrefix: string;
  sent: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  deliveriesPerS: number;
  /** Exact (microsecond) latencies of every response, from autocannon's per-response event. */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  statusCodes: Record<string, number>;
  cpuSeconds: number;
}

export interface LoadReport {
  warmup: PhaseReport;
  run: PhaseReport;
}

export const RESULT_PREFIX = "result:";
export const CONFIG_ENV = "BENCH_LOAD_CONFIG";

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round(sorted[rank]! * 100) / 100;
}

function runPhase(config: LoadConfig, phase: string, durationS: number): Promise<PhaseReport> {
  const body = Buffer.from(examplePayload(config.topic, config.apiVersion));
  const headers = webhookHeaders(
    { topic: config.topic, shop: config.shop, body, apiVersion: config.apiVersion },
    config.secret,
  );
  const eventIdPrefix = `${config.tag}-${phase}-`;
  let sent = 0;
  const setupRequest = (request: RequestParams): RequestParams => {
    // autocannon hands us a fresh headers object per request: safe to mutate.
    const id = `${eventIdPrefix}${sent++}`;
    request.headers["X-Shopify-Event-Id"] = id;
    request.headers["X-Shopify-Webhook-Id"] = `webhook-${id}`;
    return request;
  };
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  console.log(`phase:${phase}:start`);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: config.url,
        connections: config.connections,
        duration: durationS,
        // Shopify gives up on a delivery after 5 s.
        timeout: 5,
        method: "POST",
        headers,
        body,
        requests: [{ method: "POST", path: "/webhooks", setupRequest }],
      },
      (error, result) => {
        console.log(`phase:${phase}:end`);
        if (error) return reject(error);
        const cpu = process.cpuUsage(cpuBefore);
        const sorted = Float64Array.from(latencies).sort();
        const statusCodes = Object.fromEntries(
          Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
        );
        resolve({
          eventIdPrefix,
          sent,
          responses: latencies.length,
          ok2xx: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          durationS: result.duration,
          deliveriesPerS: Math.round(result["2xx"] / result.duration),
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          p999Ms: percentile(sorted, 0.999),
          maxMs: percentile(sorted, 1),
          statusCodes,
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
        });
      },
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env[CONFIG_ENV] ?? "") as LoadConfig;
  const warmup = await runPhase(config, "warmup", config.warmupS);
  const run = await runPhase(config, "run", config.durationS);
  const report: LoadReport = { warmup, run };
  console.log(RESULT_PREFIX + JSON.stringify(report));
}

// Only when started as a process (bench/ingest.ts imports the types).
if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
