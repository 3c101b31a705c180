// `npm run ops -- returns <shop> [--json]`, run as the operator runs it (a child process on the
// database), on both databases: a shop's returns newest first with the order's name, status,
// the policy's decision, the resolution and what was refunded; an unknown shop exits with 1.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/processes.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-ops-returns.myshopify.com";
const OTHER = "kizuna-ops-other.myshopify.com";

function ops(database: TestDatabase, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/ops.ts", ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describeEachDatabase("ops returns", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const db = database.db;
    const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9));
    for (const domain of [SHOP, OTHER]) await db.shop.create({ data: { domain, currency: "JPY" } });
    for (const [id, name] of [
      ["5001", "#1001"],
      ["5002", "#1002"],
    ]) {
      await db.order.create({
        data: {
          shop: SHOP,
          id: id!,
          name: name!,
          currency: "JPY",
          totalPrice: "9600",
          shopifyCreatedAt: at(1),
          shopifyUpdatedAt: at(1),
        },
      });
    }
    // The older return: refunded through Kizuna (one succeeded action, one failed that does not count).
    await db.return.create({
      data: {
        shop: SHOP,
        id: "7001",
        orderId: "5001",
        status: "CLOSED",
        requestedAt: at(3),
        source: "order_page",
        resolution: "refund",
        verdict: JSON.stringify({ decision: "approve", reasons: [{ code: "within_policy" }] }),
      },
    });
    // The newer: waiting for the seller.
    await db.return.create({
      data: {
        shop: SHOP,
        id: "7002",
        orderId: "5002",
        status: "REQUESTED",
        requestedAt: at(5),
        source: "order_page",
        resolution: "store_credit",
        verdict: JSON.stringify({ decision: "review", reasons: [{ code: "seller_reviews" }] }),
      },
    });
    // Made in Shopify's admin: no verdict, no resolution.
    await db.return.create({
      data: { shop: SHOP, id: "7000", orderId: "5001", status: "DECLINED", requestedAt: at(2) },
    });
    await db.return.create({ data: { shop: OTHER, id: "7999", status: "REQUESTED", requestedAt: at(9) } });
    const action = (key: string, state: string, amount: string) =>
      db.moneyAction.create({
        data: {
          shop: SHOP,
          orderId: "5001",
          returnId: "7001",
          kind: "return_process",
          subjectKey: key,
          idempotencyKey: `idem-${key}`,
          state,
          method: "original",
          amount,
          currency: "JPY",
          request: "{}",
        },
      });
    await action("return:7001:processed:1", "succeeded", "4300");
    await action("return:7001:processed:2", "failed", "999");
    await db.refund.create({ data: { shop: SHOP, id: "9001", orderId: "5001", amount: "4300", currency: "JPY" } });
    await db.refund.create({ data: { shop: SHOP, id: "9002", orderId: "5001", amount: "500", currency: "JPY" } });
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("prints a table, newest first, with the order, status, verdict, resolution and refunds", async () => {
    const { code, stdout } = await ops(database, ["returns", SHOP]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^return\s+order\s+status\s+verdict\s+resolution\s+requested\s+refunded \(Kizuna\)\s+order refunds$/,
    );
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ["7002", "#1002", "REQUESTED", "review", "store_credit", "2026-11-05T09:00:00.000Z"],
      ["7001", "#1001", "CLOSED", "approve", "refund", "2026-11-03T09:00:00.000Z", "4300 JPY", "4800 JPY"],
      ["7000", "#1001", "DECLINED", "2026-11-02T09:00:00.000Z", "4800 JPY"],
    ]);
    expect(stdout).not.toContain("7999");
  });

  it("--json gives the same rows as data", async () => {
    const { code, stdout } = await ops(database, ["returns", SHOP, "--json"]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows.map((row) => row.id)).toEqual(["7002", "7001", "7000"]);
    expect(rows[1]).toEqual({
      id: "7001",
      orderId: "5001",
      orderName: "#1001",
      status: "CLOSED",
      decision: "approve",
      resolution: "refund",
      source: "order_page",
      requestedAt: "2026-11-03T09:00:00.000Z",
      refundedByKizuna: "4300 JPY",
      orderRefunds: "4800 JPY",
    });
    expect(rows[2]).toMatchObject({ id: "7000", decision: null, resolution: null, refundedByKizuna: null });
  });

  it("an unknown shop exits with 1 and says so; no shop at all is a usage mistake (2)", async () => {
    const unknown = await ops(database, ["returns", "nobody.myshopify.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ops: no shop "nobody.myshopify.com"');
    expect(unknown.stdout).toBe("");
    const missing = await ops(database, ["returns"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("returns needs a shop domain");
  });
});
