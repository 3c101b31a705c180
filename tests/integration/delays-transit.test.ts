// Learned transit times are computed by the database (window functions, the
// same SQL on SQLite and PostgreSQL): the percentiles must equal the
// nearest-rank percentiles of the same samples sorted in memory. And the
// scan's own SQLite reader gives readBatch the same rows as the generic one.
import { seededRandom } from "../../sandbox/random.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlitePath, type Db } from "../../app/db.server.ts";
import { readBatch, sqliteRunner } from "../../app/delays/facts.server.ts";
import { scanRunner } from "../../app/delays/scan-delays.server.ts";
import { percentile, transitStats } from "../../app/delays/transit.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "transit-test.myshopify.com";
const NOW = new Date("2026-11-18T03:00:00Z");
const DAY = 86_400_000;

// Group sizes around the rank boundaries (1, 7, 19, 20, 21, 99, 100, 101, 333).
const GROUPS: [string, string, number][] = [
  ["Yamato", "JP / Tokyo", 1],
  ["Yamato", "JP / Osaka", 7],
  ["Sagawa", "JP / Tokyo", 19],
  ["Sagawa", "JP / Osaka", 20],
  ["Sagawa", "JP / Kyoto", 21],
  ["Japan Post", "JP / Tokyo", 99],
  ["Japan Post", "JP / Osaka", 100],
  ["Japan Post", "JP / Kyoto", 101],
  ["Japan Post", "JP", 333],
];

describeEachDatabase("transit percentiles in SQL", (provider) => {
  let database: TestDatabase;
  let db: Db;
  const kept = new Map<string, number[]>();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    const rand = seededRandom(7);
    const rows = [];
    let n = 0;
    for (const [carrier, region, size] of GROUPS) {
      const minutes: number[] = [];
      for (let i = 0; i < size; i++) {
        // Few distinct values, so ties sit on the ranks too.
        const value = 1_440 + Math.floor(rand() * 40) * 60;
        minutes.push(value);
        rows.push({
          shop: SHOP,
          fulfillmentId: `f${n++}`,
          carrier,
          region,
          minutes: value,
          deliveredAt: new Date(NOW.getTime() - (1 + rand() * 300) * DAY),
        });
      }
      kept.set(
        `${carrier}|${region}`,
        minutes.sort((a, b) => a - b),
      );
      // Older than the window of a year, and another shop's: never counted.
      rows.push({
        shop: SHOP,
        fulfillmentId: `f${n++}`,
        carrier,
        region,
        minutes: 1,
        deliveredAt: new Date(NOW.getTime() - 400 * DAY),
      });
      rows.push({
        shop: "other.myshopify.com",
        fulfillmentId: `f${n++}`,
        carrier,
        region,
        minutes: 1,
        deliveredAt: NOW,
      });
    }
    await db.transitSample.createMany({ data: rows });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("equal the nearest-rank percentiles computed in memory, for every percentile and group size", async () => {
    for (const p of [0, 1, 33, 50, 90, 95, 99, 100]) {
      const stats = await transitStats(db, SHOP, NOW, p);
      expect(stats).toHaveLength(GROUPS.length);
      for (const group of stats) {
        const sorted = kept.get(`${group.carrier}|${group.region}`)!;
        expect({ group: `${group.carrier}|${group.region}`, p, samples: group.samples }).toEqual({
          group: `${group.carrier}|${group.region}`,
          p,
          samples: sorted.length,
        });
        expect(group.p50Minutes).toBe(percentile(sorted, 50));
        expect(group.p90Minutes).toBe(percentile(sorted, 90));
        expect(group.thresholdMinutes).toBe(percentile(sorted, p));
      }
      // Biggest groups first.
      expect(stats.map((group) => group.samples)).toEqual(
        [...stats.map((group) => group.samples)].sort((a, b) => b - a),
      );
    }
  });

  it("uses whole-number ranks: p × n / 100 exactly, no floating-point round-up", () => {
    // 0.07 × 100 is 7.000000000000001 in floating point: rank 8 instead of 7.
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 7)).toBe(7);
    expect(percentile(hundred, 90)).toBe(90);
    expect(percentile([5], 0)).toBe(5);
    expect(percentile([], 90)).toBe(0);
  });

  // The scan's own reader exists for SQLite only; not listing it for PostgreSQL keeps the summary free of skips.
  if (provider === "sqlite")
    it("the scan's reader gives readBatch the same rows as the generic reader", async () => {
      const file = sqlitePath(database.url);
      await db.order.create({
        data: {
          shop: SHOP,
          id: "1001",
          name: "#1001",
          currency: "JPY",
          totalPrice: "3300",
          fulfillmentStatus: "FULFILLED",
          shippingAddress: JSON.stringify({ country_code: "JP", province: "Tokyo" }),
          shopifyCreatedAt: new Date(NOW.getTime() - 3 * DAY),
          shopifyUpdatedAt: NOW,
        },
      });
      await db.fulfillment.create({
        data: {
          shop: SHOP,
          id: "f1001",
          orderId: "1001",
          status: "SUCCESS",
          shipmentStatus: "IN_TRANSIT",
          trackingCompany: "Yamato",
          trackingNumbers: "[]",
          trackingUrls: "[]",
          shopifyCreatedAt: new Date(NOW.getTime() - 2 * DAY),
          shopifyUpdatedAt: NOW,
        },
      });
      await db.fulfillmentEvent.create({
        data: {
          shop: SHOP,
          id: "e1",
          fulfillmentId: "f1001",
          orderId: "1001",
          status: "IN_TRANSIT",
          happenedAt: new Date(NOW.getTime() - DAY),
          estimatedDeliveryAt: NOW,
        },
      });
      const generic = sqliteRunner(file);
      const scan = scanRunner(file);
      try {
        const expected = await readBatch(generic, SHOP, { after: null, limit: 10 });
        const actual = await readBatch(scan, SHOP, { after: null, limit: 10 });
        expect(actual).toEqual(expected);
        expect(actual.orders).toHaveLength(1);
        expect(actual.parcels.get("1001")?.[0]?.latest?.status).toBe("IN_TRANSIT");
      } finally {
        generic.close();
        scan.close();
      }
    });
});
