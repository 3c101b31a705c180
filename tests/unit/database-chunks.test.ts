// Lists cut into pieces for SQL: one rule (app/database/chunks.ts) for every caller.
import { describe, expect, it } from "vitest";
import { chunks, inChunks, MAX_IDS_PER_QUERY } from "../../app/database/chunks.ts";

describe("chunks", () => {
  it("cuts at MAX_IDS_PER_QUERY by default, in order, the last piece shorter", () => {
    const ids = Array.from({ length: 2 * MAX_IDS_PER_QUERY + 1 }, (_, index) => `id${index}`);
    const pieces = chunks(ids);
    expect(pieces.map((piece) => piece.length)).toEqual([MAX_IDS_PER_QUERY, MAX_IDS_PER_QUERY, 1]);
    expect(pieces.flat()).toEqual(ids);
    // Room for the query's other bound values under SQLite's 999.
    expect(MAX_IDS_PER_QUERY).toBeLessThan(999);
  });

  it("gives no piece for an empty list, and refuses a size that would never end", () => {
    expect(chunks([])).toEqual([]);
    expect(() => chunks([1, 2], 0)).toThrow(/chunk size/);
    expect(() => chunks([1, 2], 1.5)).toThrow(/chunk size/);
  });

  it("inChunks asks once a piece, of any item type, and none for an empty list", async () => {
    const asked: number[][] = [];
    const rows = await inChunks([1, 2, 3, 4, 5], async (piece) => (asked.push(piece), piece.map((n) => n * 10)), 2);
    expect(asked).toEqual([[1, 2], [3, 4], [5]]);
    expect(rows).toEqual([10, 20, 30, 40, 50]);
    await inChunks([], async (piece) => (asked.push(piece), []));
    expect(asked).toHaveLength(3);
  });
});
