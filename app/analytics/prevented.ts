// Contacts prevented, measured (ADR 0016): how much less often customers write
// about a delayed order within 7 days when Kizuna told them first. Two
// comparisons, each a difference of two proportions with Newcombe's hybrid
// score interval (from the two Wilson intervals), 95%:
//   holdout  — held-out cases (told nothing for a day, chosen at random) vs told cases;
//   before/after — cases nobody told (before install, kind off, no address) vs told cases.
// Below MIN_CASES cases in either group, or with no contact at all, the answer is
// "not enough data yet". Client-safe.

/** Cases each group needs before an estimate is shown. */
export const MIN_CASES = 30;
const Z = 1.959964;

export interface GroupCounts {
  cases: number;
  /** Cases whose customer wrote about the order within the window. */
  contacted: number;
}

export interface Comparison {
  /** enough | not_enough */
  status: "enough" | "not_enough";
  baseline: GroupCounts;
  told: GroupCounts;
  /** Contact rates, 0…1. */
  baselineRate: number | null;
  toldRate: number | null;
  /** baselineRate − toldRate: contacts prevented per told case; with its 95% interval. */
  difference: number | null;
  low: number | null;
  high: number | null;
  /** difference × told cases, rounded: contacts the notices saved in the period (with the interval's bounds). */
  prevented: number | null;
  preventedLow: number | null;
  preventedHigh: number | null;
}

export interface PreventedEstimate {
  holdout: Comparison;
  beforeAfter: Comparison;
  /** The last day whose cases are counted (their 7 days are over); null = none yet. */
  through: string | null;
  minCases: number;
}

/** Wilson score interval of a proportion. */
export function wilson(successes: number, n: number, z = Z): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** Newcombe's hybrid score interval (method 10) for p1 − p2. */
export function newcombe(a: GroupCounts, b: GroupCounts, z = Z): { difference: number; low: number; high: number } {
  const p1 = a.contacted / a.cases;
  const p2 = b.contacted / b.cases;
  const w1 = wilson(a.contacted, a.cases, z);
  const w2 = wilson(b.contacted, b.cases, z);
  const difference = p1 - p2;
  return {
    difference,
    low: difference - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: difference + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

export function compareGroups(baseline: GroupCounts, told: GroupCounts): Comparison {
  const enough = baseline.cases >= MIN_CASES && told.cases >= MIN_CASES && baseline.contacted + told.contacted > 0;
  if (!enough)
    return {
      status: "not_enough",
      baseline,
      told,
      baselineRate: baseline.cases ? baseline.contacted / baseline.cases : null,
      toldRate: told.cases ? told.contacted / told.cases : null,
      difference: null,
      low: null,
      high: null,
      prevented: null,
      preventedLow: null,
      preventedHigh: null,
    };
  const { difference, low, high } = newcombe(baseline, told);
  return {
    status: "enough",
    baseline,
    told,
    baselineRate: baseline.contacted / baseline.cases,
    toldRate: told.contacted / told.cases,
    difference,
    low,
    high,
    prevented: Math.round(difference * told.cases),
    preventedLow: Math.round(low * told.cases),
    preventedHigh: Math.round(high * told.cases),
  };
}

export function estimatePrevented(input: {
  told: GroupCounts;
  heldOut: GroupCounts;
  untold: GroupCounts;
  through: string | null;
}): PreventedEstimate {
  return {
    holdout: compareGroups(input.heldOut, input.told),
    beforeAfter: compareGroups(input.untold, input.told),
    through: input.through,
    minCases: MIN_CASES,
  };
}
