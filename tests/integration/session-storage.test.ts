// Shopify's Prisma session storage on Kizuna's generated clients: sessions
// round-trip, and deleting a missing one (Prisma's P2025) is not an error.
import { afterAll, beforeAll, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

describeEachDatabase("session storage", (provider) => {
  let database: TestDatabase;
  let storage: PrismaSessionStorage<TestDatabase["db"]>;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    storage = new PrismaSessionStorage(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("stores, loads and deletes an offline session", async () => {
    const session = new Session({
      id: "offline_kizuna-test.myshopify.com",
      shop: "kizuna-test.myshopify.com",
      state: "state",
      isOnline: false,
      accessToken: "shpat_123",
      scope: "read_orders",
    });
    expect(await storage.storeSession(session)).toBe(true);
    expect((await storage.loadSession(session.id))?.accessToken).toBe("shpat_123");
    expect(await storage.findSessionsByShop("kizuna-test.myshopify.com")).toHaveLength(1);
    expect(await storage.deleteSession(session.id)).toBe(true);
    expect(await storage.loadSession(session.id)).toBeUndefined();
  });

  it("deletes a session that does not exist without an error", async () => {
    await expect(storage.deleteSession("offline_nobody.myshopify.com")).resolves.toBe(true);
  });
});
