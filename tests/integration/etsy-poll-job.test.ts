// The receipts poll as the worker runs it (both databases, real Redis and
// BullMQ under this run's prefix, the Etsy stand-in over HTTP): the worker
// schedules "poll-etsy-shops", which queues one "poll-etsy-shop" per linked
// shop (not one whose link waits for a reconnect), and each mirrors its receipts.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEtsyApi, redisEtsyLimiter } from "../../app/etsy/etsy-api.server.ts";
import { encryptToken } from "../../app/etsy/token-crypto.server.ts";
import { finishEtsyLink, startEtsyLink, type EtsyDeps } from "../../app/etsy/oauth.server.ts";
import { createQueue, ETSY_POLL_SCHEDULE, QUEUE, workerConnection } from "../../app/jobs/queues.server.ts";
import { startWorker, type RunningWorker } from "../../app/jobs/worker.server.ts";
import { createEtsyStandIn, etsyReceipt } from "../../sandbox/etsy/index.ts";
import { freePort } from "../../sandbox/http.ts";
import { composeHandlers } from "../../sandbox/server.ts";
import { deleteRedisKeys, REDIS_URL } from "../e2e/support/app.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";
import { waitFor } from "../support/pipeline.ts";

const PREFIX = `kizuna-test-etsy-job-${process.pid}`;
const SELLER = { userId: 5201, shopId: 6201, shopName: "JobShop", currency: "JPY" };
let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisKeys(PREFIX);
});

describe.each(PROVIDERS)("the Etsy receipts poll job on %s", (provider) => {
  let database: TestDatabase;
  let server: Server;
  let worker: RunningWorker | undefined;
  const prefix = `${PREFIX}-${provider}`;
  const etsy = createEtsyStandIn();
  etsy.addSeller(SELLER);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const port = await freePort();
    server = composeHandlers([etsy.handler]);
    await new Promise<void>((done) => server.listen(port, "127.0.0.1", () => done()));
  });
  afterAll(async () => {
    await worker?.close();
    await deleteRedisKeys(prefix);
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await database?.drop();
  });

  it("schedules the poll and mirrors each linked shop's receipts; a link waiting for reconnect is left alone", async () => {
    const db = database.db;
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const settings = {
      apiUrl: `${origin}/v3/application`,
      tokenUrl: `${origin}/v3/public/oauth/token`,
      connectUrl: `${origin}/oauth/connect`,
      apiKey: etsy.apiKey,
      sharedSecret: etsy.sharedSecret,
    };
    const key = randomBytes(32);
    const deps: EtsyDeps = {
      settings,
      api: createEtsyApi(
        settings,
        redisEtsyLimiter(redis, () => prefix, settings.apiKey),
      ),
      redirectUri: "http://127.0.0.1:9/etsy/callback",
      key,
    };
    const now = Math.floor(Date.now() / 1000);
    etsy.putReceipt(
      SELLER.shopId,
      etsyReceipt({
        receiptId: 5300000001,
        sellerUserId: SELLER.userId,
        buyerUserId: 1,
        buyerName: "Job Buyer",
        country: "JP",
        currency: "JPY",
        divisor: 1,
        createdAt: now - 3600,
        items: [{ transactionId: 5400000001, listingId: 1, title: "Bowl", quantity: 1, price: 2500 }],
      }),
    );
    const { authorizeUrl } = await startEtsyLink(db, deps, "job.myshopify.com");
    const params = Object.fromEntries(new URL(authorizeUrl).searchParams);
    const consent = await fetch(`${origin}/oauth/connect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...params, decision: "allow", user_id: String(SELLER.userId) }).toString(),
      redirect: "manual",
    });
    const back = new URL(consent.headers.get("location")!);
    await finishEtsyLink(db, deps, {
      state: back.searchParams.get("state"),
      code: back.searchParams.get("code"),
      error: null,
    });
    // Another shop's link waits for its seller to reconnect: the poll must not touch it.
    await db.etsyLink.create({
      data: {
        shop: "waiting.myshopify.com",
        etsyShopId: "999",
        accessToken: encryptToken("x", key),
        refreshToken: encryptToken("y", key),
        accessExpiresAt: new Date(0),
        status: "reconnect",
      },
    });

    worker = startWorker({
      db,
      connection: workerConnection(REDIS_URL),
      prefix,
      concurrency: 2,
      lockMs: 30_000,
      adminApiFor: async () => null,
      etsy: deps,
      log: () => undefined,
    });
    const sync = createQueue(QUEUE.sync, workerConnection(REDIS_URL), prefix);
    try {
      await waitFor("the Etsy poll scheduled", async () =>
        (await sync.getJobSchedulers()).some((scheduler) => scheduler.key === ETSY_POLL_SCHEDULE.id),
      );
      // Its next run is minutes away: run it now, as the scheduler would.
      await sync.add("poll-etsy-shops", {}, { jobId: "poll-now" });
      await waitFor(
        "the receipt mirrored",
        async () => (await db.order.count({ where: { shop: "job.myshopify.com", source: "etsy" } })) === 1,
      );
      await waitFor(
        "the poll recorded",
        async () =>
          (await db.etsyLink.findUniqueOrThrow({ where: { shop: "job.myshopify.com" } })).lastPolledAt !== null,
      );
      const order = await db.order.findFirstOrThrow({ where: { shop: "job.myshopify.com" } });
      expect(order).toMatchObject({ id: "etsy:5300000001", totalPrice: "2500", currency: "JPY" });
      expect(await db.etsyLink.findUniqueOrThrow({ where: { shop: "waiting.myshopify.com" } })).toMatchObject({
        status: "reconnect",
        lastPolledAt: null,
      });
    } finally {
      await sync.close();
    }
  });
});
