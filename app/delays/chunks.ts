// SQLite (through Prisma's driver adapter) binds at most 999 values per
// statement, so id lists go in chunks: one query per chunk, usually exactly one.
export const MAX_IDS_PER_QUERY = 900;

export async function inChunks<T>(
  ids: readonly string[],
  query: (chunk: string[]) => Promise<T[]>,
  size = MAX_IDS_PER_QUERY,
): Promise<T[]> {
  if (ids.length <= size) return ids.length === 0 ? [] : query([...ids]);
  const results: T[] = [];
  for (let index = 0; index < ids.length; index += size) results.push(...(await query(ids.slice(index, index + size))));
  return results;
}
