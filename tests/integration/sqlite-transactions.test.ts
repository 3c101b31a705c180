// Two processes writing one SQLite file (the web and the worker): a transaction
// that reads, then writes after the other process committed, must wait for its
// turn instead of failing with "database is locked" (SQLITE_BUSY_SNAPSHOT,
// which a deferred BEGIN gets at once under WAL).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlitePath } from "../../app/db.server.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("sqlite");
});

afterAll(async () => {
  await database.drop();
});

/** Another process that, once it says "ready", inserts a shop row (waiting up to 5 s for the lock). */
function otherWriter(path: string) {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(path)}, { timeout: 5000 });
    console.log("ready");
    db.prepare('INSERT INTO "Shop" ("domain", "updatedAt") VALUES (?, ?)').run("other.myshopify.com", Date.now());
    console.log("inserted");
  `;
  return spawn(process.execPath, ["-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
}

it("a read-then-write transaction waits for another process's write instead of failing", async () => {
  const db = database.db;
  const child = otherWriter(sqlitePath(database.url));
  const exited = once(child, "exit");
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await db.$transaction(async (tx) => {
    await tx.shop.count(); // a read: a deferred transaction now holds a snapshot
    while (!output.includes("ready") && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // Give the other process time to commit if it can (it cannot while this transaction holds the lock).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await tx.shop.create({ data: { domain: "mine.myshopify.com" } });
  });
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
  expect(output).toContain("inserted");
  expect(
    (await db.shop.findMany({ select: { domain: true }, orderBy: { domain: "asc" } })).map((shop) => shop.domain),
  ).toEqual(["mine.myshopify.com", "other.myshopify.com"]);
});
