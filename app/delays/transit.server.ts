// "Likely late": transit times learned from delivered parcels, per carrier and
// destination region. A sample is written once per delivered parcel (minutes
// from the fulfillment's creation to its DELIVERED scan); a group's percentile
// only counts once it has enough samples (RuleSettings.likely_late.minSamples).
import type { Db } from "../db.server.ts";
import { inChunks } from "./chunks.ts";
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

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
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
  const writes = [];
  for (let index = 0; index < unique.length; index += 100)
    writes.push(
      db.transitSample.createMany({ data: unique.slice(index, index + 100).map((sample) => ({ shop, ...sample })) }),
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

/** Percentiles per carrier and region, biggest groups first. */
export async function transitStats(db: Db, shop: string, now: Date, rulePercentile = 90): Promise<TransitStats[]> {
  const rows = await db.transitSample.findMany({
    where: { shop, deliveredAt: { gte: new Date(now.getTime() - SAMPLE_WINDOW_DAYS * DAY) } },
    select: { carrier: true, region: true, minutes: true },
  });
  const groups = new Map<string, { carrier: string; region: string; minutes: number[] }>();
  for (const row of rows) {
    const key = transitKey(row.carrier, row.region);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { carrier: row.carrier, region: row.region, minutes: [] }));
    group.minutes.push(row.minutes);
  }
  return [...groups.values()]
    .map((group) => {
      const sorted = group.minutes.sort((a, b) => a - b);
      return {
        carrier: group.carrier,
        region: group.region,
        samples: sorted.length,
        p50Minutes: percentile(sorted, 50),
        p90Minutes: percentile(sorted, 90),
        thresholdMinutes: percentile(sorted, rulePercentile),
      };
    })
    .sort((a, b) => b.samples - a.samples || a.carrier.localeCompare(b.carrier));
}

export function transitGroups(stats: readonly TransitStats[]): Map<string, TransitGroup> {
  return new Map(
    stats.map((group) => [
      transitKey(group.carrier, group.region),
      { samples: group.samples, thresholdMinutes: group.thresholdMinutes },
    ]),
  );
}
