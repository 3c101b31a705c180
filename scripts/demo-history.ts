// Eight weeks of the demo shop's customer care before today, so the Analytics
// page has something to read: conversations on every channel at the hours
// customers write (shop time), the shop's replies within its business hours,
// follow-ups, resolutions and survey answers — generated from a fixed seed
// (the same history on every run), written as the inbox itself stores them,
// then the daily rollups recomputed from those rows as the worker would.
import { randomBytes } from "node:crypto";
import type { Db } from "../app/db.server.ts";

const DAYS = 56;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A small deterministic generator (mulberry32): the demo's history is the same every run. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = [
  ["佐藤 美咲", "ja"],
  ["鈴木 大輔", "ja"],
  ["高橋 陽子", "ja"],
  ["伊藤 翼", "ja"],
  ["山本 さくら", "ja"],
  ["中村 健", "ja"],
  ["小林 花", "ja"],
  ["Olivia Brown", "en"],
  ["Liam Smith", "en"],
  ["Chloe Martin", "en"],
  ["Noah Wilson", "en"],
] as const;

const TOPICS = [
  {
    tag: "where-is-my-order",
    weight: 0.45,
    ja: ["荷物がまだ届きません。今どこにありますか？", "追跡番号が更新されていません。"],
    en: ["My parcel hasn't arrived yet — where is it?", "The tracking page hasn't moved in days."],
    reply: {
      ja: "ご連絡ありがとうございます。配送状況を確認しました。",
      en: "Thanks for writing — I checked with the carrier.",
    },
  },
  {
    tag: "returns",
    weight: 0.25,
    ja: ["サイズが合わなかったので返品できますか？"],
    en: ["Can I return this? It doesn't fit."],
    reply: {
      ja: "返品を承ります。注文ページからお申し込みください。",
      en: "Of course — you can ask for the return on your order page.",
    },
  },
  {
    tag: "product-question",
    weight: 0.3,
    ja: ["この湯呑みは食洗機で洗えますか？", "ギフト包装はできますか？"],
    en: ["Is the mug dishwasher safe?", "Do you offer gift wrapping?"],
    reply: { ja: "お問い合わせありがとうございます。", en: "Thanks for asking!" },
  },
] as const;

const CHANNELS = [
  ["email", 0.55],
  ["order_page", 0.2],
  ["etsy", 0.15],
  ["sms", 0.1],
] as const;

// Customers write in the evening and at lunch (shop time); the weight of each hour 0–23.
const HOUR_WEIGHTS = [1, 0.5, 0.2, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3, 3, 4, 3, 2, 2, 2, 3, 4, 5, 6, 6, 4, 2];

function pick<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  let roll = random() * items.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [item, weight] of items) if ((roll -= weight) <= 0) return item;
  return items[items.length - 1]![0];
}

/** The next moment staff answer: 10:00–18:00 shop time (UTC+9), weekdays. */
function nextBusinessMoment(after: Date, delayMinutes: number): Date {
  const at = new Date(after.getTime() + delayMinutes * MINUTE);
  for (let guard = 0; guard < 14 * 24; guard++) {
    const local = new Date(at.getTime() + 9 * HOUR);
    const day = local.getUTCDay();
    const hour = local.getUTCHours();
    if (day !== 0 && day !== 6 && hour >= 10 && hour < 18) return at;
    at.setTime(at.getTime() + HOUR);
    at.setUTCMinutes(7 + (guard % 40));
  }
  return at;
}

export interface DemoHistory {
  conversations: number;
  messages: number;
  surveys: number;
  days: number;
}

export async function writeDemoHistory(db: Db, shop: string, now = new Date()): Promise<DemoHistory> {
  const random = seeded(20261204);
  const contacts = await db.contact.createManyAndReturn({
    data: NAMES.map(([name, locale]) => ({ shop, name, locale })),
  });
  await db.contactIdentity.createMany({
    data: contacts.map((contact, index) => ({
      shop,
      contactId: contact.id,
      kind: "email",
      value: `history.customer${index + 1}@example.com`,
    })),
  });
  // Midnight in the shop's time (UTC+9), DAYS days ago.
  const DAY = 24 * HOUR;
  const start = new Date(Math.floor((now.getTime() + 9 * HOUR) / DAY) * DAY - 9 * HOUR - DAYS * DAY);
  let messages = 0;
  let surveys = 0;
  let conversations = 0;
  for (let day = 0; day < DAYS - 1; day++) {
    const count = 3 + Math.floor(random() * 6);
    for (let n = 0; n < count; n++) {
      const hour = pick(
        random,
        HOUR_WEIGHTS.map((weight, h) => [h, weight] as const),
      );
      // `start` is a shop-time midnight: plus the local hour.
      const wrote = new Date(start.getTime() + day * DAY + hour * HOUR + Math.floor(random() * 60) * MINUTE);
      const contactIndex = Math.floor(random() * contacts.length);
      const contact = contacts[contactIndex]!;
      const locale = NAMES[contactIndex]![1];
      const channel = pick(random, CHANNELS);
      const topic = pick(
        random,
        TOPICS.map((entry) => [entry, entry.weight] as const),
      );
      const firstReply = nextBusinessMoment(wrote, 20 + Math.floor(random() * 240));
      const followUp = random() < 0.4 ? new Date(firstReply.getTime() + (1 + random() * 20) * HOUR) : null;
      const secondReply = followUp ? nextBusinessMoment(followUp, 15 + Math.floor(random() * 120)) : null;
      const last = secondReply ?? firstReply;
      const resolvedAt = random() < 0.9 ? new Date(last.getTime() + Math.floor(random() * 6) * HOUR) : null;
      if (resolvedAt && resolvedAt > now) continue;
      const texts = locale === "ja" ? topic.ja : topic.en;
      const conversation = await db.conversation.create({
        data: {
          shop,
          contactId: contact.id,
          channel,
          status: resolvedAt ? "resolved" : "waiting",
          subject: texts[0]!.slice(0, 40),
          tags: JSON.stringify([topic.tag]),
          replyToken: randomBytes(12).toString("hex"),
          firstMessageAt: wrote,
          firstResponseAt: firstReply,
          resolvedAt,
          lastMessageAt: last,
          exchanges: secondReply ? 2 : 1,
          searchText: `${contact.name ?? ""} ${texts[0]}`.toLowerCase(),
          createdAt: wrote,
        },
      });
      conversations++;
      const incoming = (text: string, at: Date) => ({
        shop,
        conversationId: conversation.id,
        direction: "incoming",
        kind: "message",
        channel,
        text,
        fullText: text,
        author: "customer",
        createdAt: at,
      });
      const outgoing = (text: string, at: Date) => ({
        shop,
        conversationId: conversation.id,
        direction: "outgoing",
        kind: "message",
        channel,
        text,
        author: "staff:1",
        status: channel === "etsy" ? "marked_sent" : "sent",
        sentAt: at,
        createdAt: at,
      });
      const rows = [
        incoming(texts[Math.floor(random() * texts.length)]!, wrote),
        outgoing(topic.reply[locale], firstReply),
        ...(followUp && secondReply
          ? [
              incoming(
                locale === "ja" ? "ありがとうございます。もう一つ質問です。" : "Thanks! One more question.",
                followUp,
              ),
              outgoing(locale === "ja" ? "かしこまりました。" : "Sure thing.", secondReply),
            ]
          : []),
      ];
      await db.message.createMany({ data: rows });
      messages += rows.length;
      if (resolvedAt && channel !== "etsy" && random() < 0.55) {
        const answeredAt = new Date(resolvedAt.getTime() + (3 * 24 + random() * 24) * HOUR);
        if (answeredAt < now) {
          const roll = random();
          const rating = roll < 0.5 ? 5 : roll < 0.8 ? 4 : roll < 0.92 ? 3 : roll < 0.97 ? 2 : 1;
          await db.satisfactionSurvey.create({
            data: {
              shop,
              conversationId: conversation.id,
              contactId: contact.id,
              token: randomBytes(18).toString("base64url"),
              rating,
              comment:
                rating >= 4 && random() < 0.3
                  ? locale === "ja"
                    ? "丁寧に対応していただきました。"
                    : "Quick and kind, thank you."
                  : rating <= 2
                    ? locale === "ja"
                      ? "返事が遅かったです。"
                      : "It took a while to hear back."
                    : null,
              sentAt: new Date(resolvedAt.getTime() + 3 * 24 * HOUR),
              answeredAt,
            },
          });
          surveys++;
        }
      }
    }
  }
  // The rollups, recomputed from these rows for every day they touch (what the worker's hourly job does).
  const { recomputeDays, daysFrom, shopDayOf } = await import("../app/analytics/rollups.server.ts");
  const days = daysFrom(await shopDayOf(db, shop, start), await shopDayOf(db, shop, now));
  await recomputeDays(db, shop, days);
  return { conversations, messages, surveys, days: days.length };
}
