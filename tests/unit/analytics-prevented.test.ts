// The contacts-prevented method (ADR 0016) against published values: Wilson's
// interval and Newcombe's hybrid score interval for a difference of two
// proportions (Newcombe 1998, Statistics in Medicine 17:873, table II, example
// 56/70 − 48/80: 0.0524 to 0.3339), and "not enough data" below the threshold.
import { describe, expect, it } from "vitest";
import { compareGroups, MIN_CASES, newcombe, wilson } from "../../app/analytics/prevented.ts";
import { bucketOf, DURATION_EDGES, percentileOf } from "../../app/analytics/buckets.ts";
import { businessMinutesBetween } from "../../app/analytics/business-time.ts";

describe("contacts prevented", () => {
  it("Newcombe's interval matches the published example", () => {
    const result = newcombe({ cases: 70, contacted: 56 }, { cases: 80, contacted: 48 });
    expect(result.difference).toBeCloseTo(0.2, 10);
    expect(result.low).toBeCloseTo(0.0524, 4);
    expect(result.high).toBeCloseTo(0.3339, 4);
  });

  it("Wilson's interval of 0 of 10 is 0 to 0.2775", () => {
    const interval = wilson(0, 10);
    expect(interval.low).toBe(0);
    expect(interval.high).toBeCloseTo(0.2775, 4);
  });

  it("says not enough data below the threshold, and gives an estimate at it", () => {
    const few = compareGroups({ cases: MIN_CASES - 1, contacted: 10 }, { cases: 100, contacted: 5 });
    expect(few.status).toBe("not_enough");
    expect(few.prevented).toBeNull();
    const enough = compareGroups({ cases: MIN_CASES, contacted: 10 }, { cases: 100, contacted: 5 });
    expect(enough.status).toBe("enough");
    expect(enough.prevented).toBe(Math.round((10 / MIN_CASES - 0.05) * 100));
  });
});

describe("duration buckets", () => {
  it("a value on an edge is in that edge's bucket; percentiles are nearest-rank edges", () => {
    expect(DURATION_EDGES[bucketOf(30)]).toBe(30);
    expect(DURATION_EDGES[bucketOf(30.5)]).toBe(45);
    const counts = new Map([
      [bucketOf(5), 9],
      [bucketOf(600), 1],
    ]);
    expect(percentileOf(counts, 0.5)).toBe(5);
    expect(percentileOf(counts, 0.9)).toBe(5);
    expect(percentileOf(counts, 0.95)).toBe(600);
    expect(percentileOf(new Map(), 0.5)).toBeNull();
  });

  it("business minutes skip nights, weekends and holidays in the shop's zone", () => {
    const hours = {
      timeZone: "Asia/Tokyo",
      weekendDays: new Set([0, 6]),
      holidays: new Set(["2026-11-11"]),
      preset: null,
      start: "09:00",
      end: "18:00",
    };
    // Friday 17:00 → Monday 10:00 JST: one hour on Friday, one on Monday.
    expect(
      businessMinutesBetween(new Date("2026-11-13T17:00:00+09:00"), new Date("2026-11-16T10:00:00+09:00"), hours),
    ).toBe(120);
    // Across the holiday Wednesday.
    expect(
      businessMinutesBetween(new Date("2026-11-10T17:00:00+09:00"), new Date("2026-11-12T10:00:00+09:00"), hours),
    ).toBe(120);
  });
});
