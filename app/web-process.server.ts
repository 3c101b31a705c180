// What the web process (server/index.ts) needs from the app: the validated
// environment, migrations, the webhook receiver and an orderly stop. It is
// exported from app/entry.server.tsx, so the web process takes it from the
// Remix server build (`build.entry.module`) and every app module — the Prisma
// client, the queues — is loaded once, inside that build.
import { migrate } from "./database/migrate.server.ts";
import { db, disconnectDb } from "./db.server.ts";
import { closeHotReader } from "./database/hot-reads.server.ts";
import { env, type Env } from "./env.server.ts";
import { closeSharedQueues } from "./jobs/queues.server.ts";
import { MAX_BODY_BYTES, type WebhookReceiver } from "./webhooks/receive-webhook.server.ts";
import { webhookReceiver } from "./webhooks/receiver.server.ts";
import { handleOrderPage } from "./storefront/order-page.server.ts";
import { orderPageDeps } from "./storefront/order-page-deps.server.ts";

export { EnvError } from "./env.server.ts";

export interface WebProcess {
  config: Env;
  receiver: WebhookReceiver;
  maxBodyBytes: number;
  /** GET of the customer's order page, answered without Remix (the route's own handler). */
  orderPage(request: Request, socketAddress: string | null, orderId: string): Promise<Response>;
  /** After the HTTP server has closed: events in flight are stored, then the connections close. */
  stop(): Promise<void>;
}

/** Validates the environment (throws EnvError) and brings the database up to date. */
export async function startWebProcess(): Promise<WebProcess> {
  const config = env();
  await migrate(config.DATABASE_URL);
  const receiver = webhookReceiver();
  return {
    config,
    receiver,
    maxBodyBytes: MAX_BODY_BYTES,
    orderPage: (request, socketAddress, orderId) =>
      handleOrderPage(request, orderPageDeps(), { socketAddress, orderId }),
    async stop() {
      await receiver.store.drain();
      await receiver.sink.close();
      await closeSharedQueues();
      await closeHotReader(db());
      await disconnectDb();
    },
  };
}
