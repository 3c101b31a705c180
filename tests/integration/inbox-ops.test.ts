// `npm run ops -- conversations <shop> [--json]` and `npm run ops -- inbox-address <shop>`, run
// as the operator runs them (a child process on the database), on both databases: the shop's
// conversations with contact, channel, status and each message's direction and shown text; the
// shop's inbound address (the same one each time); an unknown shop exits with 1.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { receiveSms } from "../../app/inbox/channels/sms.server.ts";
import { addNote } from "../../app/inbox/conversation-actions.server.ts";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { ROOT } from "../../scripts/lib/processes.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-ops-inbox.myshopify.com";

function ops(database: TestDatabase, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/ops.ts", ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url, INBOUND_DOMAIN: "in.kizuna.test" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describeEachDatabase("ops conversations and inbox-address", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const db = database.db;
    await db.shop.create({ data: { domain: SHOP, name: "Ops Store" } });
    const mail = await receiveMessage(db, SHOP, {
      channel: "email",
      providerMessageId: "<ops-1@example.com>",
      identities: [{ kind: "email", value: "emma@example.com" }],
      contactName: "Emma Wilson",
      subject: "Where is my order?",
      text: "Where is my order?",
      kind: "message",
      receivedAt: new Date(Date.UTC(2026, 11, 1, 9)),
    });
    if (mail.dropped) throw new Error("dropped");
    await addNote(db, SHOP, mail.conversationId, { text: "Checked with the carrier", author: "Aiko" });
    await receiveSms(db, SHOP, { from: "+819012345678", body: "届きました", sid: "SMops1", receivedAt: new Date() });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("lists the conversations with their messages, as text and as JSON", async () => {
    const text = await ops(database, ["conversations", SHOP]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/email\s+open\s+Emma Wilson email:emma@example\.com/);
    expect(text.stdout).toMatch(/<- incoming: Where is my order\?/);
    expect(text.stdout).toMatch(/## note: Checked with the carrier/);
    expect(text.stdout).toMatch(/sms\s+open\s+phone:\+819012345678/);
    const json = await ops(database, ["conversations", SHOP, "--json"]);
    const rows = JSON.parse(json.stdout) as { channel: string; messages: { direction: string; text: string }[] }[];
    expect(rows.map((row) => row.channel)).toEqual(["sms", "email"]);
    expect(rows[1]?.messages.map((message) => message.direction)).toEqual(["incoming", "note"]);
    expect(rows[0]?.messages[0]?.text).toBe("届きました");
  });

  it("prints the shop's inbound address, the same each time", async () => {
    const first = await ops(database, ["inbox-address", SHOP]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toMatch(/^inbox\+[a-z2-7]{16}@in\.kizuna\.test$/);
    expect((await ops(database, ["inbox-address", SHOP])).stdout).toBe(first.stdout);
  });

  it("exits with 1 for an unknown shop", async () => {
    const unknown = await ops(database, ["conversations", "nobody.myshopify.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no shop/);
    expect((await ops(database, ["inbox-address", "nobody.myshopify.com"])).code).toBe(1);
  });
});
