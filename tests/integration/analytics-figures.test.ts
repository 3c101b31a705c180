// Analytics from seeded raw rows, on both databases: every figure the rollups
// give equals the figure worked out by hand here from the same rows — first
// response times in calendar and business hours across a shop holiday and a
// weekend (auto-replies, notes and notices not counted), the busiest hour in
// shop time across a day boundary, the satisfaction share; a late reply
// corrects its day; a held-out delay case gets no notice and is counted; the
// estimate says "not enough data" below its threshold; a redacted customer
// leaves no trace in the rollups; another shop's rows never count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";
import type { Db } from "../../app/db.server.ts";
import { recomputeDays, daysFrom } from "../../app/analytics/rollups.server.ts";
import { analyticsFigures } from "../../app/analytics/figures.server.ts";
import { DURATION_EDGES } from "../../app/analytics/buckets.ts";
import { MIN_CASES } from "../../app/analytics/prevented.ts";
import { holdoutSlot, releaseHeldOutCases } from "../../app/analytics/holdout.server.ts";
import { notifyChanges, type DelayNotify } from "../../app/delays/notify.server.ts";
import { redactInboxContacts } from "../../app/inbox/redact-contact.server.ts";
import { selfHelpAnswersFor, saveSelfHelpAnswer } from "../../app/analytics/self-help.server.ts";

const SHOP = "kizuna-analytics.myshopify.com";
const OTHER = "kizuna-analytics-other.myshopify.com";
const TZ = "Asia/Tokyo";
/** JST wall-clock time → instant (Japan has no daylight saving: UTC+9). */
const jst = (text: string) => new Date(`${text}:00+09:00`);
const PERIOD = { from: "2026-11-10", to: "2026-11-20" };
// After the period and its 7-day window, so the delay outcomes are complete.
const NOW = jst("2026-12-01T12:00");

/** The bucket edge that holds a value: what "within N minutes" reports. */
const edgeOf = (minutes: number) => DURATION_EDGES.find((edge) => minutes <= edge) ?? Number.POSITIVE_INFINITY;
/** Nearest-rank percentile of a list, by hand. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

describe.each(PROVIDERS)("analytics figures on %s", (provider) => {
  let database: TestDatabase;
  const db = (): Db => database.db;
  let sequence = 0;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    for (const shop of [SHOP, OTHER])
      await db().shop.create({ data: { domain: shop, timezone: TZ, currency: "JPY", name: shop } });
    // Weekends Saturday and Sunday; Wednesday 11 November is the shop's own holiday; open 09:00–18:00.
    await db().shopSettings.create({
      data: {
        shop: SHOP,
        weekendDays: "[0,6]",
        holidays: '["2026-11-11"]',
        holidayPreset: "none",
        businessStart: "09:00",
        businessEnd: "18:00",
      },
    });
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  async function contact(shop: string, name: string, email: string) {
    const row = await db().contact.create({ data: { shop, name } });
    await db().contactIdentity.create({ data: { shop, contactId: row.id, kind: "email", value: email } });
    return row.id;
  }

  /** A conversation and its messages as the inbox stores them. */
  async function conversation(
    shop: string,
    channel: string,
    messages: { at: Date; direction: string; kind?: string; author?: string; text?: string; from?: string }[],
    extra: { tags?: string[]; resolvedAt?: Date; orderId?: string; contactId?: number } = {},
  ) {
    const contactId = extra.contactId ?? (await contact(shop, `Person ${++sequence}`, `p${sequence}@example.com`));
    const row = await db().conversation.create({
      data: {
        shop,
        contactId,
        channel,
        replyToken: `tok${++sequence}x${provider}`,
        tags: JSON.stringify(extra.tags ?? []),
        status: extra.resolvedAt ? "resolved" : "open",
        resolvedAt: extra.resolvedAt ?? null,
        orderId: extra.orderId ?? null,
        firstMessageAt: messages[0]?.at ?? null,
      },
    });
    for (const message of messages)
      await db().message.create({
        data: {
          shop,
          conversationId: row.id,
          direction: message.direction,
          kind: message.kind ?? (message.direction === "system" ? "notice" : "message"),
          channel,
          author: message.author ?? (message.direction === "incoming" ? "customer" : "Aiko"),
          status: message.direction === "outgoing" ? "sent" : null,
          text: message.text ?? "hello",
          fromAddress: message.from ?? null,
          createdAt: message.at,
        },
      });
    return row.id;
  }

  it("first response time in calendar and business hours, across a holiday and a weekend", async () => {
    // C1: Tue 16:00 → Thu 11:00, across Wednesday the shop's holiday.
    await conversation(SHOP, "email", [
      { at: jst("2026-11-10T16:00"), direction: "incoming" },
      { at: jst("2026-11-12T11:00"), direction: "outgoing" },
    ]);
    // C2: Tue 10:00; a note and a notice do not answer; the reply at 10:30 does.
    await conversation(
      SHOP,
      "email",
      [
        { at: jst("2026-11-10T10:00"), direction: "incoming" },
        { at: jst("2026-11-10T10:05"), direction: "note" },
        { at: jst("2026-11-10T10:10"), direction: "system", author: "kizuna" },
        { at: jst("2026-11-10T10:30"), direction: "outgoing" },
        { at: jst("2026-11-10T11:00"), direction: "incoming" },
        { at: jst("2026-11-10T11:10"), direction: "outgoing" },
      ],
      { tags: ["where-is-my-order"], resolvedAt: jst("2026-11-10T12:00") },
    );
    // C3: Saturday (weekend): 20 calendar minutes, none in business hours.
    await conversation(
      SHOP,
      "sms",
      [
        { at: jst("2026-11-14T12:00"), direction: "incoming" },
        { at: jst("2026-11-14T12:20"), direction: "outgoing" },
      ],
      { tags: ["returns"] },
    );
    // C4: Monday before opening; the customer's auto-reply at 07:00 starts nothing.
    await conversation(
      SHOP,
      "order_page",
      [
        { at: jst("2026-11-16T07:00"), direction: "incoming", kind: "auto_reply" },
        { at: jst("2026-11-16T08:00"), direction: "incoming" },
        { at: jst("2026-11-16T09:45"), direction: "outgoing" },
      ],
      { tags: ["returns", "sizes"] },
    );
    // Another shop's fast answer must not count.
    await conversation(OTHER, "email", [
      { at: jst("2026-11-10T10:00"), direction: "incoming" },
      { at: jst("2026-11-10T10:01"), direction: "outgoing" },
    ]);

    await recomputeDays(db(), SHOP, daysFrom("2026-11-01", "2026-11-30"));
    const figures = await analyticsFigures(db(), SHOP, PERIOD, NOW);

    // By hand: calendar minutes C1 43 h, C2 30, C3 20, C4 105 (from 08:00, not the auto-reply's 07:00).
    const calendar = [43 * 60, 30, 20, 105];
    // Business minutes: C1 Tue 16–18 (120) + Wed holiday (0) + Thu 9–11 (120); C2 30; C3 weekend 0; C4 09:00–09:45.
    const business = [240, 30, 0, 45];
    const first = figures.responseTimes.find((row) => row.key === "first_response_calendar")!.current;
    const firstBusiness = figures.responseTimes.find((row) => row.key === "first_response_business")!.current;
    expect(first.count).toBe(4);
    expect(first.median).toBe(edgeOf(nearestRank(calendar, 0.5)));
    expect(first.p90).toBe(edgeOf(nearestRank(calendar, 0.9)));
    expect(firstBusiness.median).toBe(edgeOf(nearestRank(business, 0.5)));
    expect(firstBusiness.p90).toBe(240);
    // Were the holiday counted as a business day, C1 would be 120 + 540 + 120 = 780 minutes.
    expect(edgeOf(780)).not.toBe(240);

    // Resolution and exchanges: only C2 is resolved, two minutes-apart exchanges, 2 h from its first message.
    const resolution = figures.responseTimes.find((row) => row.key === "resolution_calendar")!.current;
    expect(resolution).toMatchObject({ count: 1, median: 120 });
    expect(figures.exchanges.current).toEqual({ resolved: 1, exchanges: 2, withinTarget: 1 });

    // Contacts by channel and by topic, counted by hand.
    const byChannel = Object.fromEntries(figures.contactsByChannel.map((row) => [row.key, row.current]));
    expect(byChannel).toEqual({ email: 2, sms: 1, order_page: 1 });
    const byTopic = Object.fromEntries(figures.contactsByTopic.map((row) => [row.key, row.current]));
    expect(byTopic).toEqual({ "": 1, "where-is-my-order": 1, returns: 2, sizes: 1 });
  });

  it("a late reply corrects its conversation's day when the day is recomputed", async () => {
    const id = await conversation(SHOP, "email", [{ at: jst("2026-11-17T10:00"), direction: "incoming" }]);
    await recomputeDays(db(), SHOP, ["2026-11-17"]);
    let figures = await analyticsFigures(db(), SHOP, { from: "2026-11-17", to: "2026-11-17" }, NOW);
    expect(figures.unanswered.current).toBe(1);
    expect(figures.responseTimes[0]!.current.count).toBe(0);
    await db().message.create({
      data: {
        shop: SHOP,
        conversationId: id,
        direction: "outgoing",
        kind: "message",
        channel: "email",
        author: "Aiko",
        status: "sent",
        createdAt: jst("2026-11-19T10:00"),
      },
    });
    // Twice: recomputing is idempotent.
    await recomputeDays(db(), SHOP, ["2026-11-17"]);
    await recomputeDays(db(), SHOP, ["2026-11-17"]);
    figures = await analyticsFigures(db(), SHOP, { from: "2026-11-17", to: "2026-11-17" }, NOW);
    expect(figures.unanswered.current).toBe(0);
    expect(figures.responseTimes[0]!.current).toMatchObject({ count: 1, median: edgeOf(48 * 60) });
  });

  it("the busiest hour is in shop time, across the day boundary", async () => {
    // 15:10–15:40 UTC on Tuesday 17 is 00:10–00:40 JST on Wednesday 18; 14:xx UTC is Tuesday 23:xx JST.
    const utc = [
      "2026-11-17T15:10:00Z",
      "2026-11-17T15:20:00Z",
      "2026-11-17T15:40:00Z",
      "2026-11-17T14:05:00Z",
      "2026-11-17T14:50:00Z",
    ];
    for (const at of utc) await conversation(SHOP, "email", [{ at: new Date(at), direction: "incoming" }]);
    // Orders at 16:30 UTC Friday 13 = 01:30 JST Saturday 14.
    for (const [index, at] of ["2026-11-13T16:30:00Z", "2026-11-13T16:45:00Z"].entries())
      await db().order.create({
        data: {
          shop: SHOP,
          id: `90${index}`,
          name: `#90${index}`,
          currency: "JPY",
          totalPrice: "1000",
          shopifyCreatedAt: new Date(at),
          shopifyUpdatedAt: new Date(at),
        },
      });
    await recomputeDays(db(), SHOP, daysFrom("2026-11-10", "2026-11-20"));
    const figures = await analyticsFigures(db(), SHOP, PERIOD, NOW);
    // By hand, in JST: Wednesday (3) hour 0 has three messages, more than any other hour.
    expect(figures.busiest.messages).toEqual({ weekday: 3, hour: 0, count: 3 });
    expect(figures.heatmap.messages[2]![23]).toBe(2);
    // In UTC it would have been Tuesday 15:00: nothing is counted there.
    expect(figures.heatmap.messages[2]![15]).toBe(0);
    expect(figures.busiest.orders).toEqual({ weekday: 6, hour: 1, count: 2 });
    // The three conversations opened after midnight JST are Wednesday's contacts, not Tuesday's.
    const wednesday = await db().analyticsDaily.findFirst({
      where: { shop: SHOP, day: "2026-11-18", metric: "contacts", dimension: "email" },
    });
    expect(wednesday?.count).toBe(3);
  });

  it("satisfaction: the share of 4–5 answers and the comments to read", async () => {
    const ratings: [number, string | null][] = [
      [5, "Quick and kind"],
      [4, null],
      [3, null],
      [5, null],
      [1, "Too slow"],
    ];
    for (const [index, [rating, comment]] of ratings.entries()) {
      const conversationId = await conversation(SHOP, "email", [
        { at: jst("2026-11-12T09:00"), direction: "incoming" },
      ]);
      await db().satisfactionSurvey.create({
        data: {
          shop: SHOP,
          conversationId,
          contactId: 1,
          token: `survey-${provider}-${index}`,
          rating,
          comment,
          sentAt: jst("2026-11-15T09:00"),
          answeredAt: jst(`2026-11-15T1${index}:00`),
        },
      });
    }
    await recomputeDays(db(), SHOP, daysFrom("2026-11-10", "2026-11-20"));
    const figures = await analyticsFigures(db(), SHOP, PERIOD, NOW);
    const rows = await db().satisfactionSurvey.findMany({ where: { shop: SHOP, rating: { not: null } } });
    const satisfied = rows.filter((row) => row.rating! >= 4).length;
    expect(figures.satisfaction.current.answers).toBe(rows.length);
    expect(figures.satisfaction.current.satisfied).toBe(satisfied);
    expect(figures.satisfaction.current.satisfied / figures.satisfaction.current.answers).toBe(3 / 5);
    expect(figures.satisfaction.current.byRating).toEqual([1, 0, 1, 1, 2]);
    expect(figures.satisfaction.comments.map((row) => row.comment).sort()).toEqual(["Quick and kind", "Too slow"]);
  });

  it("a held-out delay case gets no notice, is recorded and counted, and is told once its day is over", async () => {
    await db().shopSettings.update({ where: { shop: SHOP }, data: { holdoutOn: true, holdoutPercent: 50 } });
    const cases = [];
    for (let index = 0; index < 12; index++)
      cases.push(
        await db().delayCase.create({
          data: {
            shop: SHOP,
            orderId: `70${index}`,
            subject: "order",
            rule: "handling_time",
            reason: "UNFULFILLED",
            openedAt: jst("2026-11-18T10:00"),
          },
        }),
      );
    const expectedHeld = cases.filter((row) => holdoutSlot(SHOP, row.id) < 5_000).map((row) => row.id);
    expect(expectedHeld.length).toBeGreaterThan(0);
    expect(expectedHeld.length).toBeLessThan(cases.length);
    const told: number[] = [];
    const notify: DelayNotify = (caseRow) => {
      told.push(caseRow.id);
      return { told: true };
    };
    await notifyChanges(db(), { opened: cases, resolved: [] }, notify, jst("2026-11-18T10:00"));
    expect(told.sort()).toEqual(
      cases
        .map((row) => row.id)
        .filter((id) => !expectedHeld.includes(id))
        .sort(),
    );
    const held = await db().delayHoldout.findMany({ where: { shop: SHOP } });
    expect(held.map((row) => row.caseId).sort()).toEqual([...expectedHeld].sort());
    for (const id of expectedHeld)
      expect((await db().delayCase.findUniqueOrThrow({ where: { id } })).notifiedAt).toBeNull();
    // The same changes again (a retried scan) tell nobody new.
    await notifyChanges(db(), { opened: cases, resolved: [] }, notify, jst("2026-11-18T10:30"));
    expect(told.length).toBe(cases.length - expectedHeld.length + (cases.length - expectedHeld.length));

    await recomputeDays(db(), SHOP, ["2026-11-18"]);
    const outcome = await db().analyticsDaily.findMany({
      where: { shop: SHOP, day: "2026-11-18", metric: "delay_outcome" },
    });
    expect(outcome.find((row) => row.dimension === "held_out")?.count).toBe(expectedHeld.length);
    expect(outcome.find((row) => row.dimension === "told")?.count).toBe(cases.length - expectedHeld.length);

    // Below the threshold the estimate says so.
    const figures = await analyticsFigures(db(), SHOP, PERIOD, NOW);
    expect(expectedHeld.length).toBeLessThan(MIN_CASES);
    expect(figures.prevented.holdout.status).toBe("not_enough");
    expect(figures.prevented.holdout.difference).toBeNull();

    // A day later the held-out cases still open are told, once.
    const released: number[] = [];
    const loadCase = (shop: string, id: number) => db().delayCase.findFirst({ where: { shop, id } });
    const tell = async (row: { id: number }) => void released.push(row.id);
    expect(await releaseHeldOutCases(db(), SHOP, jst("2026-11-18T20:00"), loadCase, tell)).toBe(0);
    await releaseHeldOutCases(db(), SHOP, jst("2026-11-19T10:01"), loadCase, tell);
    await releaseHeldOutCases(db(), SHOP, jst("2026-11-19T11:00"), loadCase, tell);
    expect(released.sort()).toEqual([...expectedHeld].sort());
    await db().shopSettings.update({ where: { shop: SHOP }, data: { holdoutOn: false } });
  });

  it("with enough cases the estimate is the difference of the two contact rates, with its interval", async () => {
    // 40 told cases of which 4 wrote; 40 held out of which 14 wrote (on a day of their own).
    const day = "2026-11-19";
    for (let index = 0; index < 80; index++) {
      const orderId = `80${index}`;
      const row = await db().delayCase.create({
        data: {
          shop: SHOP,
          orderId,
          subject: "order",
          rule: "stalled",
          reason: "IN_TRANSIT",
          openedAt: jst(`${day}T09:00`),
          notifiedAt: index < 40 ? jst(`${day}T09:05`) : null,
        },
      });
      if (index >= 40)
        await db().delayHoldout.create({
          data: { shop: SHOP, caseId: row.id, heldOutAt: jst(`${day}T09:00`), until: jst(`${day}T09:00`) },
        });
      const wrote = index < 4 || (index >= 40 && index < 54);
      if (wrote)
        await conversation(SHOP, "email", [{ at: jst("2026-11-21T09:00"), direction: "incoming" }], { orderId });
    }
    await recomputeDays(db(), SHOP, [day]);
    const figures = await analyticsFigures(db(), SHOP, { from: day, to: day }, NOW);
    const holdout = figures.prevented.holdout;
    expect(holdout.status).toBe("enough");
    expect(holdout.told).toEqual({ cases: 40, contacted: 4 });
    expect(holdout.baseline).toEqual({ cases: 40, contacted: 14 });
    expect(holdout.difference).toBeCloseTo(14 / 40 - 4 / 40, 12);
    expect(holdout.prevented).toBe(10);
    expect(holdout.low!).toBeLessThan(holdout.difference!);
    expect(holdout.high!).toBeGreaterThan(holdout.difference!);
    expect(holdout.low!).toBeGreaterThan(0);
  });

  it("a redacted customer leaves no trace in the rollups, and the counts stay", async () => {
    const email = "hanako.redact@example.jp";
    const contactId = await contact(SHOP, "Hanako Redactsan", email);
    await conversation(
      SHOP,
      "email",
      [
        {
          at: jst("2026-11-20T10:00"),
          direction: "incoming",
          text: "My address is 1-2-3 Jingumae Shibuya",
          from: email,
        },
        { at: jst("2026-11-20T10:30"), direction: "outgoing", text: "Dear Hanako Redactsan" },
      ],
      { contactId, tags: ["returns"] },
    );
    const traces = ["hanako", "redactsan", "jingumae", "shibuya", "example.jp"];
    const rollupText = async () => {
      const rows = [
        ...(await db().analyticsDaily.findMany({ where: { shop: SHOP } })),
        ...(await db().analyticsDuration.findMany({ where: { shop: SHOP } })),
        ...(await db().analyticsHourly.findMany({ where: { shop: SHOP } })),
      ];
      return JSON.stringify(rows).toLowerCase();
    };
    await recomputeDays(db(), SHOP, ["2026-11-20"]);
    const before = await db().analyticsDaily.findMany({
      where: { shop: SHOP, day: "2026-11-20" },
      orderBy: [{ metric: "asc" }, { dimension: "asc" }],
    });
    expect(before.find((row) => row.metric === "contacts")?.count).toBeGreaterThan(0);
    for (const trace of traces) expect(await rollupText()).not.toContain(trace);

    await db().$transaction((tx) =>
      redactInboxContacts(tx, SHOP, { customerIds: [], emails: [email], phones: [] }, new Date()),
    );
    await recomputeDays(db(), SHOP, ["2026-11-20"]);
    const after = await db().analyticsDaily.findMany({
      where: { shop: SHOP, day: "2026-11-20" },
      orderBy: [{ metric: "asc" }, { dimension: "asc" }],
    });
    expect(after).toEqual(before);
    for (const trace of traces) expect(await rollupText()).not.toContain(trace);
    // The raw rows are emptied too (the redaction's own work): nothing to bring the data back.
    expect(JSON.stringify(await db().message.findMany({ where: { shop: SHOP } })).toLowerCase()).not.toContain(
      "jingumae",
    );
  });

  it("notices, delays, back in stock and returns, counted by hand", async () => {
    const day = (hour: number) => jst(`2026-10-06T${String(hour).padStart(2, "0")}:00`);
    const period = { from: "2026-10-05", to: "2026-10-10" };
    let key = 0;
    const notice = (kind: string, channel: string, status: string) =>
      db().notice.create({
        data: {
          shop: SHOP,
          kind,
          channel,
          status,
          locale: "ja",
          dedupeKey: `hand-${provider}-${++key}`,
          recipient: "secret@example.com",
          createdAt: day(9),
          sentAt: status === "sent" ? day(10) : null,
        },
      });
    for (let i = 0; i < 3; i++) await notice("delay", "email", "sent");
    await notice("restock", "sms", "sent");
    await notice("delay", "email", "failed");
    await notice("delay", "email", "dead");
    await notice("delay", "email", "queued");
    await db().suppression.createMany({
      data: [
        {
          shop: SHOP,
          channel: "email:marketing",
          address: "a@example.com",
          reason: "unsubscribed",
          createdAt: day(11),
        },
        {
          shop: SHOP,
          channel: "email:marketing",
          address: "b@example.com",
          reason: "unsubscribed",
          createdAt: day(12),
        },
        { shop: SHOP, channel: "sms", address: "+819000000000", reason: "stop", createdAt: day(12) },
      ],
    });

    // Orders of the day: product P1 × 4 (two orders), P2 × 1.
    const address = JSON.stringify({ country_code: "JP", province: "Tokyo", address1: "1-2-3 Secret" });
    for (const [id, product, quantity] of [
      ["hand-1", "P1", 3],
      ["hand-2", "P1", 1],
      ["hand-3", "P2", 1],
    ] as const) {
      await db().order.create({
        data: {
          shop: SHOP,
          id,
          name: `#${id}`,
          currency: "USD",
          totalPrice: "10.00",
          shippingAddress: address,
          shopifyCreatedAt: day(8),
          shopifyUpdatedAt: day(8),
        },
      });
      await db().lineItem.create({
        data: { shop: SHOP, id: `L-${id}`, orderId: id, productId: product, title: product, quantity, price: "10.00" },
      });
    }
    await db().product.create({ data: { shop: SHOP, id: "P1", title: "Linen shirt" } });
    // Delays: two carrier exceptions with Yamato to Tokyo, one not shipped (no parcel).
    await db().fulfillment.create({ data: { shop: SHOP, id: "F1", orderId: "hand-1", trackingCompany: "Yamato" } });
    await db().fulfillment.create({ data: { shop: SHOP, id: "F2", orderId: "hand-2", trackingCompany: "Yamato" } });
    for (const [orderId, subject, rule, reason] of [
      ["hand-1", "F1", "carrier_exception", "DELAYED"],
      ["hand-2", "F2", "carrier_exception", "DELAYED"],
      ["hand-3", "order", "handling_time", "NOT_SHIPPED"],
    ] as const)
      await db().delayCase.create({ data: { shop: SHOP, orderId, subject, rule, reason, openedAt: day(13) } });
    // Back in stock: three signups, two alerts, one bought (1,234.50) and one bought (100.25).
    const subscriptions = [];
    for (let i = 0; i < 3; i++)
      subscriptions.push(
        await db().restockSubscription.create({
          data: {
            shop: SHOP,
            variantId: "V1",
            email: `s${i}-${provider}@example.com`,
            locale: "ja",
            createdAt: day(14),
          },
        }),
      );
    const episode = await db().restockEpisode.create({ data: { shop: SHOP, variantId: "V1", availableAtStart: 5 } });
    await db().restockAlert.create({
      data: {
        shop: SHOP,
        episodeId: episode.id,
        subscriptionId: subscriptions[0]!.id,
        variantId: "V1",
        sentAt: day(15),
        orderId: "hand-1",
        revenue: "1234.50",
      },
    });
    await db().restockAlert.create({
      data: {
        shop: SHOP,
        episodeId: episode.id,
        subscriptionId: subscriptions[1]!.id,
        variantId: "V1",
        sentAt: day(15),
        orderId: "hand-2",
        revenue: "100.25",
      },
    });
    // Returns: P1 × 1 (Kizuna's shape) and P1 × 2 (Shopify's webhook shape); two refunds.
    await db().return.create({
      data: {
        shop: SHOP,
        id: "R1",
        orderId: "hand-1",
        status: "OPEN",
        resolution: "exchange",
        requestedAt: day(16),
        lineItems: JSON.stringify([{ line_item_id: "L-hand-1", quantity: 1, return_reason_handle: "size_too_small" }]),
      },
    });
    await db().return.create({
      data: {
        shop: SHOP,
        id: "R2",
        orderId: "hand-2",
        status: "CLOSED",
        resolution: "refund",
        requestedAt: day(16),
        lineItems: JSON.stringify([
          {
            quantity: 2,
            return_reason: "DEFECTIVE",
            fulfillment_line_item: { line_item: { id: "gid://shopify/LineItem/L-hand-1" } },
          },
        ]),
      },
    });
    await db().refund.create({
      data: { shop: SHOP, id: "RF1", orderId: "hand-2", amount: "10.10", currency: "USD", shopifyCreatedAt: day(17) },
    });
    await db().refund.create({
      data: { shop: SHOP, id: "RF2", orderId: "hand-2", amount: "0.20", currency: "USD", shopifyCreatedAt: day(17) },
    });

    await recomputeDays(db(), SHOP, daysFrom("2026-09-20", "2026-10-20"));
    const figures = await analyticsFigures(db(), SHOP, period, NOW);
    const counts = (rows: { key: string; current: number }[]) =>
      Object.fromEntries(rows.map((row) => [row.key, row.current]));
    expect(counts(figures.noticesSent)).toEqual({ "delay|email": 3, "restock|sms": 1 });
    expect(counts(figures.noticesFailed)).toEqual({ "delay|email": 2 });
    expect(counts(figures.unsubscribes)).toEqual({ "email:marketing|unsubscribed": 2, "sms|stop": 1 });
    expect(counts(figures.delayReasons)).toEqual({ "carrier_exception|DELAYED": 2, "handling_time|NOT_SHIPPED": 1 });
    expect(counts(figures.delayCarriers)).toEqual({ Yamato: 2, "": 1 });
    expect(counts(figures.delayRegions)).toEqual({ "JP / Tokyo": 3 });
    expect(figures.restock.signups.current).toBe(3);
    expect(figures.restock.alerts.current).toBe(2);
    expect(figures.restock.sales.current).toBe(2);
    expect(figures.restock.revenue).toEqual([{ key: "", currency: "JPY", current: "1334.75", previous: "0" }]);
    expect(figures.orders.current).toBe(3);
    expect(figures.returns.count.current).toBe(2);
    expect(counts(figures.returns.reasons)).toEqual({ size_too_small: 1, DEFECTIVE: 2 });
    expect(counts(figures.returns.resolutions)).toEqual({ exchange: 1, refund: 1 });
    expect(figures.returns.products).toEqual([
      { productId: "P1", title: "Linen shirt", sold: 4, returned: 3, rate: 3 / 4 },
    ]);
    expect(figures.returns.refunded).toEqual([{ key: "", currency: "USD", current: "10.30", previous: "0" }]);
    // Counts only: no address, e-mail or street in the rollups.
    const text = JSON.stringify(await db().analyticsDaily.findMany({ where: { shop: SHOP } }));
    for (const trace of ["secret", "@example.com", "+8190"]) expect(text).not.toContain(trace);
  });

  it("another shop's rows never reach this shop's figures", async () => {
    await recomputeDays(db(), OTHER, daysFrom("2026-11-01", "2026-11-30"));
    const other = await analyticsFigures(db(), OTHER, PERIOD, NOW);
    expect(other.contactsByChannel).toEqual([{ key: "email", current: 1, previous: 0 }]);
    expect(other.responseTimes[0]!.current).toMatchObject({ count: 1, median: 1 });
    const mine = await analyticsFigures(db(), SHOP, PERIOD, NOW);
    expect(mine.responseTimes[0]!.current.count).toBeGreaterThan(1);
    expect(await db().analyticsDaily.count({ where: { shop: OTHER, metric: "delay_outcome" } })).toBe(0);
  });

  it("self-help answers for the order page: the customer's language first, another shop's never", async () => {
    await saveSelfHelpAnswer(db(), SHOP, {
      topic: "shipping",
      locale: "ja",
      title: "配送について",
      body: "通常3日でお届けします。",
    });
    await saveSelfHelpAnswer(db(), SHOP, {
      topic: "shipping",
      locale: "en",
      title: "Shipping",
      body: "Usually 3 days.",
    });
    await saveSelfHelpAnswer(db(), SHOP, { topic: "returns", locale: "en", title: "Returns", body: "30 days." });
    await saveSelfHelpAnswer(db(), OTHER, { topic: "customs", locale: "ja", title: "関税", body: "他店" });
    const ja = await selfHelpAnswersFor(db(), SHOP, "ja-JP", ["shipping", "returns", "customs"]);
    expect(ja.map((row) => [row.topic, row.locale])).toEqual([
      ["shipping", "ja"],
      ["returns", "en"],
    ]);
  });
});
