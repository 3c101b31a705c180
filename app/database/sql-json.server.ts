// Bulk writes and reads through Prisma's raw SQL, the same on SQLite and
// PostgreSQL: many rows travel as ONE bound JSON array and become rows in SQL
// (`"j"."value" ->> n`). A bound value costs Prisma far more than a row costs
// the database (~0.07 ms a row for a multi-row VALUES list of 8 columns, ~0.4 ms
// for createManyAndReturn), and SQLite binds at most 999 values a statement.
import type { DbProvider } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";

/** The database a statement is written for: the client's provider (`dialectOf` in db.server.ts). */
export type Dialect = DbProvider;

/** `values` (one JSON array, one bound value) as rows `"j"."value"`, for FROM. */
export function jsonRows(dialect: Dialect, values: readonly unknown[]): Prisma.Sql {
  const json = JSON.stringify(values);
  return dialect === "sqlite"
    ? Prisma.sql`json_each(${json}) AS "j"`
    : Prisma.sql`jsonb_array_elements(CAST(${json} AS jsonb)) AS "j"("value")`;
}

/** A time as a value where PostgreSQL cannot infer its type (a SELECT list): cast there. */
export function timeValue(dialect: Dialect, at: Date): Prisma.Sql {
  return dialect === "sqlite" ? Prisma.sql`${at}` : Prisma.sql`CAST(${at} AS TIMESTAMP(3))`;
}

/** A nullable time inside the JSON: text as Prisma writes a DateTime on SQLite (read back with `jsonTime`). */
export function jsonTimeText(dialect: Dialect, at: Date | null): string | null {
  if (!at) return null;
  return dialect === "sqlite" ? at.toISOString().replace("Z", "+00:00") : at.toISOString();
}

/** Element `index` of each JSON row (of `jsonRows`, or another alias) as a time column value. */
export function jsonTime(dialect: Dialect, index: number, alias = "j"): Prisma.Sql {
  const element = Prisma.raw(`"${alias}"."value" ->> ${index}`);
  return dialect === "sqlite" ? element : Prisma.sql`CAST(${element} AS TIMESTAMP(3))`;
}

/** `values` (one bound JSON array) as a set for `IN (…)`: `"id" IN ${jsonSet(dialect, ids, "integer")}`. */
export function jsonSet(dialect: Dialect, values: readonly (string | number)[], type: "integer" | "text"): Prisma.Sql {
  const json = JSON.stringify(values);
  if (dialect === "sqlite") return Prisma.sql`(SELECT "value" FROM json_each(${json}))`;
  return type === "integer"
    ? Prisma.sql`(SELECT CAST("value" AS INTEGER) FROM jsonb_array_elements_text(CAST(${json} AS jsonb)) AS "v"("value"))`
    : Prisma.sql`(SELECT "value" FROM jsonb_array_elements_text(CAST(${json} AS jsonb)) AS "v"("value"))`;
}
