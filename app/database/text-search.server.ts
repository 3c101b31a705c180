// "Contains this text, whatever the letter case", the same on SQLite and
// PostgreSQL. Prisma's `contains` differs between them (SQLite's LIKE ignores
// ASCII case, PostgreSQL's is exact) and passes % and _ through as wildcards.
import { Prisma } from "../generated/prisma-sqlite/client.ts";

/** The text as a LIKE pattern that finds it anywhere: its own %, _ and \ are literal (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * `(lower(column) LIKE pattern OR …)` for the columns named, the same SQL on both databases. The
 * pattern is folded by JavaScript; PostgreSQL's lower() folds every letter, SQLite's (built without
 * ICU) only A–Z, so on SQLite a stored non-ASCII capital (É) is not found by its lower case.
 */
export function anyColumnContains(columns: readonly string[], text: string): Prisma.Sql {
  const pattern = containsPattern(text);
  const tests = columns.map((column) => {
    const folded = Prisma.raw(`lower(${quoteIdentifier(column)})`);
    // SQLite's LIKE has no escape character unless one is named.
    return Prisma.sql`${folded} LIKE ${pattern} ESCAPE '\\'`;
  });
  return Prisma.sql`(${Prisma.join(tests, " OR ")})`;
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a column name: ${name}`);
  return `"${name}"`;
}
