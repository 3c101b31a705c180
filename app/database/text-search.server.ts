// "Contains this text" as a LIKE pattern, the same on SQLite and PostgreSQL.
// Prisma's `contains` passes % and _ through as wildcards, and its letter case
// differs between them (SQLite's LIKE ignores ASCII case, PostgreSQL's is
// exact): searches compare text folded in JavaScript (app/orders/search-text.ts).

/** The text as a LIKE pattern that finds it anywhere: its own %, _ and \ are literal (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
