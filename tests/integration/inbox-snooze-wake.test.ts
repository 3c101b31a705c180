// A snoozed conversation comes back by itself when its time comes: the worker's
// "wake-snoozed" reaction (scheduled every minute) opens every conversation
// whose snooze ended, and only those — of every shop.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Queue } from "bullmq";
import { SCHEDULES } from "../../app/jobs/queues.server.ts";
import { reactionProcessor } from "../../app/jobs/reactions.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

describeEachDatabase("waking snoozed conversations", (provider) => {
  let test: TestDatabase;
  const now = new Date("2026-12-05T00:00:00Z");
  beforeAll(async () => {
    test = await createTestDatabase(provider);
  });
  afterAll(() => test.drop());

  it("is scheduled, and opens the conversations whose snooze ended, leaving the others", async () => {
    expect(SCHEDULES.find((schedule) => schedule.name === "wake-snoozed")?.pattern).toBe("* * * * *");
    const { db } = test;
    const conversation = (shop: string, token: string, snoozedUntil: Date) =>
      db.conversation.create({
        data: { shop, contactId: 1, channel: "email", status: "snoozed", snoozedUntil, replyToken: token },
      });
    const ended = await conversation("a.myshopify.com", "tokenaaaaaaaaaaa", new Date(now.getTime() - 60_000));
    const otherShop = await conversation("b.myshopify.com", "tokenbbbbbbbbbbb", new Date(now.getTime() - 1));
    const later = await conversation("a.myshopify.com", "tokencccccccccccc", new Date(now.getTime() + 3_600_000));
    const process = reactionProcessor({
      db,
      reactions: null as unknown as Queue,
      notices: null as unknown as Queue,
      now: () => now,
      adminApiFor: async () => null,
      scanOptions: {},
    });
    await process({ name: "wake-snoozed", data: {} } as Parameters<typeof process>[0]);
    const status = async (id: number) =>
      db.conversation.findUniqueOrThrow({ where: { id }, select: { status: true, snoozedUntil: true } });
    expect(await status(ended.id)).toEqual({ status: "open", snoozedUntil: null });
    expect(await status(otherShop.id)).toEqual({ status: "open", snoozedUntil: null });
    expect((await status(later.id)).status).toBe("snoozed");
  });
});
