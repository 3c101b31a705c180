// Fixed duration buckets (minutes) for response and resolution times. A value v
// falls in the first bucket whose upper edge is ≥ v, so a period's median and
// 90th percentile come from counts: the figure is the upper edge of the bucket
// that holds the nearest-rank percentile ("within N minutes"). Client-safe.

/** Upper edges in minutes; the last bucket (index = length) holds everything longer. */
export const DURATION_EDGES: readonly number[] = [
  1, 2, 3, 4, 5, 10, 15, 20, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720, 960, 1200, 1440, 1800,
  2160, 2880, 4320, 5760, 7200, 10080, 14400, 20160, 30240, 43200,
];

export function bucketOf(minutes: number): number {
  for (let i = 0; i < DURATION_EDGES.length; i++) if (minutes <= DURATION_EDGES[i]!) return i;
  return DURATION_EDGES.length;
}

/**
 * The nearest-rank percentile (p in 0..1) of a histogram, as its bucket's
 * upper edge in minutes; null when empty; Infinity when past the last edge.
 */
export function percentileOf(counts: ReadonlyMap<number, number>, p: number): number | null {
  let total = 0;
  for (const count of counts.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let bucket = 0; bucket <= DURATION_EDGES.length; bucket++) {
    seen += counts.get(bucket) ?? 0;
    if (seen >= rank) return DURATION_EDGES[bucket] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}
