// The shared database helpers (app/database/, db.server.ts) against real
// SQLite and PostgreSQL: the dialect is the client's provider, known from its
// URL without a query, and a unique violation is recognised from a model
// query and from raw SQL alike, by its code.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, dialectOf, type Db } from "../../app/db.server.ts";
import { isUniqueViolation } from "../../app/database/errors.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

it("knows a client's database from its URL, without asking the database", async () => {
  // Nothing listens on port 1: any query would fail, so the answer cannot come from one.
  const postgres = createDb("postgresql://nobody@127.0.0.1:1/none");
  const sqlite = createDb("file:/nonexistent-dir/never-created.db");
  try {
    expect(dialectOf(postgres)).toBe("postgresql");
    expect(dialectOf(sqlite)).toBe("sqlite");
  } finally {
    await Promise.all([postgres.$disconnect(), sqlite.$disconnect()]);
  }
});

describeEachDatabase("database helpers", (provider) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    await db.shop.create({ data: { domain: "first.myshopify.com" } });
  });
  afterAll(async () => database?.drop());

  it("names the provider the database was created with", () => {
    expect(dialectOf(db)).toBe(provider);
  });

  async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error("expected the statement to fail");
  }

  it("recognises a unique violation from a model query, a transaction and raw SQL", async () => {
    const model = await errorOf(() => db.shop.create({ data: { domain: "first.myshopify.com" } }));
    const inTransaction = await errorOf(() =>
      db.$transaction((tx) => tx.shop.create({ data: { domain: "first.myshopify.com" } })),
    );
    const raw = await errorOf(
      () =>
        db.$executeRaw`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ('first.myshopify.com', CURRENT_TIMESTAMP)`,
    );
    expect([model, inTransaction, raw].map(isUniqueViolation)).toEqual([true, true, true]);
  });

  it("does not take other failures for one", async () => {
    const notNull = await errorOf(() => db.$executeRaw`INSERT INTO "Shop" ("domain") VALUES ('second.myshopify.com')`);
    const missing = await errorOf(() => db.$executeRaw`SELECT "nothing" FROM "Shop"`);
    expect([notNull, missing].map(isUniqueViolation)).toEqual([false, false]);
    // The words alone are not the error: only Prisma's code says what happened.
    expect(isUniqueViolation(new Error("UNIQUE constraint failed: Shop.domain"))).toBe(false);
    expect(isUniqueViolation(new Error('duplicate key value violates unique constraint "Shop_pkey"'))).toBe(false);
  });
});
