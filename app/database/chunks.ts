// The one place lists are cut into pieces for SQL. SQLite (through Prisma's
// driver adapter) binds at most 999 values a statement, so a list bound one
// value an item (`in: ids`) goes in pieces of MAX_IDS_PER_QUERY, which leaves
// room for the query's other values. A list bound as one JSON value
// (sql-json.server.ts) takes the same pieces, so one statement's work stays bounded.
export const MAX_IDS_PER_QUERY = 900;

/** `items` in pieces of at most `size`, in order; none for an empty list. */
export function chunks<T>(items: readonly T[], size = MAX_IDS_PER_QUERY): T[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`not a chunk size: ${size}`);
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** Runs `query` once a piece (one after the other) and joins the rows; no query for an empty list. */
export async function inChunks<T, R>(
  items: readonly T[],
  query: (chunk: T[]) => Promise<R[]>,
  size = MAX_IDS_PER_QUERY,
): Promise<R[]> {
  const results: R[] = [];
  for (const chunk of chunks(items, size)) results.push(...(await query(chunk)));
  return results;
}
