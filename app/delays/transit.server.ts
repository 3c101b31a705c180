// "Likely late": transit times learned from delivered parcels, per carrier and
// destination region. A sample is written once per delivered parcel (minutes
// from the fulfillment's creation to its DELIVERED scan); a group's percentile
// only counts once it has enough samples (RuleSettings.likely_late.minSamples).
import { chunks, inChunks } from "../database/chunks.ts";
import type { Db } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
import { transitKey, type TransitGroup } from "./rules.server.ts";

const DAY = 24 * 60 * 60 * 1000;
/** Only the last year of deliveries: carriers change. */
const SAMPLE_WINDOW_DAYS = 365;

export interface NewTransitSample {
  fulfillmentId: string;
  carrier: string;
  region: string;
  minutes: number;
  deliveredAt: Date;
}

/**
 * Nearest-rank percentile of an ascending list: the value at rank
 * ceil(p × n / 100), at least 1. Integer arithmetic, so it agrees exactly with
 * the SQL of transitStats (a float 0.07 × 100 would round up to rank 8).
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[nearestRank(sorted.length, p) - 1]!;
}

function nearestRank(count: number, p: number): number {
  return Math.min(count, Math.max(1, Math.ceil((p * count) / 100)));
}

/** Destination region of an order from its shipping address (mirror JSON): "JP / Tokyo". */
export function regionOf(shippingAddress: string | null): string | null {
  if (!shippingAddress) return null;
  try {
    const address = JSON.parse(shippingAddress) as Record<string, string | null>;
    const country = address.country_code ?? address.country;
    if (!country) return null;
    const province = address.province ?? address.province_code;
    return province ? `${country} / ${province}` : country;
  } catch {
    return null;
  }
}

/** Writes the samples not stored yet (a parcel is sampled once). */
export async function recordTransitSamples(db: Db, shop: string, samples: NewTransitSample[]): Promise<number> {
  if (samples.length === 0) return 0;
  const known = await inChunks(
    samples.map((sample) => sample.fulfillmentId),
    (ids) =>
      db.transitSample.findMany({ where: { shop, fulfillmentId: { in: ids } }, select: { fulfillmentId: true } }),
  );
  const seen = new Set(known.map((row) => row.fulfillmentId));
  const fresh = samples.filter((sample) => sample.minutes >= 0 && !seen.has(sample.fulfillmentId));
  if (fresh.length === 0) return 0;
  const unique = [...new Map(fresh.map((sample) => [sample.fulfillmentId, sample])).values()];
  // 100 rows of 6 values a statement stay under SQLite's 999 bound values.
  const writes = chunks(unique, 100).map((part) =>
    db.transitSample.createMany({ data: part.map((sample) => ({ shop, ...sample })) }),
  );
  const count = (await db.$transaction(writes)).reduce((total, result) => total + result.count, 0);
  return count;
}

export interface TransitStats {
  carrier: string;
  region: string;
  samples: number;
  p50Minutes: number;
  p90Minutes: number;
  /** The configured percentile used by the rule. */
  thresholdMinutes: number;
}

/** A whole percentile from 0 to 100 (the rule's settings are whole numbers already). */
const wholePercent = (p: number) => Math.min(100, Math.max(0, Math.round(Number.isFinite(p) ? p : 90)));

/**
 * `rn` is the row's rank in its group, `n` the group's size: the nearest rank
 * of p in SQL integer arithmetic. p is a whole number from our own code,
 * written into the SQL: a bound number may reach PostgreSQL as a float, and
 * the integer division is the point.
 */
const rankIs = (p: number) => Prisma.raw(`"rn" = CASE WHEN "n" * ${p} <= 100 THEN 1 ELSE ("n" * ${p} + 99) / 100 END`);

/**
 * Percentiles per carrier and region, biggest groups first. Computed by the
 * database (window functions, the same SQL on SQLite and PostgreSQL), so a
 * shop's hundreds of thousands of samples never come into memory: one row
 * per group does.
 */
export async function transitStats(db: Db, shop: string, now: Date, rulePercentile = 90): Promise<TransitStats[]> {
  const threshold = wholePercent(rulePercentile);
  const since = new Date(now.getTime() - SAMPLE_WINDOW_DAYS * DAY);
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT "carrier", "region", "n",
      MIN(CASE WHEN ${rankIs(50)} THEN "minutes" END) AS "p50",
      MIN(CASE WHEN ${rankIs(90)} THEN "minutes" END) AS "p90",
      MIN(CASE WHEN ${rankIs(threshold)} THEN "minutes" END) AS "threshold"
    FROM (
      SELECT "carrier", "region", "minutes",
        ROW_NUMBER() OVER (PARTITION BY "carrier", "region" ORDER BY "minutes") AS "rn",
        COUNT(*) OVER (PARTITION BY "carrier", "region") AS "n"
      FROM "TransitSample" WHERE "shop" = ${shop} AND "deliveredAt" >= ${since}
    ) AS "ranked"
    GROUP BY "carrier", "region", "n"`;
  return rows
    .map((row) => ({
      carrier: String(row.carrier),
      region: String(row.region),
      samples: Number(row.n),
      p50Minutes: Number(row.p50),
      p90Minutes: Number(row.p90),
      thresholdMinutes: Number(row.threshold),
    }))
    .sort((a, b) => b.samples - a.samples || a.carrier.localeCompare(b.carrier) || a.region.localeCompare(b.region));
}

export function transitGroups(stats: readonly TransitStats[]): Map<string, TransitGroup> {
  return new Map(
    stats.map((group) => [
      transitKey(group.carrier, group.region),
      { samples: group.samples, thresholdMinutes: group.thresholdMinutes },
    ]),
  );
}
