// The worker process entry (`npm run worker`: built with the app code bundled
// to build/worker/index.js by scripts/build.mjs, run with plain node).
import { startWorker } from "../app/jobs/worker.server.ts";
import { workerConnection } from "../app/jobs/queues.server.ts";
import { instancePrefix } from "../app/jobs/instance.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { db, disconnectDb } from "../app/db.server.ts";
import { env, EnvError } from "../app/env.server.ts";
import { adminApiForShop } from "../app/shopify/admin-for-shop.server.ts";
import { deliveryDepsFromEnv } from "../app/notices/delivery-deps.server.ts";
import { scanOptionsFor } from "../app/delays/scan-delays.server.ts";
import { startInboundSmtp, type InboundSmtp } from "./inbound-smtp.ts";
import { etsyDepsFromEnv } from "../app/etsy/oauth.server.ts";

try {
  const config = env();
  await migrate(config.DATABASE_URL);
  // This database's key space on Redis (docs/decisions/0008-job-key-space.md).
  const prefix = await instancePrefix(db(), config.REDIS_PREFIX);
  const running = startWorker({
    db: db(),
    connection: workerConnection(config.REDIS_URL),
    prefix,
    concurrency: config.WORKER_CONCURRENCY,
    lockMs: config.WORKER_LOCK_MS,
    adminApiFor: adminApiForShop,
    delivery: deliveryDepsFromEnv(),
    scanOptions: scanOptionsFor(config.DATABASE_URL),
    etsy: etsyDepsFromEnv({ keySpace: () => prefix }),
  });
  console.log(`worker: running (queue prefix "${prefix}")`);
  // The inbox's SMTP receiver, when a port is configured (the demo prints it).
  let inboundSmtp: InboundSmtp | null = null;
  if (config.INBOUND_SMTP_PORT) {
    inboundSmtp = await startInboundSmtp({ db: db(), port: config.INBOUND_SMTP_PORT });
    console.log(`worker: inbound SMTP listening on port ${inboundSmtp.port}`);
  }
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`worker: ${signal}, finishing jobs in progress…`);
      Promise.all([running.close(), inboundSmtp?.close()])
        .then(disconnectDb)
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  }
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}
